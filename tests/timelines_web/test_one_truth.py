"""One truth for every view (issue 15 item 4): with the demo data loaded as `tracker demo` loads
it, every open milestone appears, with the same due date and status, on its inspection page, in
its owner's My work, in that person's calendar feed and on the dashboard; nothing else does."""

from datetime import date

from icalendar import Calendar

from tests.support import principal_of, run, sign_in
from timelines.core.engine import OPEN_STATUSES

OWNER_USERS = {"hmip": "hmipmanager", "scrutiny": "scrutiny", "establishment": "governor"}
OWNER_USERS |= {"hmpps": "hmppsmanager", "sos": "hmppsmanager"}


def as_seen(items) -> set[tuple]:
    return {(i["inspection"], i["key"], i["due"], i["status"]) for i in items}


def feed_of(username: str, today: date) -> set[tuple]:
    from timelines.feeds import feed_for_user

    principal = principal_of(username)
    ical = Calendar.from_ical(run(feed_for_user(principal.user_id, today=today)))
    seen = set()
    for event in ical.walk("VEVENT"):
        uid = str(event["uid"])
        if uid.startswith("inspection-"):
            inspection, key = uid.split("@")[0].removeprefix("inspection-").split("-", 1)
            seen.add((int(inspection), key, event.decoded("dtstart")))
    return seen


def test_every_open_milestone_is_the_same_in_every_view(client):
    from inspections.tables import Inspection
    from timelines.pages import _dashboard_items
    from timelines.store import current_calendar
    from timelines.tables import StoredMilestone
    from timelines.work import my_items, scope_for
    from tracker.clock import today_london
    from tracker.demo import DEMO_PASSWORD, load_demo

    run(load_demo())
    today = today_london()
    calendar = run(current_calendar())
    closed = {r["id"] for r in run(Inspection.select(Inspection.id).where(Inspection.closed == True))}  # noqa: E712
    stored = run(StoredMilestone.select())
    on_pages = {
        (m["inspection"], m["key"], m["due"], m["status"]) for m in stored if m["status"] in OPEN_STATUSES
    }
    assert on_pages and not {m for m in on_pages if m[0] in closed}
    by_owner = {(m["inspection"], m["key"]): m["owner"] for m in stored}

    manager = principal_of("hmipmanager")
    filters = {"status": "open", "stage": "", "establishment": "", "group": "", "side": ""}
    dashboard = as_seen(run(_dashboard_items(filters, run(scope_for(manager)), today)))
    assert dashboard == on_pages

    for username in sorted(set(OWNER_USERS.values())):
        principal = principal_of(username)
        scope = run(scope_for(principal))
        sides = {side for side, user in OWNER_USERS.items() if user == username}
        expected = {
            m
            for m in on_pages
            if by_owner[m[:2]] in sides
            and scope.allows(next(s["establishment"] for s in stored if s["inspection"] == m[0]), m[0])
            and (username != "governor" or next(s["establishment"] for s in stored if s["inspection"] == m[0])
                 in principal.establishment_ids)
        }
        mine = as_seen(run(my_items(principal, today=today, calendar=calendar)))
        assert mine == expected, username
        assert feed_of(username, today) == {m[:3] for m in expected}, username
        if username == "governor":
            governors = expected
    assert governors  # the governor's action plan among them

    from inspections.constants import STATUS_TAGS
    from tracker.templating import govuk_date

    sign_in(client, "governor", DEMO_PASSWORD)  # the inspection page shows each of them as open, due that day
    for inspection, key, due, status in governors:
        page = client.get(f"/inspections/{inspection}").text
        row = page.split(f'id="milestone-{key}"')[1].split("</tr>")[0]
        assert govuk_date(due, True) in row and f">{STATUS_TAGS[status][0]}</strong>" in row
