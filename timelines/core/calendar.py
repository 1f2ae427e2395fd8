"""England & Wales working days: workalendar's rules, the project's fixes, admin changes.

Counting semantics (DOMAIN.md): ``add_working_days(X, n)`` is the nth working day strictly after
X, whatever X is (X is day 0 even on a Saturday or a bank holiday). ``working_days_between(a, b)``
counts the working days after ``a`` up to and including ``b``, so that
``working_days_between(X, add_working_days(X, n)) == n`` for every X and n >= 0.

The holiday set is computed once per instance for a fixed range of years and held three ways:
a frozenset (``is_working_day``), a sorted array of working-day ordinals (O(log n) arithmetic with
``bisect``, the one-at-a-time path) and a ``numpy.busdaycalendar`` (the vectorised path).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

import numpy as np
from workalendar.europe import UnitedKingdom

FIRST_YEAR = 2000
LAST_YEAR = 2060
ADMIN_HOLIDAY_NAME = "Bank holiday added by an administrator"


class EnglandAndWales(UnitedKingdom):
    """workalendar's UnitedKingdom plus the bank holidays it misses.

    workalendar 17.0.0 lacks the coronation of King Charles III (Mon 8 May 2023); every other
    weekday England & Wales bank holiday 2012-2028 matches GOV.UK (STACK.md).
    """

    non_computable_holiday_dict = {
        **UnitedKingdom.non_computable_holiday_dict,
        2023: [(date(2023, 5, 8), "Bank holiday for the coronation of King Charles III")],
    }


def _weekday_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """Named weekday bank holidays from the rules (workalendar also lists weekend dates)."""
    rules = EnglandAndWales()
    named: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        for day, name in rules.holidays(year):
            if day.weekday() < 5:
                named.setdefault(day, name)
    return named


class WorkingCalendar:
    """Working days for England & Wales between ``FIRST_YEAR`` and ``LAST_YEAR``."""

    def __init__(
        self,
        added: Iterable[date] = (),
        removed: Iterable[date] = (),
        *,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        self.first_day = date(first_year, 1, 1)
        self.last_day = date(last_year, 12, 31)
        named = _weekday_holidays(first_year, last_year)
        for day in added:
            if day.weekday() < 5 and self.first_day <= day <= self.last_day:
                named.setdefault(day, ADMIN_HOLIDAY_NAME)
        for day in removed:
            named.pop(day, None)
        self._named = dict(sorted(named.items()))
        self.holidays = frozenset(self._named)
        self._working = self._working_day_ordinals()
        self.busdaycalendar = np.busdaycalendar(
            weekmask="1111100", holidays=np.array(sorted(self.holidays), dtype="datetime64[D]")
        )
        self._np_first = np.datetime64(self.first_day, "D")
        self._np_last = np.datetime64(self.last_day, "D")
        self.version = self._version()

    def _working_day_ordinals(self) -> list[int]:
        first, last = self.first_day.toordinal(), self.last_day.toordinal()
        holiday_ordinals = {day.toordinal() for day in self.holidays}
        return [
            o
            for o in range(first, last + 1)
            if date.fromordinal(o).weekday() < 5 and o not in holiday_ordinals
        ]

    def _version(self) -> str:
        """A short stable hash of the range and the weekday holiday set."""
        text = f"{self.first_day}..{self.last_day}|" + ",".join(d.isoformat() for d in self._named)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def __repr__(self) -> str:
        return f"WorkingCalendar(version={self.version!r}, {self.first_day}..{self.last_day})"

    # -- one at a time -------------------------------------------------------------------------

    def _check_in_range(self, day: date) -> None:
        if not self.first_day <= day <= self.last_day:
            raise ValueError(
                f"{day.isoformat()} is outside the working-day calendar "
                f"({self.first_day.isoformat()} to {self.last_day.isoformat()})"
            )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, day: date, n: int) -> date:
        """The nth working day strictly after ``day`` (strictly before it when n < 0)."""
        self._check_in_range(day)
        if n == 0:
            return day
        if n > 0:
            index = bisect_right(self._working, day.toordinal()) + n - 1
        else:
            index = bisect_left(self._working, day.toordinal()) + n
        if not 0 <= index < len(self._working):
            raise ValueError(f"{day.isoformat()} {n:+d} working days leaves the calendar's range")
        return date.fromordinal(self._working[index])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if end < start."""
        self._check_in_range(start)
        self._check_in_range(end)
        return bisect_right(self._working, end.toordinal()) - bisect_right(self._working, start.toordinal())

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Weekday holidays after ``start`` up to and including ``end``, with their names.

        The same half-open range as ``working_days_between``: these are the days skipped when a
        deadline was counted from ``start`` to ``end``.
        """
        return [(day, name) for day, name in self._named.items() if start < day <= end]

    def last_working_day_on_or_before(self, day: date) -> date:
        self._check_in_range(day)
        index = bisect_right(self._working, day.toordinal()) - 1
        return date.fromordinal(self._working[index])

    def first_working_day_on_or_after(self, day: date) -> date:
        self._check_in_range(day)
        index = bisect_left(self._working, day.toordinal())
        return date.fromordinal(self._working[index])

    # -- vectorised ----------------------------------------------------------------------------

    def _check_array_in_range(self, days: np.ndarray) -> None:
        valid = days[~np.isnat(days)]
        if valid.size and (valid.min() < self._np_first or valid.max() > self._np_last):
            raise ValueError(
                f"dates outside the working-day calendar ({self.first_day.isoformat()} to "
                f"{self.last_day.isoformat()})"
            )

    def add_working_days_batch(
        self, days: np.ndarray | Sequence[date], n: int | np.ndarray | Sequence[int]
    ) -> np.ndarray:
        """Vectorised ``add_working_days``; NaT in, NaT out.

        ``busday_offset(roll='backward')`` first moves a non-working start back to the previous
        working day, which has the same working days after it, so n >= 1 is exact. n == 0 must
        return the start itself (the roll would move it), and n < 0 rolls forward instead.
        """
        starts, offsets = np.broadcast_arrays(as_day_array(days), np.asarray(n, dtype=np.int64))
        self._check_array_in_range(starts)
        result = np.busday_offset(starts, offsets, roll="backward", busdaycal=self.busdaycalendar)
        if (offsets < 0).any():
            forward = np.busday_offset(starts, offsets, roll="forward", busdaycal=self.busdaycalendar)
            result = np.where(offsets < 0, forward, result)
        result = np.where(offsets == 0, starts, result)
        self._check_array_in_range(result)
        return result

    def working_days_between_batch(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Vectorised ``working_days_between``; pairs with a NaT give 0 (mask them yourself)."""
        starts, ends = as_day_array(starts), as_day_array(ends)
        missing = np.isnat(starts) | np.isnat(ends)
        filler = self._np_first
        starts = np.where(missing, filler, starts)
        ends = np.where(missing, filler, ends)
        # busday_count counts [begin, end) forwards but (end, begin] backwards: count forwards.
        low, high = np.minimum(starts, ends), np.maximum(starts, ends)
        one = np.timedelta64(1, "D")
        count = np.busday_count(low + one, high + one, busdaycal=self.busdaycalendar)
        return np.where(ends < starts, -count, count)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NAT_INT = np.iinfo(np.int64).min  # how numpy stores NaT


def as_day_array(days: np.ndarray | Sequence[date | None]) -> np.ndarray:
    """A datetime64[D] array from an array or a sequence of dates (None becomes NaT).

    Goes through ``date.toordinal``: about 30 times faster than ``np.array(dates, 'M8[D]')``,
    which dominates the cost of a batch otherwise. A datetime counts as its own calendar date.
    """
    if isinstance(days, np.ndarray):
        if days.dtype == np.dtype("datetime64[D]"):
            return days
        if days.dtype.kind != "O":
            return days.astype("datetime64[D]")
    ordinals = np.fromiter(
        (_NAT_INT if day is None else day.toordinal() - _EPOCH_ORDINAL for day in days),
        dtype=np.int64,
        count=len(days),
    )
    return ordinals.view("datetime64[D]")


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The shared calendar without admin changes (built once: about 0.1 s)."""
    return WorkingCalendar()
