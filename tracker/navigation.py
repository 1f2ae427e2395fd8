"""The service navigation: what each role sees in the header, and the pages listed on another page.

An entry with `under` is not in the header: the page at that href lists it (the Administration
and Your account pages, a link from the Programme page), and the header item of that page is
marked while the person is on it. The header stays one row at desktop width (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tracker.principal import Principal
from tracker.roles import Role

ADMINISTRATION = "/admin"  # the page listing the administrators' pages (tracker.web.hubs)
YOUR_ACCOUNT = "/account"  # the page listing a person's own settings, linked beside "Signed in as"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[Role]
    order: int = 50
    under: str = ""  # the href of the page that lists this one; "" for the header
    description: str = ""  # what the listing page says it is for


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    """Add entries (tracker.wiring adds every domain's); an entry already there is kept once."""
    for item in items:
        if item.href not in {i.href for i in _ITEMS}:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)
    _visible_to.cache_clear()
    _header_for.cache_clear()


def _visible(principal: Principal | None) -> tuple[NavItem, ...]:
    return () if principal is None else _visible_to(principal.roles)


# Worked out once per set of roles (and path) in each process: roles are enum members, whose
# hashing is Python code, and the header is drawn on every page.
@lru_cache(maxsize=64)
def _visible_to(roles: frozenset[Role]) -> tuple[NavItem, ...]:
    return tuple(item for item in _ITEMS if roles & item.roles)


def items_for(principal: Principal | None, current_path: str) -> list[dict]:
    """The header's items for this person; the one the page is in is marked: aria-current="page"
    on that very page, "true" on a page inside it."""
    return [] if principal is None else list(_header_for(principal.roles, current_path))


@lru_cache(maxsize=1024)
def _header_for(roles: frozenset[Role], current_path: str) -> tuple[dict, ...]:
    visible = _visible_to(roles)
    header = [item for item in visible if not item.under]
    section = _header_item_of(_longest_match(visible, current_path), visible)
    return tuple(
        {
            "text": i.label,
            "href": i.href,
            "active": i is section,
            "current": i is section and i.href == current_path,
        }
        for i in header
    )


def pages_under(principal: Principal | None, href: str) -> list[dict]:
    """The pages the page at `href` lists for this person, in order."""
    return [
        {"text": i.label, "href": i.href, "description": i.description}
        for i in _visible(principal)
        if i.under == href
    ]


def _header_item_of(item: NavItem | None, visible: list[NavItem]) -> NavItem | None:
    """The header item a page belongs to: itself, or the item of the page that lists it."""
    by_href = {i.href: i for i in visible}
    seen = set()
    while item is not None and item.under and item.href not in seen:
        seen.add(item.href)
        item = by_href.get(item.under)
    return item


def _longest_match(items: list[NavItem], path: str) -> NavItem | None:
    """The one item the page is under: /programme/import is 'Import programme', not 'Programme'."""
    matches = [
        i for i in items if path == i.href or (i.href != "/" and path.startswith(i.href.rstrip("/") + "/"))
    ]
    return max(matches, key=lambda i: len(i.href), default=None)
