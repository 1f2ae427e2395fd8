"""The managers' overdue dashboard: filters (from the URL), counts by dimension, the rows a
page at a time (`page_of`, which pages My work too)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from urllib.parse import urlencode

from timelines.core.engine import DUE_SOON, DUE_TODAY, NOT_YET_DUE, OVERDUE
from timelines.risk import AT_RISK
from timelines.work import SIDES, STATUS_LABELS, sort_items
from tracker.query import parse_id, whole_number

STATUS_CHOICES = {
    OVERDUE: "Overdue",
    DUE_TODAY: "Due today",
    DUE_SOON: "Due soon (5 working days or fewer)",
    NOT_YET_DUE: "Not yet due",
    AT_RISK: "At risk (fewer days left than the stage usually takes)",
    "open": "Everything open",
}
FILTER_NAMES = ("status", "stage", "establishment", "group", "side")
PAGE_SIZE = 50


def parse_filters(params: Mapping[str, str]) -> dict[str, str]:
    """Known filters only, unknown values dropped; status defaults to overdue."""
    filters = {name: (params.get(name) or "").strip()[:100] for name in FILTER_NAMES}
    if filters["status"] not in STATUS_CHOICES:
        filters["status"] = OVERDUE
    if filters["side"] and filters["side"] not in SIDES:
        filters["side"] = ""
    establishment = parse_id(filters["establishment"])
    filters["establishment"] = "" if establishment is None else str(establishment)
    return filters


def matches(item: dict, filters: Mapping[str, str], *, ignore: str = "") -> bool:
    checks = {
        "status": lambda v: v == "open" or item["status"] == v or (v == AT_RISK and bool(item.get("risk"))),
        "stage": lambda v: item["key"] == v,
        "establishment": lambda v: str(item["establishment"]) == v,
        "group": lambda v: (item["prison_group"] or "") == v,
        "side": lambda v: item["owner"] == v,
    }
    return all(checks[name](value) for name, value in filters.items() if value and name != ignore)


def apply(items: list[dict], filters: Mapping[str, str]) -> list[dict]:
    return sort_items([i for i in items if matches(i, filters)])


def query(filters: Mapping[str, str], **changes: str) -> str:
    """The query string for these filters with some changed ('' removes one)."""
    merged = {**filters, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


ORGANISATIONS = {
    "hmip": "HMIP",
    "scrutiny": "HMPPS",
    "establishment": "HMPPS",
    "hmpps": "HMPPS",
    "sos": "the Secretary of State",
}


def by_organisation(rows: list[dict]) -> str:
    """Who holds the ball, organisation by organisation ("4 with HMIP, 3 with HMPPS"): the
    Scrutiny Team and the establishments are both HMPPS."""
    counts = Counter(ORGANISATIONS.get(r["owner"], r["owner"]) for r in rows)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{count} with {who}" for who, count in ordered)


def breakdowns(rows: list[dict], filters: Mapping[str, str]) -> list[dict]:
    """Counts of the filtered rows by stage, establishment, prison group and side, as links."""
    by_stage = Counter((r["key"], r["label"]) for r in rows)
    by_establishment = Counter((str(r["establishment"]), r["establishment_name"]) for r in rows)
    by_group = Counter((r["prison_group"] or "", r["prison_group"] or "No prison group") for r in rows)
    by_side = Counter((r["owner"], SIDES.get(r["owner"], r["owner"])) for r in rows)
    sections = [
        ("stage", "By stage", by_stage),
        ("side", "By who holds the ball", by_side),
        ("group", "By prison group", by_group),
        ("establishment", "By establishment", by_establishment),
    ]
    result = []
    for name, title, counter in sections:
        entries = [
            {
                "value": value,
                "label": label,
                "count": count,
                "href": "/dashboard?" + query(filters, **{name: value}),
                "current": filters.get(name) == value,
            }
            for (value, label), count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0][1]))
        ]
        result.append({"name": name, "title": title, "entries": entries, "active": bool(filters.get(name))})
    return result


def choices(options: Mapping[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    """Options for the filter form, from what this person may see (work.open_item_options)."""
    return {
        "status": list(STATUS_CHOICES.items()),
        "stage": sorted(options["stage"], key=lambda kv: kv[1]),
        "establishment": sorted(options["establishment"], key=lambda kv: kv[1]),
        "group": sorted(options["group"]),
        "side": list(SIDES.items()),
    }


def describe(filters: Mapping[str, str], options: Mapping[str, list[tuple[str, str]]]) -> list[dict]:
    """The active filters in words, each with a link that removes it."""
    names = {
        "stage": dict(options["stage"]),
        "establishment": dict(options["establishment"]),
        "side": SIDES,
    }
    result = []
    for name in FILTER_NAMES:
        value = filters.get(name)
        if not value or name == "status":
            continue
        label = names.get(name, {}).get(value, value)
        result.append({"name": name, "label": label, "href": "/dashboard?" + query(filters, **{name: ""})})
    return result


def page_of(rows: list[dict], requested: str | None, filters: Mapping[str, str], *, path: str) -> dict:
    """One page of PAGE_SIZE rows, with GOV.UK pagination links to ``path`` that keep the
    filters (the dashboard's, My work's period). A page that is not a number is the first, one
    past the end the last."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = whole_number(requested) or 1
    number = min(max(number, 1), pages)
    first = (number - 1) * PAGE_SIZE

    def href(n: int) -> str:
        return f"{path}?" + query(filters, page=str(n) if n > 1 else "")

    window = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    items: list[dict] = []
    for n in window:
        if items and n - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": n - 1})
        items.append({"number": n, "href": href(n), "current": n == number})
    return {
        "rows": rows[first : first + PAGE_SIZE],
        "number": number,
        "pages": pages,
        "first": first + 1 if rows else 0,
        "last": min(first + PAGE_SIZE, len(rows)),
        "total": len(rows),
        "previous": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < pages else None,
        "items": items,
    }


STATUS_TEXT = STATUS_LABELS
