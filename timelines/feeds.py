"""Private iCalendar feeds of the deadlines a person owns (RFC 5545, the icalendar package).

The feed URL holds a secret token; only its hash is stored, so the URL is shown once, when made.
Making a new one revokes the old. The route is public: the token alone decides whose deadlines,
and the owner's current roles and establishments decide what is in it (a deactivated user's feed
is gone). One all-day event per milestone, UID = inspection id + key, so a changed due date
updates the event already in the calendar. Nothing confidential goes in (no debrief note).

Anyone may try a feed URL, so misses are limited per client address and audited in bulk (SECURITY.md
K14): see FeedMisses.
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, TooManyRequestsException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from timelines.store import current_calendar
from timelines.tables import CalendarFeedToken
from timelines.work import my_items, my_recurring
from tracker import audit, clock
from tracker.access import current, public, signed_in
from tracker.cache import cached
from tracker.clock import now_utc
from tracker.sessions import load_principal
from tracker.tables import AuditEvent
from tracker.templating import render
from tracker.tokens import new_token, token_hash
from tracker.uses import note_use

PRODID = "-//HMIP and HMPPS//Inspection tracker//EN"
UID_DOMAIN = "inspection-tracker"
MISSES_PER_MINUTE = 20
MINUTE = timedelta(minutes=1)
KEPT_CLIENTS = 10_000


async def create_feed_token(user_id: int) -> str:
    """A new feed token for this user (any older one is revoked). Returns the secret once."""
    from tracker.db import write_transaction

    token = new_token()
    async with write_transaction(CalendarFeedToken._meta.db):
        await revoke_feed_tokens(user_id)
        await CalendarFeedToken.insert(
            CalendarFeedToken(user=user_id, token_hash=token_hash(token), created_at=now_utc())
        )
    return token


async def revoke_feed_tokens(user_id: int) -> int:
    live = await CalendarFeedToken.count().where(
        CalendarFeedToken.user == user_id, CalendarFeedToken.revoked_at.is_null()
    )
    await CalendarFeedToken.update({CalendarFeedToken.revoked_at: now_utc()}).where(
        CalendarFeedToken.user == user_id, CalendarFeedToken.revoked_at.is_null()
    )
    return live


async def user_for_token(token: str) -> int | None:
    """The feed's owner. The token's row is kept (tracker.cache) until a change is written, so
    a revoked token is refused at once. A calendar app polling the feed notes its use at most
    once a minute (tracker.uses), not on every fetch."""
    hashed = token_hash(token)
    row = await cached(("feed token", hashed), lambda: _live_token(hashed))
    if row is None:
        return None
    await note_use(CalendarFeedToken.last_used_at, row, now_utc())
    return row["user"]


async def _live_token(hashed: str) -> dict | None:
    return (
        await CalendarFeedToken.select(
            CalendarFeedToken.id, CalendarFeedToken.user, CalendarFeedToken.last_used_at
        )
        .where(CalendarFeedToken.token_hash == hashed, CalendarFeedToken.revoked_at.is_null())
        .first()
    )


def build_calendar(items: list[dict], recurring: list[dict], *, name: str, stamp) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(
            _event(
                f"inspection-{item['inspection']}-{item['key']}@{UID_DOMAIN}",
                stamp,
                item["due"],
                f"{item['establishment_name']}: {item['label']} due",
                f"{item['rule']}\nWith: {item['side']}\nInspection {item['inspection']}",
            )
        )
    for obligation in recurring:
        if obligation["due"] is not None:
            calendar.add_component(
                _event(
                    f"recurring-{obligation['key']}@{UID_DOMAIN}",
                    stamp,
                    obligation["due"],
                    f"{obligation['label']} due",
                    obligation["rule"],
                )
            )
    return calendar.to_ical()


def _event(uid: str, stamp, due: date, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


async def feed_for_user(user_id: int, *, today: date) -> bytes | None:
    principal = await load_principal(user_id)
    if principal is None:
        return None
    calendar = await current_calendar()
    items = await my_items(principal, today=today, calendar=calendar, within=None)
    recurring = await my_recurring(principal, today=today, calendar=calendar)
    return build_calendar(
        items, recurring, name=f"Inspection deadlines: {principal.display_name}", stamp=now_utc()
    )


# -- pages ------------------------------------------------------------------------------------------


def _feed_url(request: Request, token: str) -> str:
    return f"{request.base_url}".rstrip("/") + f"/feeds/{token}.ics"


async def _feed_state(user_id: int) -> dict | None:
    return (
        await CalendarFeedToken.select(CalendarFeedToken.created_at, CalendarFeedToken.last_used_at)
        .where(CalendarFeedToken.user == user_id, CalendarFeedToken.revoked_at.is_null())
        .first()
    )


@get("/my-work/calendar-feed", opt=signed_in())
async def feed_page(request: Request) -> Template:
    principal = current(request)
    return render(
        request,
        "timelines/calendar_feed.html",
        feed=await _feed_state(principal.user_id),
        url=None,
        revoked=request.query_params.get("done") == "revoked",
    )


@post("/my-work/calendar-feed", opt=signed_in())
async def feed_create(request: Request) -> Template:
    """Shows the new URL once (it is not stored), so this page is rendered, not redirected to."""
    principal = current(request)
    token = await create_feed_token(principal.user_id)
    await audit.record(
        "feed.create", request=request, object_type="calendar_feed", object_id=principal.user_id
    )
    return render(
        request,
        "timelines/calendar_feed.html",
        feed=await _feed_state(principal.user_id),
        url=_feed_url(request, token),
        revoked=False,
    )


@post("/my-work/calendar-feed/revoke", opt=signed_in())
async def feed_revoke(request: Request) -> Redirect:
    principal = current(request)
    count = await revoke_feed_tokens(principal.user_id)
    await audit.record(
        "feed.revoke",
        request=request,
        object_type="calendar_feed",
        object_id=principal.user_id,
        detail=f"revoked={count}",
    )
    return Redirect(path="/my-work/calendar-feed?done=revoked")


class FeedMisses:
    """Misses on /feeds/ by client address, in this process. A client with MISSES_PER_MINUTE
    misses in the last minute is refused (429) until the oldest is a minute old, before any
    database look-up. Misses and refusals are counted until they go into the client's next audit
    row (at most one a minute, see _record_miss): a client's last minute of them is only written
    if it comes back. With more than KEPT_CLIENTS addresses, the quiet ones are forgotten."""

    def __init__(self) -> None:
        self.recent: dict[str, deque[datetime]] = {}
        self.misses: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def limited(self, client: str, now: datetime) -> bool:
        recent = self.recent.get(client)
        if recent is None or len(recent) < MISSES_PER_MINUTE or now - recent[0] >= MINUTE:
            return False
        self.refused[client] += 1
        return True

    def miss(self, client: str, now: datetime) -> None:
        if client not in self.recent and len(self.recent) >= KEPT_CLIENTS:
            self._forget_quiet(now)
        self.recent.setdefault(client, deque(maxlen=MISSES_PER_MINUTE)).append(now)
        self.misses[client] += 1

    def take(self, client: str) -> tuple[int, int]:
        """The client's misses and refusals not yet audited, which now will be."""
        return self.misses.pop(client, 0), self.refused.pop(client, 0)

    def _forget_quiet(self, now: datetime) -> None:
        for client in [c for c, recent in self.recent.items() if now - recent[-1] >= MINUTE]:
            del self.recent[client]
            self.take(client)


