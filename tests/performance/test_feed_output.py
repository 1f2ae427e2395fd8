"""The calendar feed is written directly, not through icalendar's Calendar objects (for speed):
its bytes must be exactly what icalendar writes for the same events, and icalendar must read
them back to the same events (calendar apps see no difference)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar, Event

from timelines.feeds import PRODID, UID_DOMAIN, build_calendar

STAMP = datetime(2026, 11, 22, 2, 3, 4, 123456, tzinfo=UTC)
AWKWARD = [
    "HMP Example",
    'HMP Ünïcode, Town; "quoted" and a back\\slash',
    "A very long establishment name " * 4,
    "€" * 40,
    "Line\nbreak and, comma; semicolon",
    "x" * 60 + "\\" + "y" * 30,
    "ab" * 36 + "é" + "\\," * 10,
]


def reference(items: list[dict], recurring: list[dict], *, name: str, stamp) -> bytes:
    """The feed as it was built with icalendar before (the behaviour to keep)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in items:
        event = Event()
        event.add("uid", f"inspection-{item['inspection']}-{item['key']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item["due"])
        event.add("dtend", item["due"] + timedelta(days=1))
        event.add("summary", f"{item['establishment_name']}: {item['label']} due")
        event.add("description", f"{item['rule']}\nWith: {item['side']}\nInspection {item['inspection']}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for obligation in recurring:
        if obligation["due"] is None:
            continue
        event = Event()
        event.add("uid", f"recurring-{obligation['key']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation["due"])
        event.add("dtend", obligation["due"] + timedelta(days=1))
        event.add("summary", f"{obligation['label']} due")
        event.add("description", obligation["rule"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def items_with(text: str) -> tuple[list[dict], list[dict]]:
    items = [
        {
            "inspection": 1000 + n,
            "key": "draft_report" if n % 2 else "debrief_note_to_hq",
            "due": date(2026, 12, 31) + timedelta(days=n),
            "establishment_name": text,
            "label": "Draft report to the establishment",
            "rule": "15 working days after the draft was received — MoU ¶32",
            "side": text[:20] or "HMIP",
        }
        for n in range(3)
    ]
    recurring = [
        {"key": "annual_report", "due": date(2027, 4, 1), "label": text, "rule": f"Every year: {text}"},
        {"key": "not_yet", "due": None, "label": "Not due", "rule": ""},
    ]
    return items, recurring


@pytest.mark.parametrize("text", AWKWARD)
def test_feed_bytes_are_what_icalendar_writes(text):
    items, recurring = items_with(text)
    name = f"Inspection deadlines: {text}".replace("\n", " ")  # a display name has no line break
    ours = build_calendar(items, recurring, name=name, stamp=STAMP)
    assert ours == reference(items, recurring, name=name, stamp=STAMP)
    parsed = Calendar.from_ical(ours)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 4
    assert str(events[0]["summary"]) == f"{text}: Draft report to the establishment due"


def test_empty_feed_is_what_icalendar_writes():
    assert build_calendar([], [], name="Nobody", stamp=STAMP) == reference([], [], name="Nobody", stamp=STAMP)
