"""Route enumeration, database snapshots and request payloads shared by the security tests."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from litestar.handlers import HTTPRouteHandler

from tests.support import date_fields, run
from tracker.access import PUBLIC, route_rule
from tracker.clock import today_london
from tracker.roles import ALL_ROLES, Role

PARAM = re.compile(r"\{(\w+):(\w+)\}")

# Tables a request may change without changing anything a person did: each with its reason.
TECHNICAL_TABLES = {
    "audit_event": "the audit log records every request worth recording, reads and denials included",
    "user_session": "last_seen_at moves on every signed-in request (idle timeout)",
    "login_challenge": "two-step sign-in keeps a short-lived challenge per sign-in",
    "api_token": "last_used_at moves when a token is used",
    "calendar_feed_token": "last_used_at moves when a feed is fetched",
}


@dataclass(frozen=True)
class RouteInfo:
    path: str
    method: str
    handler: HTTPRouteHandler

    @property
    def params(self) -> list[tuple[str, str]]:
        return PARAM.findall(self.path)

    @property
    def rule(self):
        return route_rule(self.handler)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    def allows(self, role: Role) -> bool:
        rule = self.rule
        return rule == PUBLIC or (rule is not None and role in rule)

    def url(self, values: dict[str, object]) -> str:
        return PARAM.sub(lambda m: str(values[m.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def routes(app) -> list[RouteInfo]:
    """Every route and method the app serves (Litestar's automatic OPTIONS and HEAD aside)."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                found.append(RouteInfo(route.path, method, handler))
    return sorted(found, key=lambda r: (r.path, r.method))


def all_tables():
    from piccolo.conf.apps import Finder

    return Finder().get_table_classes()


def snapshot(exclude: set[str] = frozenset(TECHNICAL_TABLES)) -> dict[str, tuple[int, str]]:
    """For every table that records what people did: its number of rows and a digest of their
    contents, read at once so a test can take one after every request."""
    from tracker.db import is_sqlite

    names = sorted(t._meta.tablename for t in all_tables() if t._meta.tablename not in exclude)
    engine = all_tables()[0]._meta.db
    if is_sqlite(engine):
        import sqlite3

        def shown(row) -> tuple:  # binary content by its length: files are large
            return tuple(len(v) if isinstance(v, bytes) else v for v in row)

        with sqlite3.connect(engine.path, timeout=10) as connection:
            tables = {
                n: [shown(r) for r in connection.execute(f'SELECT * FROM "{n}" ORDER BY 1')] for n in names
            }  # noqa: S608
        return {n: (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()) for n, rows in tables.items()}
    digests = " UNION ALL ".join(
        f"SELECT '{n}' AS name, count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest"
        f' FROM "{n}" t'
        for n in names
    )
    rows = run(engine.run_ddl(digests))
    return {row["name"]: (row["n"], row["digest"]) for row in rows}


def diff(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    changed = []
    for name, (was, digest) in before.items():
        now, now_digest = after.get(name, (0, ""))
        if (now, now_digest) != (was, digest):
            changed.append(f"{name} ({was} rows -> {now})" if was != now else f"{name} (rows updated)")
    return changed


def row_counts(exclude: set[str] = frozenset(TECHNICAL_TABLES)) -> dict[str, int]:
    async def go():
        return {t._meta.tablename: await t.count() for t in all_tables() if t._meta.tablename not in exclude}

    return run(go())


def generic_form() -> dict[str, str]:
    """A form with plausible values for the fields the app's forms use, so a handler that forgot
    its scope check would act (and the test sees the change) rather than stop at validation."""
    today = today_london()
    form = {
        "reason": "A reason",
        "note": "A note",
        "comment": "A comment",
        "kind": "full",
        "status": "in_progress",
        "name": "HMP Injected",
        "link": "https://www.example.org/report",
        "url": "https://www.example.org/plan",
        "text": "Some text",
        "reference": "R9",
        "owner": "Head of Safety",
        "description": "A description",
        "agreed_part": "Part",
        "response": "agreed",
        "decision": "accepted",
        "caption": "A caption",
        "identity_check": "nobody_identifiable",
        "security_check": "yes",
        "location": "1.1",
        "category": "data",
        "proposed_correction": "A correction",
        "current_text": "Current",
        "evidence": "Evidence",
        "source": "hub",
        "report_section": "Safety",
        "content_to_publish": "yes",
        "confirm": "yes",
        "version": "1",
        "attendees": "governor",
        "title": "Injected title",
        "pasted": "R1 Leaders should act.",
        "objection_reason": "",
        "consent_reference": "REF-1",
    }
    for name in (
        "occurred_on",
        "target_date",
        "sent",
        "published_on",
        "published",
        "held_on",
        "on",
        "shared",
        "returned",
        "responded",
        "notified",
        "done_on",
    ):
        form.update(date_fields(name, today))
    return form


def generic_json() -> dict:
    today = today_london().isoformat()
    return {
        "description": "A description",
        "owner": "Head of Safety",
        "target_date": today,
        "status": "in_progress",
        "kind": "draft_sent",
        "occurred_on": today,
        "location": "1.1",
        "category": "data",
        "proposed_correction": "A correction",
        "decision": "accepted",
        "reason": "A reason",
        "response": "consent",
        "consent_reference": "REF-1",
        "source": "hub",
        "returned_on": today,
        "content_to_publish": "yes",
        "published_on": today,
        "link": "https://www.example.org/report",
        "version": 1,
    }


ROLES = sorted(ALL_ROLES, key=lambda r: r.value)


class _FormReader:
    """The fields of the page's forms, with the values a browser would send."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "form":
                    outer.forms.append(
                        {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": {}}
                    )
                if not outer.forms:
                    return
                fields = outer.forms[-1]["fields"]
                name = a.get("name")
                if tag == "input" and name:
                    kind = a.get("type", "text")
                    if kind in ("radio", "checkbox"):
                        if "checked" in a:
                            fields[name] = a.get("value", "on")
                    elif kind not in ("submit", "button", "file"):
                        fields[name] = a.get("value", "")
                elif tag == "textarea" and name:
                    outer._textarea = name
                    fields[name] = ""
                elif tag == "select" and name:
                    outer._select = name
                elif tag == "option" and outer._select and "selected" in a:
                    fields[outer._select] = a.get("value", "")

            def handle_endtag(self, tag):
                if tag == "textarea":
                    outer._textarea = None
                if tag == "select":
                    outer._select = None

            def handle_data(self, data):
                if outer._textarea and outer.forms:
                    outer.forms[-1]["fields"][outer._textarea] += data

        self.parser = Parser(convert_charrefs=True)


def form_fields(html: str, action_contains: str = "") -> dict[str, str]:
    """The fields of the first POST form on the page (whose action contains the text)."""
    reader = _FormReader()
    reader.parser.feed(html)
    for form in reader.forms:
        if (
            form["method"].lower() == "post"
            and action_contains in form["action"]
            and "_csrf_token" in form["fields"]
        ):
            return dict(form["fields"])
    raise AssertionError(f"no POST form with action containing {action_contains!r}")
