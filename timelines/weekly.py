"""The weekly email, on Monday, for those who chose it (timelines.operations.digest).

A manager's covers their area, not only what they own: an HMIP manager everything, an HMPPS
manager their prison group (or everything without one). Anyone else's covers what they own.
Three sections: overdue, due this week (to Friday), at risk (timelines.risk). Sent once per
person per week: a SentReminder row (kind "weekly", due = that Monday) makes a second run a no-op.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from timelines import risk
from timelines.core.engine import OVERDUE
from timelines.operations.digest import WEEKLY
from timelines.store import current_calendar
from timelines.tables import SentReminder
from timelines.work import Scope, my_items, open_items, scope_for, sort_items
from tracker.email_channel import Email, email_channel
from tracker.principal import Principal
from tracker.roles import Role
from tracker.tables import AppUser

KIND = "weekly"
DUE_THIS_WEEK = "due_this_week"
SECTIONS = {
    OVERDUE: "Overdue",
    DUE_THIS_WEEK: "Due this week",
    risk.AT_RISK: "At risk",
}


@dataclass
class WeeklyDigest:
    user_id: int
    username: str
    email: str
    monday: date
    area: str
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        counts = ", ".join(f"{len(v)} {SECTIONS[k].lower()}" for k, v in self.sections.items() if v)
        week = f"{self.monday.day} {self.monday:%B %Y}"
        return f"Inspection deadlines, week of {week}: {counts or 'nothing due'}"

    def body(self) -> str:
        lines = [f"Your weekly summary of inspection deadlines: {self.area}.", ""]
        for kind, title in SECTIONS.items():
            entries = self.sections.get(kind, [])
            lines.append(f"{title} ({len(entries)}):")
            lines.extend(f"- {text}" for text in entries)
            if not entries:
                lines.append("- none")
            lines.append("")
        lines.append("See the dashboard: /dashboard")
        return "\n".join(lines)


def _is_manager(principal: Principal) -> bool:
    return principal.has(Role.HMIP_MANAGER, Role.HMPPS_MANAGER)


def _area(principal: Principal) -> str:
    if principal.has(Role.HMIP_MANAGER):
        return "every inspection"
    if principal.has(Role.HMPPS_MANAGER):
        group = principal.prison_group
        return f"establishments in {group}" if group else "every establishment"
    return "the deadlines you own"


async def _items(principal: Principal, today: date, calendar) -> list[dict]:
    if not _is_manager(principal):
        return await my_items(principal, today=today, calendar=calendar)
    scope = Scope(None, None) if principal.has(Role.HMIP_MANAGER) else await scope_for(principal)
    if principal.has(Role.HMPPS_MANAGER) and not principal.has(Role.HMIP_MANAGER):
        group = principal.prison_group or None
        items = await open_items(scope, today=today, calendar=calendar, prison_group=group)
    else:
        items = await open_items(scope, today=today, calendar=calendar)
    return sort_items(await risk.flag_items(items, today, calendar))


def _text(item: dict) -> str:
    due = f"{item['due'].day} {item['due']:%B %Y}"
    line = f"{item['establishment_name']}: {item['label']}, due {due} (with {item['side']})"
    if item.get("risk"):
        line += f" — {item['risk']}"
    return f"{line} /inspections/{item['inspection']}"


def sections_for(items: list[dict], today: date) -> dict[str, list[str]]:
    """Each item in one section: overdue, else due by Friday, else at risk."""
    friday = today + timedelta(days=4 - today.weekday())
    sections: dict[str, list[str]] = {kind: [] for kind in SECTIONS}
    for item in items:
        if item["status"] == OVERDUE:
            sections[OVERDUE].append(_text(item))
        elif item["due"] <= friday:
            sections[DUE_THIS_WEEK].append(_text(item))
        elif item.get("risk"):
            sections[risk.AT_RISK].append(_text(item))
    return sections


async def plan(today: date) -> list[WeeklyDigest]:
    """This Monday's weekly emails not yet sent; nothing on other days."""
    from tracker.sessions import load_principal

    if today.weekday() != 0:
        return []
    people = await AppUser.select(AppUser.id, AppUser.username, AppUser.email).where(
        AppUser.active == True,  # noqa: E712
        AppUser.email != "",
        AppUser.digest == WEEKLY,
    )
    sent = {
        row["user"]
        for row in await SentReminder.select(SentReminder.user).where(
            SentReminder.kind == KIND, SentReminder.due == today
        )
    }
    calendar = await current_calendar()
    digests = []
    for person in people:
        principal = await load_principal(person["id"])
        if principal is None or person["id"] in sent:
            continue
        items = await _items(principal, today, calendar)
        digest = WeeklyDigest(person["id"], person["username"], person["email"], today, _area(principal))
        digest.sections = sections_for(items, today)
        digests.append(digest)
    return digests


def sent_entry(digest: WeeklyDigest, now) -> dict:
    """The log entry that marks this week's email sent to this person."""
    return {
        "user": digest.user_id,
        "inspection": None,
        "key": KIND,
        "kind": KIND,
        "due": digest.monday,
        "sent_on": digest.monday,
        "sent_at": now,
    }


def email_for(digest: WeeklyDigest) -> Email:
    """The weekly email: plain text for SMTP; for the Notify template `weekly_digest`, per section
    its items as bullets and any_<section> "yes" or "no"."""
    personalisation: dict[str, object] = {
        "subject": digest.subject,
        "body": digest.body(),
        "area": digest.area,
    }
    for kind, texts in digest.sections.items():
        personalisation[kind] = "\n".join(f"* {text}" for text in texts)
        personalisation[f"any_{kind}"] = "yes" if texts else "no"
    return Email(
        to=digest.email,
        template="weekly_digest",
        subject=digest.subject,
        body=digest.body(),
        personalisation=personalisation,
        reference=f"weekly-{digest.user_id}-{digest.monday.isoformat()}",
    )


async def send_weekly(
    today: date, *, dry_run: bool = False, send: Callable[[Email], None] | None = None
) -> list[WeeklyDigest]:
    """Send this Monday's weekly emails through the email channel (GOV.UK Notify or SMTP), each
    logged as it is sent (timelines.operations.sent_log): a second run sends nothing."""
    from timelines.operations.sent_log import send_once
    from tracker.clock import now_utc
    from tracker.settings import load_settings

    send = send or email_channel(load_settings()).send
    digests = await plan(today)
    if dry_run:
        return digests
    done = []
    for digest in digests:

        async def deliver(_fresh: list, digest: WeeklyDigest = digest) -> None:
            await asyncio.to_thread(send, email_for(digest))

        if await send_once([sent_entry(digest, now_utc())], deliver):
            done.append(digest)
    return done
