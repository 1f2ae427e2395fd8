"""Whatever an establishment or a rule is called, a calendar app reads the feed's events back
with the same text (escaping and line folding are icalendar's, RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from timelines.feeds import build_calendar

STAMP = datetime(2026, 11, 22, 2, 3, 4, tzinfo=UTC)
AWKWARD = [
    "HMP Example",
    'HMP Ünïcode, Town; "quoted" and a back\\slash',
    "A very long establishment name " * 4,
    "€" * 40,
    "Line\nbreak and, comma; semicolon",
]


def feed_with(text: str) -> bytes:
    items = [
        {
            "inspection": 1000 + n,
            "key": "draft_report",
            "due": date(2026, 12, 31) + timedelta(days=n),
            "establishment_name": text,
            "label": "Draft report to the establishment",
            "rule": "15 working days after the draft was received — MoU ¶32",
            "side": "HMIP",
        }
        for n in range(2)
    ]
    recurring = [
        {"key": "annual", "due": date(2027, 4, 1), "label": text, "rule": f"Every year: {text}"},
        {"key": "not_yet", "due": None, "label": "Not due", "rule": ""},
    ]
    return build_calendar(items, recurring, name="Inspection deadlines", stamp=STAMP)


@pytest.mark.parametrize("text", AWKWARD)
def test_the_feed_reads_back_with_the_same_text_and_dates(text):
    feed = feed_with(text)
    assert all(len(line) <= 75 for line in feed.split(b"\r\n"))
    events = list(Calendar.from_ical(feed).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        f"{text}: Draft report to the establishment due",
        f"{text}: Draft report to the establishment due",
        f"{text} due",
    ]
    assert str(events[0]["description"]).startswith("15 working days after the draft was received — MoU ¶32")
    assert str(events[2]["description"]) == f"Every year: {text}"
    assert [e.decoded("dtstart") for e in events] == [date(2026, 12, 31), date(2027, 1, 1), date(2027, 4, 1)]
    assert len({str(e["uid"]) for e in events}) == 3
