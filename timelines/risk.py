"""At risk: an open milestone, not yet overdue, with fewer days left than its stage has usually
taken, forecast from the service's own history (the on-time performance figures).

The typical time is the median a stage took over the last complete business year (April to
March), in the stage's own unit (working days or calendar days). With fewer than
``MIN_CASES`` done that year, a stated default stands in for it, and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timelines import performance
from timelines.core.calendar import WorkingCalendar
from timelines.core.engine import DUE_SOON, DUE_TODAY, NOT_YET_DUE
from timelines.core.years import business_year, business_year_dates, business_year_label
from tracker.cache import kept_for

MIN_CASES = 5
TYPICAL_KEPT_SECONDS = 3600
DEFAULT_TYPICAL = {"working days": 5, "days": 7}
"""Used when a stage has too few cases: the "due soon" window in working days, a week in days."""
JUDGED_STATUSES = (DUE_TODAY, DUE_SOON, NOT_YET_DUE)
AT_RISK = "at_risk"


@dataclass(frozen=True)
class Typical:
    """How long a stage usually takes."""

    days: float
    unit: str
    cases: int
    year_label: str

    @property
    def is_default(self) -> bool:
        return self.cases < MIN_CASES


def _number(value: float) -> str:
    return f"{value:g}"


def typical_times(summary: list[dict], year: int) -> dict[tuple[str, str], Typical]:
    """(process, key) -> Typical, from ``performance.summarise`` of one business year."""
    result = {}
    for item in summary:
        measure = item["measure"]
        cases = item["count"]
        days = item["median"] if cases >= MIN_CASES else DEFAULT_TYPICAL[measure.unit]
        result[(measure.process, measure.key)] = Typical(days, measure.unit, cases, business_year_label(year))
    return result


def default_typical(year: int) -> Typical:
    return Typical(DEFAULT_TYPICAL["working days"], "working days", 0, business_year_label(year))


def days_left(item: dict, unit: str, today: date) -> int:
    if unit == "working days":
        return 0 if item["status"] == DUE_TODAY else item["working_days"]
    return (item["due"] - today).days


def reason(left: int, typical: Typical) -> str:
    """Why an item is at risk, in words."""
    unit_one = typical.unit[:-1]
    left_text = f"{left} {unit_one if left == 1 else typical.unit} left"
    if typical.is_default:
        return (
            f"{left_text}; too few of these were done in {typical.year_label} to forecast"
            f" ({typical.cases}), so the default of {_number(typical.days)} {typical.unit} is used"
        )
    return f"{left_text}; this stage has taken a median of {_number(typical.days)} ({typical.year_label})"


def judge(item: dict, typical: Typical, today: date) -> str | None:
    """The reason this open item is at risk, or None."""
    if item["status"] not in JUDGED_STATUSES or item.get("due") is None:
        return None
    left = days_left(item, typical.unit, today)
    return reason(left, typical) if left < typical.days else None


def flag(items: list[dict], typical: dict[tuple[str, str], Typical], today: date) -> list[dict]:
    """Each item with ``risk``: the reason it is at risk, or None."""
    fallback = default_typical(business_year(today) - 1)
    for item in items:
        item["risk"] = judge(item, typical.get((item["process"], item["key"]), fallback), today)
    return items


async def typical_for(today: date, calendar: WorkingCalendar) -> dict[tuple[str, str], Typical]:
    """How long each measured stage took over the last complete business year (every
    establishment's history: the forecast is the service's, not one prison's)."""
    year = business_year(today) - 1
    first, last = business_year_dates(date(year, 4, 1))

    async def compute():
        data = await performance.done_milestones(None, done_from=first, done_to=last)
        return typical_times(performance.summarise(data, calendar, year=year), year)

    # A finished year's medians: kept for an hour through writes (a correction to last year's
    # facts shows within the hour), so an audited read does not rebuild them on every request.
    return await kept_for(("typical_stage_times", year, calendar.version), TYPICAL_KEPT_SECONDS, compute)


async def flag_items(items: list[dict], today: date, calendar: WorkingCalendar) -> list[dict]:
    return flag(items, await typical_for(today, calendar), today)
