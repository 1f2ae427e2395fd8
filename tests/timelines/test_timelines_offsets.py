"""Offsets: parsing, rendering, calendar months, the week following, hours across DST."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timelines.core.calendar import default_calendar
from timelines.core.offsets import Offset, WindowOffset, add_months

CAL = default_calendar()
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("32 working days", "32 working days"),
        ("1 working day", "1 working day"),
        ("7 calendar days", "7 calendar days"),
        ("7 days", "7 calendar days"),
        ("  7   Weeks ", "7 weeks"),
        ("3 months", "3 months"),
        ("1 year", "1 year"),
        ("5 years", "5 years"),
        ("24 hours", "24 hours"),
        ("the week following", "the week following"),
        ("week following", "the week following"),
        ("6 months before", "6 months before"),
    ],
)
def test_parse_and_render(text, canonical):
    offset = Offset.parse(text)
    assert str(offset) == canonical
    assert Offset.parse(str(offset)) == offset


@pytest.mark.parametrize("bad", ["", "32", "working days", "32 wrking days", "-3 days", "3 fortnights"])
def test_bad_offset_text_names_the_text(bad):
    with pytest.raises(ValueError, match="not an offset") as error:
        Offset.parse(bad)
    assert repr(bad) in str(error.value)


def test_window_parse_and_render():
    window = WindowOffset.parse("10-15 working days")
    assert str(window) == "10 to 15 working days"
    assert WindowOffset.parse("7 to 8 weeks").closes == Offset(8, "weeks")
    with pytest.raises(ValueError, match="not a window"):
        WindowOffset.parse("15 to 10 working days")


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        (date(2025, 3, 21), "7 calendar days", date(2025, 3, 28)),
        (date(2025, 3, 22), "7 days", date(2025, 3, 29)),  # a Saturday stays a Saturday
        (date(2024, 12, 18), "7 days", date(2024, 12, 25)),  # Christmas Day: no rolling
        (date(2025, 1, 17), "7 weeks", date(2025, 3, 7)),
        (date(2024, 11, 30), "3 months", date(2025, 2, 28)),  # clamped to month end
        (date(2023, 11, 30), "3 months", date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), "1 month", date(2025, 2, 28)),
        (date(2025, 3, 31), "1 month", date(2025, 4, 30)),
        (date(2025, 6, 10), "3 months", date(2025, 9, 10)),  # JOURNEYS: published 10 June
        (date(2025, 1, 31), "13 months", date(2026, 2, 28)),
        (date(2024, 2, 29), "1 year", date(2025, 2, 28)),
        (date(2025, 8, 31), "6 months before", date(2025, 2, 28)),
        (date(2025, 3, 14), "the week following", date(2025, 3, 21)),  # JOURNEYS: Fri 21 March
        (date(2025, 3, 10), "the week following", date(2025, 3, 21)),  # Monday of the same week
        (date(2025, 3, 16), "the week following", date(2025, 3, 21)),  # Sunday of the same week
        (date(2025, 4, 9), "the week following", date(2025, 4, 17)),  # Good Friday -> Thursday
        (date(2025, 12, 19), "the week following", date(2025, 12, 24)),  # Christmas week
        (date(2024, 12, 20), "32 working days", date(2025, 2, 7)),
        (date(2025, 4, 18), "10 working days", date(2025, 5, 6)),  # Easter and early May
    ],
)
def test_apply_worked_examples(start, text, expected):
    offset = Offset.parse(text)
    assert offset.apply(start, CAL) == expected
    assert offset.apply_batch(np.array([start], "M8[D]"), CAL)[0] == np.datetime64(expected)


def test_month_clamping_is_one_step_not_repeated():
    # 30 Nov + 3 months in one step is end of Feb; stepping a month at a time would drift.
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(add_months(add_months(date(2024, 11, 30), 1), 1), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 8, 31), 7) == date(2025, 3, 31)


def test_24_hours_across_the_spring_clock_change():
    sent = datetime(2025, 3, 29, 10, 0, tzinfo=LONDON)  # Saturday, GMT
    due = Offset.parse("24 hours").apply(sent, CAL)
    assert due == datetime(2025, 3, 30, 11, 0, tzinfo=LONDON)  # Sunday, BST
    assert due.utcoffset().total_seconds() == 3600
    # 24 elapsed hours, though the wall clock moved 25 (same-zone subtraction is wall time).
    assert due.astimezone(UTC) - sent.astimezone(UTC) == timedelta(hours=24)


def test_24_hours_across_the_autumn_clock_change_and_naive_input():
    due = Offset.parse("24 hours").apply(datetime(2025, 10, 25, 10, 0), CAL)  # naive = London
    assert due == datetime(2025, 10, 26, 9, 0, tzinfo=LONDON)
    assert due.utcoffset().total_seconds() == 0


def test_hours_need_a_time():
    with pytest.raises(ValueError, match="date and time"):
        Offset.parse("24 hours").apply(date(2025, 3, 29), CAL)


day_strategy = st.dates(min_value=date(2012, 1, 1), max_value=date(2040, 12, 31))
offset_strategy = st.builds(
    Offset,
    st.integers(-30, 60),
    st.sampled_from(["working days", "calendar days", "weeks", "months", "years"]),
) | st.just(Offset(1, "the week following"))


@settings(max_examples=200, deadline=None)
@given(st.lists(day_strategy, min_size=1, max_size=20), offset_strategy)
def test_apply_batch_equals_apply(days, offset):
    batch = offset.apply_batch(np.array(days, "M8[D]"), CAL)
    assert batch.astype(object).tolist() == [offset.apply(d, CAL) for d in days]
