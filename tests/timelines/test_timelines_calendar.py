"""The working-day calendar against workalendar (with the coronation fix) and GOV.UK's data."""

from datetime import date, timedelta

import numpy as np
import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays
from hypothesis import given, settings
from hypothesis import strategies as st
from workalendar.europe import UnitedKingdom

from timelines.core.calendar import EnglandAndWales, WorkingCalendar, default_calendar

CAL = default_calendar()
FIRST, LAST = date(2012, 1, 1), date(2030, 12, 31)
any_day = st.dates(min_value=FIRST, max_value=LAST)


def _every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _workalendar_working_days(first: date, last: date) -> np.ndarray:
    """Independent oracle: every working day by workalendar (with the fix), day by day."""
    rules = EnglandAndWales()
    return np.array([d for d in _every_day(first, last) if rules.is_working_day(d)], "datetime64[D]")


def test_exhaustive_batch_equals_one_at_a_time_equals_workalendar_2012_to_2030():
    starts = np.array(_every_day(FIRST, LAST), dtype="datetime64[D]")
    working = _workalendar_working_days(FIRST, LAST + timedelta(days=120))
    after = np.searchsorted(working, starts, side="right")  # index of 1st working day after
    for n in range(0, 61):
        batch = CAL.add_working_days_batch(starts, n)
        oracle = starts if n == 0 else working[after + n - 1]
        assert np.array_equal(batch, oracle), f"batch differs from workalendar for n={n}"
    one_at_a_time = np.array(
        [[CAL.add_working_days(d, n) for n in range(61)] for d in starts.astype(object)],
        dtype="datetime64[D]",
    )
    batch_all = CAL.add_working_days_batch(starts[:, None], np.arange(61)[None, :])
    assert np.array_equal(one_at_a_time, batch_all)


@settings(max_examples=60, deadline=None)
@given(any_day, st.integers(0, 60))
def test_matches_workalendar_own_add_working_days(start, n):
    assert CAL.add_working_days(start, n) == EnglandAndWales().add_working_days(start, n)


def test_weekday_holidays_match_govuk_england_and_wales_2012_to_2028():
    govuk = BankHolidays(use_cached_holidays=True)
    theirs = {
        h["date"]
        for h in govuk.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
        if 2012 <= h["date"].year <= 2028 and h["date"].weekday() < 5
    }
    ours = {d for d in CAL.holidays if 2012 <= d.year <= 2028}
    assert ours == theirs


def test_coronation_bank_holiday_is_fixed():
    assert not CAL.is_working_day(date(2023, 5, 8))
    assert CAL.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)
    # The upstream gap the subclass fixes; if this fails, workalendar has fixed it itself.
    assert UnitedKingdom().is_working_day(date(2023, 5, 8))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 12, 20), 32, date(2025, 2, 7)),  # over Christmas and New Year
        (date(2025, 3, 4), 15, date(2025, 3, 25)),  # DOMAIN journey: fact check return
        (date(2025, 1, 10), 1, date(2025, 1, 13)),  # Fri + 1 = Mon
        (date(2025, 1, 11), 1, date(2025, 1, 13)),  # Sat + 1 = Mon
        (date(2025, 1, 12), 1, date(2025, 1, 13)),  # Sun + 1 = Mon
        (date(2025, 1, 11), 0, date(2025, 1, 11)),  # n = 0 is the start, even a Saturday
        (date(2024, 12, 24), 1, date(2024, 12, 27)),  # Christmas Eve + 1 skips 25 and 26
        (date(2024, 12, 25), 1, date(2024, 12, 27)),  # from a bank holiday
        (date(2025, 4, 17), 1, date(2025, 4, 22)),  # Maundy Thursday + 1 skips Easter
        (date(2025, 4, 18), 1, date(2025, 4, 22)),  # from Good Friday
        (date(2020, 5, 7), 1, date(2020, 5, 11)),  # VE day 2020 moved the May bank holiday
        (date(2022, 9, 16), 1, date(2022, 9, 20)),  # the State Funeral
        (date(2025, 1, 13), -1, date(2025, 1, 10)),  # backwards: Mon - 1 = Fri
        (date(2025, 1, 11), -1, date(2025, 1, 10)),  # Sat - 1 = Fri
        (date(2024, 12, 27), -1, date(2024, 12, 24)),
    ],
)
def test_add_working_days_worked_examples(start, n, expected):
    assert CAL.add_working_days(start, n) == expected
    assert CAL.add_working_days_batch([start], n)[0] == np.datetime64(expected)


