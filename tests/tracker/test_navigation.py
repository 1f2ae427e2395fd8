"""Issue 16: pages that left the header are listed on another page, and whoever may open one of
them may open the page that lists it; the header marks the section a page is in."""

from __future__ import annotations

from tracker.navigation import _ITEMS, ADMINISTRATION, YOUR_ACCOUNT, items_for, pages_under
from tracker.principal import Principal
from tracker.roles import Role
from tracker.wiring import wire


def someone(*roles: Role) -> Principal:
    return Principal(user_id=1, username="someone", display_name="Someone", roles=frozenset(roles))


def test_whoever_sees_a_listed_page_sees_the_page_that_lists_it():
    wire()
    by_href = {item.href: item for item in _ITEMS}
    unreachable = [
        f"{item.label} ({item.href}) under {item.under}: {sorted(item.roles - by_href[item.under].roles)}"
        for item in _ITEMS
        if item.under and item.under != YOUR_ACCOUNT and not item.roles <= by_href[item.under].roles
    ]
    orphans = [
        item.href
        for item in _ITEMS
        if item.under and item.under not in by_href and item.under != YOUR_ACCOUNT
    ]
    assert unreachable == [] and orphans == []


def test_the_header_marks_the_section_a_page_is_in():
    wire()
    manager = someone(Role.HMIP_MANAGER)
    marked = {
        path: [(i["text"], i["current"]) for i in items_for(manager, path) if i["active"]]
        for path in ("/programme", "/programme/import", "/performance", "/account/tokens")
    }
    assert marked == {
        "/programme": [("Programme", True)],
        "/programme/import": [("Programme", False)],
        "/performance": [("Dashboard", False)],
        "/account/tokens": [],
    }


def test_the_listing_pages_show_only_what_this_person_may_open():
    wire()
    assert [p["text"] for p in pages_under(someone(Role.ADMIN), ADMINISTRATION)] == [
        "Users",
        "Audit log",
        "Bank holidays",
        "Scheduled jobs",
    ]
    assert pages_under(someone(Role.HMIP_MANAGER), ADMINISTRATION) == []
    assert [p["text"] for p in pages_under(someone(Role.ESTABLISHMENT), YOUR_ACCOUNT)] == [
        "Password",
        "Two-step sign-in",
        "API tokens",
        "Reminder emails",
    ]
    assert [p["text"] for p in pages_under(someone(Role.HMPPS_MANAGER), "/programme")] == []
    assert all(p["description"] for p in pages_under(someone(Role.ADMIN), ADMINISTRATION))
