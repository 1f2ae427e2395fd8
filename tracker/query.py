"""Ids, whole numbers and dates from a URL's query string (filters, page numbers, `?corrects=`),
ids and versions from a form's fields, and the same from a JSON body.

Anything there is typed by whoever sent the link, so nothing in it may reach the database as a
number the database cannot hold or a date Python cannot move by a day (SECURITY.md K10): an id no
row could have matches nothing, a far-off date is brought within the years the service deals in,
and anything that is not a number or a date is no value at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from tracker.access import MAX_ID
from tracker.forms import MAX_YEAR, MIN_YEAR

NO_ROW = 0  # ids start at 1: the id of no row
NO_VERSION = -1  # versions start at 0 (none saved yet) or 1: the version of no row
_LONGEST = 30  # digits; Python refuses int() of more than 4300, and no count or id comes near


def whole_number(text: str | None) -> int | None:
    """ASCII digits only: "²".isdigit() is true, yet int("²") fails. Absurdly long ones are one
    absurdly large number."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    text = text.lstrip("0") or "0"
    return int(text) if len(text) <= _LONGEST else 10**_LONGEST


def parse_id(text: str | None) -> int | None:
    """None when there is no whole number; NO_ROW when it is beyond any table's ids."""
    number = whole_number(text)
    return None if number is None else id_or_no_row(number)


def id_or_no_row(number: int) -> int:
    """An id as sent (a JSON number may be anything): NO_ROW when no row could have it."""
    return number if 0 <= number <= MAX_ID else NO_ROW


def version_or_none_such(number: int) -> int:
    """A version as sent: NO_VERSION when no row could have it, so the write is a conflict."""
    return number if 0 <= number <= MAX_ID else NO_VERSION


def in_service_years(day: date) -> bool:
    """Within the years the service deals in (as a GOV.UK date input checks); a date in year 1 or
    9999 cannot be moved by a working day without failing."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_ids(texts: list[str]) -> list[int]:
    """The ids among a multi-value field's values (ticked boxes); one beyond any table is NO_ROW,
    so the operation refuses it as unknown rather than the database failing on it."""
    return [number for number in map(parse_id, texts) if number is not None]


def parse_version(text: str | None, *, when_missing: int | None) -> int | None:
    """The version a form was loaded with (K5). One that is there but is not a whole number a row
    could have is a version no row has: the save is a conflict, never a 500 or an unchecked write."""
    if not (text or "").strip():
        return when_missing
    number = whole_number(text)
    return NO_VERSION if number is None else version_or_none_such(number)


def query_id(params: Mapping[str, str], name: str) -> int | None:
    return parse_id(params.get(name))


def parse_date(text: str | None) -> date | None:
    """A date (YYYY-MM-DD, or the date of an ISO date and time) within MIN_YEAR to MAX_YEAR; a
    date outside is moved to the nearest end, so as a bound it keeps every row it kept before."""
    try:
        day = datetime.fromisoformat((text or "").strip()).date()
    except ValueError:
        return None
    return min(max(day, date(MIN_YEAR, 1, 1)), date(MAX_YEAR, 12, 31))