@settings(max_examples=200, deadline=None)
@given(any_day, st.integers(0, 300))
def test_between_inverts_add(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(end, start) == -n


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(any_day, any_day), min_size=1, max_size=30))
def test_between_batch_equals_one_at_a_time(pairs):
    starts, ends = zip(*pairs, strict=True)
    batch = CAL.working_days_between_batch(np.array(starts, "M8[D]"), np.array(ends, "M8[D]"))
    assert batch.tolist() == [CAL.working_days_between(a, b) for a, b in pairs]


@settings(max_examples=100, deadline=None)
@given(st.lists(any_day, min_size=1, max_size=30), st.integers(-40, 40))
def test_batch_negative_and_zero_offsets_equal_one_at_a_time(starts, n):
    batch = CAL.add_working_days_batch(starts, n)
    assert batch.astype(object).tolist() == [CAL.add_working_days(d, n) for d in starts]


def test_between_counts_after_start_up_to_and_including_end():
    assert CAL.working_days_between(date(2025, 1, 10), date(2025, 1, 10)) == 0
    assert CAL.working_days_between(date(2025, 1, 10), date(2025, 1, 13)) == 1  # Fri -> Mon
    assert CAL.working_days_between(date(2024, 12, 20), date(2025, 2, 7)) == 32
    assert CAL.working_days_between(date(2025, 2, 7), date(2024, 12, 20)) == -32


def test_holidays_between_names_the_days_skipped():
    skipped = CAL.holidays_between(date(2024, 12, 20), date(2025, 2, 7))
    assert [d for d, _ in skipped] == [date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)]
    assert "Christmas" in skipped[0][1]
    coronation = CAL.holidays_between(date(2023, 4, 30), date(2023, 5, 31))
    assert [d for d, _ in coronation] == [date(2023, 5, 1), date(2023, 5, 8), date(2023, 5, 29)]
    assert "coronation" in coronation[1][1].lower()


def test_weekend_holidays_are_not_listed():
    # Christmas Day 2022 was a Sunday: the weekday holidays are the substitutes 26 and 27 Dec.
    assert date(2022, 12, 25) not in CAL.holidays
    assert {date(2022, 12, 26), date(2022, 12, 27)} <= CAL.holidays


def test_admin_added_holiday_moves_deadlines_and_changes_version():
    added = WorkingCalendar(added=[date(2025, 3, 24)])
    assert added.add_working_days(date(2025, 3, 4), 15) == date(2025, 3, 26)
    assert added.version != CAL.version
    assert (date(2025, 3, 24), "Bank holiday added by an administrator") in added.holidays_between(
        date(2025, 3, 1), date(2025, 3, 31)
    )
    assert added.add_working_days_batch([date(2025, 3, 4)], 15)[0] == np.datetime64("2025-03-26")


def test_admin_removed_holiday_becomes_a_working_day():
    removed = WorkingCalendar(removed=[date(2024, 12, 26)])
    assert removed.is_working_day(date(2024, 12, 26))
    assert removed.add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 26)


def test_version_is_stable_and_ignores_weekend_additions():
    assert WorkingCalendar().version == CAL.version
    assert WorkingCalendar(added=[date(2025, 3, 22)]).version == CAL.version  # a Saturday
    assert len(CAL.version) == 12


def test_default_calendar_is_cached():
    assert default_calendar() is CAL


def test_outside_the_calendar_range_is_a_clear_error():
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        CAL.add_working_days(date(1999, 12, 31), 1)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        CAL.add_working_days_batch([date(2061, 1, 3)], 1)


def test_batch_keeps_nat():
    result = CAL.add_working_days_batch(np.array(["2025-01-10", "NaT"], "M8[D]"), 1)
    assert result[0] == np.datetime64("2025-01-13") and np.isnat(result[1])
