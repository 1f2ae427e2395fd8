"""GOV.UK's bank holidays for England and Wales, compared with the working-day calendar.

`tracker holidays refresh`, the daily job and the admin's "check now" fetch GOV.UK's
bank-holidays JSON (or a file, or, when GOV.UK cannot be reached, the copy bundled with the
govuk-bank-holidays package), keep each version (BankHolidaysVersion) with what differs from the
calendar and the due dates each difference would move. Nothing changes the calendar until an
administrator confirms (on /admin/holidays/refresh, or the command with --apply), through the
same operation as adding or removing a holiday by hand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DIVISION = "england-and-wales"
TIMEOUT_S = 10
MAX_BYTES = 1_000_000


class SourceError(ValueError):
    """The source could not be read, or is not GOV.UK's bank-holidays data."""


@dataclass(frozen=True)
class Difference:
    action: str  # "added" (GOV.UK lists it, the calendar does not) or "removed"
    day: date
    name: str

    def key(self) -> str:
        return f"{self.action}:{self.day.isoformat()}"


def bundled_body() -> tuple[str, str]:
    """The copy of GOV.UK's data shipped with the govuk-bank-holidays package."""
    from importlib.metadata import version

    import govuk_bank_holidays

    path = Path(govuk_bank_holidays.__file__).parent / "bank-holidays.json"
    return path.read_text(
        encoding="utf-8"
    ), f"the copy bundled with govuk-bank-holidays {version('govuk-bank-holidays')}"


def read_source(source: str) -> str:
    """The body at a URL (http or https) or in a file."""
    if source.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(source, timeout=TIMEOUT_S, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise SourceError(f"Could not fetch {source}: {error}") from error
        body = response.text
    else:
        try:
            body = Path(source).read_text(encoding="utf-8")
        except OSError as error:
            raise SourceError(f"Could not read {source}: {error.strerror or error}") from error
    if len(body) > MAX_BYTES:
        raise SourceError(f"{source} is larger than GOV.UK's bank-holidays data ever is")
    return body


def fetch(source: str | None, default_url: str) -> tuple[str, str]:
    """(body, where it came from). With no source given: GOV.UK, or the bundled copy when GOV.UK
    cannot be reached (said in the source). A source that was named must work."""
    if source:
        return read_source(source), source
    try:
        return read_source(default_url), default_url
    except SourceError as error:
        body, bundled = bundled_body()
        return body, f"{bundled} ({error})"


def holidays_in(body: str) -> dict[date, str]:
    """England and Wales bank holidays in GOV.UK's JSON, by date."""
    try:
        events = json.loads(body)[DIVISION]["events"]
        holidays = {date.fromisoformat(e["date"]): str(e["title"]) for e in events}
    except (ValueError, KeyError, TypeError) as error:
        raise SourceError(
            f"This is not GOV.UK's bank-holidays data ({type(error).__name__}: {error})"
        ) from error
    if not holidays:
        raise SourceError("GOV.UK's data lists no bank holidays for England and Wales")
    return holidays


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def differences(govuk: dict[date, str], calendar, since: date) -> list[Difference]:
    """Weekdays from `since` to the last day of GOV.UK's data on which GOV.UK and the calendar
    disagree: days GOV.UK lists that the calendar counts as working days ("added"), and the
    calendar's holidays GOV.UK does not list ("removed")."""
    first = max(since, min(govuk))
    last = min(max(govuk), calendar.last_day)
    if last < first:
        return []
    ours = dict(calendar.holidays_between(date.fromordinal(first.toordinal() - 1), last))
    found = []
    for day in sorted(set(govuk) | set(ours)):
        if day < first or day > last or day.weekday() >= 5:
            continue
        if day in govuk and day not in ours:
            found.append(Difference("added", day, govuk[day]))
        elif day in ours and day not in govuk:
            found.append(Difference("removed", day, ours[day]))
    return found


def since(today: date) -> date:
    """Differences before last year cannot move an open deadline's future: they are not offered."""
    return date(today.year - 1, 1, 1)