def _feed_misses(request: Request) -> FeedMisses:
    state = request.app.state
    if "feed_misses" not in state:
        state.feed_misses = FeedMisses()
    return state.feed_misses


async def _record_miss(request: Request, misses: FeedMisses, client: str, now: datetime) -> None:
    """An audit row for this client unless it has had one in the last minute (asked of the
    database, so instances behind one proxy share it), with the counts since its previous row."""
    audited = await AuditEvent.exists().where(
        (AuditEvent.action == "feed.read")
        & (AuditEvent.outcome == "denied")
        & (AuditEvent.client_address == client)
        & (AuditEvent.at > now - MINUTE)
    )
    if audited:
        return
    count, refused = misses.take(client)
    await audit.record(
        "feed.read",
        request=request,
        object_type="calendar_feed",
        outcome="denied",
        detail=f"misses={count} refused={refused} from this address since its previous row",
    )


async def _kept_feed(user_id: int) -> bytes | None:
    """The feed is kept (tracker.cache) until anything is written, within the minute its stamp
    names: a calendar app polling it does not build it again each time."""
    today, minute = clock.today_london(), clock.now_utc().replace(second=0, microsecond=0)
    return await cached(
        ("calendar feed", user_id, today, minute), lambda: feed_for_user(user_id, today=today)
    )


@get("/feeds/{filename:str}", opt=public())
async def feed(request: Request, filename: FromPath[str]) -> Response:
    misses, client, now = _feed_misses(request), audit.client_address(request), clock.now_utc()
    if misses.limited(client, now):
        raise TooManyRequestsException(
            "There have been too many requests for calendar feeds from your address. "
            "Wait a minute, then try again."
        )
    token = filename.removesuffix(".ics")
    user_id = await user_for_token(token) if filename.endswith(".ics") and token else None
    body = await _kept_feed(user_id) if user_id else None
    if body is None:
        misses.miss(client, now)
        await _record_miss(request, misses, client, now)
        raise NotFoundException("Page not found")
    await audit.record_read(
        "feed.read", request=request, object_type="calendar_feed", object_id=user_id, actor="feed"
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="deadlines.ics"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES = [feed_page, feed_create, feed_revoke, feed]
