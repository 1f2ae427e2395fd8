"""Daily reminder digests and escalations, idempotent through SentReminder.

Each person with an email address gets one digest of what they own that is overdue, due today or
due within 5 working days; an item overdue by 5 working days or more is also escalated to the
owner's managers (HMIP items to HMIP managers; Scrutiny Team and establishment items to the HMPPS
managers over that establishment). A reminder is sent once per (person, item, kind, due date):
running the job twice sends nothing new, and an extended due date is reminded afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from timelines.core.engine import DUE_SOON, DUE_TODAY, OVERDUE
from timelines.operations.digest import DAILY
from timelines.operations.sent_log import send_once
from timelines.store import current_calendar
from timelines.tables import SentReminder
from timelines.work import ESCALATE_AFTER_WORKING_DAYS, Scope, my_items, my_recurring, open_items
from tracker.clock import now_utc
from tracker.email_channel import Email, email_channel
from tracker.principal import Principal
from tracker.roles import Role
from tracker.tables import AppUser, UserRole

ESCALATION = "escalation"
KIND_TITLES = {
    ESCALATION: "Escalated to you: overdue by 5 working days or more",
    OVERDUE: "Overdue",
    DUE_TODAY: "Due today",
    DUE_SOON: "Due in the next 5 working days",
}
REMINDER_WITHIN = 5


@dataclass
class Entry:
    kind: str
    inspection: int | None
    key: str
    due: date | None
    text: str


@dataclass
class Digest:
    user_id: int
    username: str
    email: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def subject(self) -> str:
        counts = {kind: sum(1 for e in self.entries if e.kind == kind) for kind in KIND_TITLES}
        parts = [f"{n} {KIND_TITLES[k].split(':')[0].lower()}" for k, n in counts.items() if n]
        return "Inspection tracker deadlines: " + ", ".join(parts)

    def body(self) -> str:
        lines = ["These are the inspection deadlines you own or oversee.", ""]
        for kind, title in KIND_TITLES.items():
            mine = [e for e in self.entries if e.kind == kind]
            if not mine:
                continue
            lines.append(f"{title}:")
            lines.extend(f"- {e.text}" for e in mine)
            lines.append("")
        lines.append("See all your work: /my-work")
        return "\n".join(lines)


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _describe(item: dict) -> str:
    due = f"{item['due'].day} {item['due']:%B %Y}"
    if item["status"] == OVERDUE:
        late = f", {_days(item['working_days'])} overdue" if item["working_days"] else ""
        when = f"was due {due}{late}"
    elif item["status"] == DUE_TODAY:
        when = f"due today, {due}"
    else:
        when = f"due {due}, {_days(item['working_days'])} left"
    where = f"/inspections/{item['inspection']}"
    return f"{item['establishment_name']}: {item['label']}, {when} (with {item['side']}) {where}"


async def _people() -> list[dict]:
    users = (
        await AppUser.select(AppUser.id, AppUser.username, AppUser.email)
        .where(
            AppUser.active == True,  # noqa: E712
            AppUser.email != "",
            AppUser.digest == DAILY,
        )
        .order_by(AppUser.id)
    )
    return users


async def _managers() -> dict[str, list[Principal]]:
    from tracker.sessions import load_principal

    rows = await UserRole.select(UserRole.user, UserRole.role).where(
        UserRole.role.is_in([Role.HMIP_MANAGER.value, Role.HMPPS_MANAGER.value])
    )
    result: dict[str, list[Principal]] = {Role.HMIP_MANAGER: [], Role.HMPPS_MANAGER: []}
    for row in rows:
        principal = await load_principal(row["user"])
        if principal is not None:
            result[Role(row["role"])].append(principal)
    return result


def _escalate_to(item: dict, managers: dict[str, list[Principal]]) -> list[Principal]:
    if item["owner"] == "hmip":
        return managers[Role.HMIP_MANAGER]
    if item["owner"] in ("scrutiny", "establishment"):
        return [
            m
            for m in managers[Role.HMPPS_MANAGER]
            if not m.prison_group or item["prison_group"] == m.prison_group
        ]
    return []


async def plan(today: date) -> list[Digest]:
    """The digests to send today: only entries not sent before."""
    from tracker.sessions import load_principal

    calendar = await current_calendar()
    people = await _people()
    digests: dict[int, Digest] = {p["id"]: Digest(p["id"], p["username"], p["email"]) for p in people}
    for person in people:
        principal = await load_principal(person["id"])
        if principal is None:
            continue
        for item in await my_items(principal, today=today, calendar=calendar, within=REMINDER_WITHIN):
            digests[person["id"]].entries.append(
                Entry(item["status"], item["inspection"], item["key"], item["due"], _describe(item))
            )
        for obligation in await my_recurring(principal, today=today, calendar=calendar):
            if obligation["status"] in (OVERDUE, DUE_TODAY, DUE_SOON):
                text = (
                    f"{obligation['label']}: due {obligation['due'].day} {obligation['due']:%B %Y} /recurring"
                )
                digests[person["id"]].entries.append(
                    Entry(obligation["status"], None, obligation["key"], obligation["due"], text)
                )
    managers = await _managers()
    everything = await open_items(Scope(None, None), today=today, calendar=calendar)
    for item in everything:
        if item["status"] != OVERDUE or item["working_days"] < ESCALATE_AFTER_WORKING_DAYS:
            continue
        for manager in _escalate_to(item, managers):
            if manager.user_id in digests:
                digests[manager.user_id].entries.append(
                    Entry(ESCALATION, item["inspection"], item["key"], item["due"], _describe(item))
                )
    sent = await SentReminder.select(
        SentReminder.user, SentReminder.inspection, SentReminder.key, SentReminder.kind, SentReminder.due
    ).where(SentReminder.user.is_in(list(digests) or [0]))
    already = {(s["user"], s["inspection"], s["key"], s["kind"], s["due"]) for s in sent}
    result = []
    for digest in digests.values():
        digest.entries = [
            e for e in digest.entries if (digest.user_id, e.inspection, e.key, e.kind, e.due) not in already
        ]
        if digest.entries:
            result.append(digest)
    return result


def email_for(digest: Digest) -> Email:
    """The digest as an email: plain text for SMTP, and the personalisation of the Notify
    template `reminder_digest`: per kind, its items as Markdown bullets (empty when none) and
    any_<kind> "yes" or "no" for the template's conditional heading."""
    personalisation: dict[str, object] = {"subject": digest.subject, "body": digest.body()}
    for kind in KIND_TITLES:
        texts = [e.text for e in digest.entries if e.kind == kind]
        personalisation[kind] = "\n".join(f"* {text}" for text in texts)
        personalisation[f"any_{kind}"] = "yes" if texts else "no"
    return Email(
        to=digest.email,
        template="reminder_digest",
        subject=digest.subject,
        body=digest.body(),
        personalisation=personalisation,
        reference=f"reminders-{digest.user_id}",
    )


async def send_reminders(
    today: date, *, dry_run: bool = False, send: Callable[[Email], None] | None = None
) -> list[Digest]:
    """Send today's digests (each with its SentReminder rows, in one transaction per person),
    through the email channel (GOV.UK Notify or SMTP) unless `send` is given."""
    from tracker.settings import load_settings

    send = send or email_channel(load_settings()).send
    digests = await plan(today)
    if dry_run:
        return digests
    done = []
    for digest in digests:
        entries = [
            {
                "user": digest.user_id,
                "inspection": e.inspection,
                "key": e.key,
                "kind": e.kind,
                "due": e.due,
                "sent_on": today,
                "sent_at": now_utc(),
            }
            for e in digest.entries
        ]

        async def deliver(fresh: list, digest: Digest = digest) -> None:
            # Another run may have sent some of these since they were planned: only the rest.
            kept = {(r.inspection, r.key, r.kind, r.due) for r in fresh}
            digest.entries = [e for e in digest.entries if (e.inspection, e.key, e.kind, e.due) in kept]
            # Off the event loop (the job runner shares it with the app); a failure rolls the log back.
            await asyncio.to_thread(send, email_for(digest))

        if await send_once(entries, deliver):
            done.append(digest)
    return done
