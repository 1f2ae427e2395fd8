"""Offsets such as "32 working days", "7 weeks", "3 months" or "the week following".

An ``Offset`` is parsed from the text a rule is written in and renders back to canonical text.
Only working-day offsets look at the calendar's holidays; calendar-day, week, month and year
offsets never roll off a weekend or holiday (DOMAIN.md). "the week following" is the last working
day of the Monday-Sunday week after the week holding the anchor. "N hours" is a timestamp rule:
elapsed hours on the real clock, shown in Europe/London.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from timelines.core.calendar import WorkingCalendar, as_day_array

LONDON = ZoneInfo("Europe/London")

WORKING_DAYS = "working days"
CALENDAR_DAYS = "calendar days"
WEEKS = "weeks"
MONTHS = "months"
YEARS = "years"
HOURS = "hours"
WEEK_FOLLOWING = "the week following"

_UNIT_WORDS = {
    "working day": WORKING_DAYS,
    "working days": WORKING_DAYS,
    "calendar day": CALENDAR_DAYS,
    "calendar days": CALENDAR_DAYS,
    "day": CALENDAR_DAYS,
    "days": CALENDAR_DAYS,
    "week": WEEKS,
    "weeks": WEEKS,
    "month": MONTHS,
    "months": MONTHS,
    "year": YEARS,
    "years": YEARS,
    "hour": HOURS,
    "hours": HOURS,
}
_UNITS_PATTERN = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_AMOUNT_RE = re.compile(rf"^(\d+)\s+({_UNITS_PATTERN})(?:\s+(before|after))?$")
_WINDOW_RE = re.compile(rf"^(\d+)\s*(?:-|–|to)\s*(\d+)\s+({_UNITS_PATTERN})$")
_WEEK_FOLLOWING_RE = re.compile(r"^(?:the\s+)?week\s+following$")


def _normalise(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


@dataclass(frozen=True, slots=True)
class Offset:
    """A signed amount of one unit; ``amount`` is negative for "... before"."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Offset:
        """Parse "15 working days", "7 days", "3 months before", "the week following" ..."""
        return _parse_offset(str(text))

    @classmethod
    def _parse_uncached(cls, text: str) -> Offset:
        clean = _normalise(text)
        if _WEEK_FOLLOWING_RE.match(clean):
            return cls(1, WEEK_FOLLOWING)
        match = _AMOUNT_RE.match(clean)
        if not match:
            raise ValueError(
                f"not an offset: {text!r} (expected e.g. '32 working days', '7 calendar days', "
                "'7 weeks', '3 months', '1 year', '24 hours' or 'the week following')"
            )
        amount, unit_word, direction = match.groups()
        sign = -1 if direction == "before" else 1
        return cls(sign * int(amount), _UNIT_WORDS[unit_word])

    def __str__(self) -> str:
        if self.unit == WEEK_FOLLOWING:
            return WEEK_FOLLOWING
        size = abs(self.amount)
        unit = self.unit if size != 1 else self.unit[:-1]
        suffix = " before" if self.amount < 0 else ""
        return f"{size} {unit}{suffix}"

    @property
    def is_timestamp(self) -> bool:
        return self.unit == HOURS

    @property
    def uses_working_days(self) -> bool:
        return self.unit in (WORKING_DAYS, WEEK_FOLLOWING)

    def describe(self, anchor_phrase: str) -> str:
        """Plain English: "32 working days after the inspection ended"."""
        if self.unit == WEEK_FOLLOWING:
            return f"the last working day of the week after {anchor_phrase}"
        if self.amount == 0:
            return f"on the day {anchor_phrase}"
        direction = "before" if self.amount < 0 else "after"
        positive = Offset(abs(self.amount), self.unit)
        return f"{positive} {direction} {anchor_phrase}"

    def apply(self, anchor: date | datetime, calendar: WorkingCalendar) -> date | datetime:
        """The date (or, for hours, the Europe/London datetime) this offset gives from anchor."""
        if self.unit == HOURS:
            return add_hours(anchor, self.amount)
        day = anchor.date() if isinstance(anchor, datetime) else anchor
        if self.unit == WORKING_DAYS:
            return calendar.add_working_days(day, self.amount)
        if self.unit == CALENDAR_DAYS:
            return day + timedelta(days=self.amount)
        if self.unit == WEEKS:
            return day + timedelta(weeks=self.amount)
        if self.unit == MONTHS:
            return add_months(day, self.amount)
        if self.unit == YEARS:
            return add_months(day, 12 * self.amount)
        return week_following(day, calendar)

    def apply_batch(self, anchors: np.ndarray, calendar: WorkingCalendar) -> np.ndarray:
        """Vectorised ``apply`` for date units over a datetime64[D] array (NaT stays NaT)."""
        anchors = as_day_array(anchors)
        if self.unit == WORKING_DAYS:
            return calendar.add_working_days_batch(anchors, self.amount)
        if self.unit == CALENDAR_DAYS:
            return anchors + np.timedelta64(self.amount, "D")
        if self.unit == WEEKS:
            return anchors + np.timedelta64(7 * self.amount, "D")
        if self.unit == MONTHS:
            return add_months_batch(anchors, self.amount)
        if self.unit == YEARS:
            return add_months_batch(anchors, 12 * self.amount)
        if self.unit == WEEK_FOLLOWING:
            return week_following_batch(anchors, calendar)
        raise ValueError(f"{self} is a timestamp rule and has no vectorised date form")


