"""The audit log as an administrator reads it: each row as a sentence (the person by name, the
action in words from tracker.audit_words, the subject by name with a link where the reader may
open it), searched by person, by subject name, by action in words and between two days."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from piccolo.querystring import QueryString

from tracker.audit_words import codes_for, in_words, subject_in_words
from tracker.clock import LONDON
from tracker.db import contains_words
from tracker.extensions import AUDIT_SUBJECTS, AuditSubjects
from tracker.principal import Principal
from tracker.tables import AppUser, AuditEvent

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Search:
    person: str = ""
    subject: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        """For the audit row of a search or an export."""
        parts = [f"person={self.person}", f"subject={self.subject}", f"action={self.action}"]
        parts += [f"from={self.start}", f"to={self.end}"]
        return " ".join(p for p in parts if not p.endswith(("=", "=None")))


def _nothing():
    return AuditEvent.id < 0


async def _conditions(search: Search) -> list:
    conditions = []
    if search.person:
        conditions.append(AuditEvent.actor.is_in(await _usernames_like(search.person)))
    if search.subject:
        conditions.append(_about(search.subject))
    if search.action:
        codes = codes_for(search.action)
        conditions.append(AuditEvent.action.is_in(codes) if codes else _nothing())
    if search.start:
        conditions.append(AuditEvent.at >= datetime.combine(search.start, time(0), tzinfo=LONDON))
    if search.end:
        after = datetime.combine(search.end + timedelta(days=1), time(0), tzinfo=LONDON)
        conditions.append(AuditEvent.at < after)
    return conditions


async def _usernames_like(words: str) -> list[str]:
    rows = await AppUser.select(AppUser.username).where(
        contains_words(AppUser.username, words) | contains_words(AppUser.display_name, words)
    )
    return [row["username"] for row in rows] + [words.lower()]  # and "cli", "retention", …


def _about(words: str):
    """Rows about a subject whose name holds these words: each kind's matching rows a subquery,
    so no query is asked per kind and no number of matches is too many."""
    found = _nothing()
    for object_type, subjects in AUDIT_SUBJECTS.items():
        ids = _as_text(subjects.matching(words))
        found = found | ((AuditEvent.object_type == object_type) & AuditEvent.object_id.is_in(ids))
    return found


def _as_text(ids) -> QueryString:
    """A Select of ids as the audit row's object_id holds them: text."""
    return QueryString("SELECT CAST(matched.id AS VARCHAR) FROM ({}) AS matched", ids.querystrings[0])


async def find(search: Search, *, page: int = 1, limit: int = PAGE_SIZE) -> tuple[list[dict], int]:
    """The rows on this page, newest first, and how many there are in all."""
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False)
    count = AuditEvent.count()
    for condition in await _conditions(search):
        query, count = query.where(condition), count.where(condition)
    rows = await query.limit(limit).offset((page - 1) * limit)
    return rows, await count


async def described(rows: list[dict], principal: Principal | None) -> list[dict]:
    """Each row with `person`, `words` and `subject` (name, link) added."""
    people = await _display_names({row["actor"] for row in rows if row["actor"]})
    subjects = await _subject_names(rows, principal)
    for row in rows:
        row["person"] = people.get(row["actor"], row["actor"] or "Someone not signed in")
        row["words"] = in_words(row["action"], row["detail"])
        row["subject"] = subjects.get((row["object_type"], row["object_id"])) or _plain(row)
    return rows


async def _display_names(usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    rows = await AppUser.select(AppUser.username, AppUser.display_name).where(
        AppUser.username.is_in(sorted(usernames))
    )
    return {row["username"]: row["display_name"] for row in rows}


async def _subject_names(rows: list[dict], principal: Principal | None) -> dict[tuple[str, str], tuple]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row["object_type"] in AUDIT_SUBJECTS and row["object_id"].isdigit():
            wanted.setdefault(row["object_type"], set()).add(int(row["object_id"]))
    names = {}
    for object_type, ids in wanted.items():
        for row_id, name in (await AUDIT_SUBJECTS[object_type].names(principal, sorted(ids))).items():
            names[(object_type, str(row_id))] = name
    return names


def _plain(row: dict) -> tuple[str, str]:
    """A subject no domain names (a page, a dashboard, …), or a row a domain would name but that
    is not there (removed since, or an id someone tried that never was)."""
    words = subject_in_words(row["object_type"], row["object_id"])
    missing = row["object_type"] in AUDIT_SUBJECTS and row["object_id"].isdigit()
    return (f"{words} (not found)" if missing else words, "")


def as_csv(rows: list[dict]) -> bytes:
    """The rows as `described` gave them, as CSV: no cell a spreadsheet could run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["When", "Person", "Username", "Action", "About", "Outcome", "Detail", "From address"])
    for row in rows:
        when = row["at"].astimezone(LONDON).strftime("%d/%m/%Y %H:%M")
        cells = [when, row["person"], row["actor"], row["words"], row["subject"][0], row["outcome"]]
        writer.writerow([_safe(cell) for cell in [*cells, row["detail"], row["client_address"]]])
    return buffer.getvalue().encode("utf-8-sig")


def _safe(value: str) -> str:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


# -- the users the shell owns, named like any domain's rows ---------------------------------------


async def user_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await AppUser.select(AppUser.id, AppUser.display_name, AppUser.username).where(
        AppUser.id.is_in(ids)
    )
    return {
        row["id"]: (f"{row['display_name']} ({row['username']})", f"/admin/users/{row['id']}/edit")
        for row in rows
    }


def users_matching(words: str):
    return AppUser.select(AppUser.id).where(
        contains_words(AppUser.username, words) | contains_words(AppUser.display_name, words)
    )


async def feed_names(principal: Principal | None, ids: list[int]) -> dict[int, tuple[str, str]]:
    """A person's calendar feed link (its audit rows carry the person's id)."""
    return {
        i: (f"Calendar feed of {name}", "") for i, (name, _link) in (await user_names(principal, ids)).items()
    }


USER_SUBJECTS = {
    "user": AuditSubjects(user_names, users_matching),
    "calendar_feed": AuditSubjects(feed_names, users_matching),
}
