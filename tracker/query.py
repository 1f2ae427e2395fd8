"""Ids, whole numbers and dates from a URL's query string (filters, page numbers, `?corrects=`).

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
    if number is None:
        return None
    return number if number <= MAX_ID else NO_ROW


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