@dataclass(frozen=True, slots=True)
class WindowOffset:
    """A window such as "7-8 weeks" or "10 to 15 working days" after an anchor."""

    opens: Offset
    closes: Offset

    @classmethod
    def parse(cls, text: str) -> WindowOffset:
        return _parse_window(str(text))

    @classmethod
    def _parse_uncached(cls, text: str) -> WindowOffset:
        match = _WINDOW_RE.match(_normalise(text))
        if not match:
            raise ValueError(f"not a window: {text!r} (expected e.g. '10 to 15 working days')")
        low, high, unit_word = match.groups()
        unit = _UNIT_WORDS[unit_word]
        if int(low) > int(high):
            raise ValueError(f"not a window: {text!r} (it closes before it opens)")
        return cls(Offset(int(low), unit), Offset(int(high), unit))

    def __str__(self) -> str:
        return f"{self.opens.amount} to {self.closes}"

    def describe(self, anchor_phrase: str) -> str:
        return f"between {self.opens.amount} and {self.closes} after {anchor_phrase}"


@lru_cache(maxsize=1024)
def _parse_offset(text: str) -> Offset:
    return Offset._parse_uncached(text)


@lru_cache(maxsize=1024)
def _parse_window(text: str) -> WindowOffset:
    return WindowOffset._parse_uncached(text)


def add_months(day: date, months: int) -> date:
    """X + N calendar months in one step, clamped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_months_batch(days: np.ndarray, months: int) -> np.ndarray:
    month_starts = days.astype("datetime64[M]")
    day_in_month = (days - month_starts.astype("datetime64[D]")).astype(np.int64)
    target = month_starts + np.timedelta64(months, "M")
    target_start = target.astype("datetime64[D]")
    next_start = (target + np.timedelta64(1, "M")).astype("datetime64[D]")
    month_length = (next_start - target_start).astype(np.int64)
    return target_start + np.minimum(day_in_month, month_length - 1).astype("timedelta64[D]")


def week_following(day: date, calendar: WorkingCalendar) -> date:
    """The last working day of the Monday-Sunday week after the week holding ``day``."""
    next_sunday = day + timedelta(days=13 - day.weekday())
    return calendar.last_working_day_on_or_before(next_sunday)


def week_following_batch(days: np.ndarray, calendar: WorkingCalendar) -> np.ndarray:
    # 1970-01-01 was a Thursday: (ordinal - 4) % 7 is 0 on Mondays.
    weekday = (days.astype(np.int64) - 4) % 7
    next_sunday = days + (13 - weekday).astype("timedelta64[D]")
    return np.busday_offset(next_sunday, 0, roll="backward", busdaycal=calendar.busdaycalendar)


def as_london(moment: datetime) -> datetime:
    """A timezone-aware Europe/London datetime; naive input is read as London wall-clock time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON)


def add_hours(anchor: date | datetime, hours: int) -> datetime:
    """Elapsed hours (real time, so across a clock change the wall-clock hour moves)."""
    if not isinstance(anchor, datetime):
        raise ValueError(f"an hours rule needs a date and time, not just the date {anchor.isoformat()}")
    utc = as_london(anchor).astimezone(UTC)
    return (utc + timedelta(hours=hours)).astimezone(LONDON)
