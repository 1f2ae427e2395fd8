"""The service navigation: what each role sees in the header."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.principal import Principal
from tracker.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[Role]
    order: int = 50


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    """Add entries (tracker.wiring adds every domain's); an entry already there is kept once."""
    for item in items:
        if item.href not in {i.href for i in _ITEMS}:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def items_for(principal: Principal | None, current_path: str) -> list[dict]:
    if principal is None:
        return []
    visible = [item for item in _ITEMS if principal.roles & item.roles]
    active = _longest_match(visible, current_path)
    return [{"text": i.label, "href": i.href, "active": i is active} for i in visible]


def _longest_match(items: list[NavItem], path: str) -> NavItem | None:
    """The one item the page is under: /programme/import is 'Import programme', not 'Programme'."""
    matches = [
        i for i in items if path == i.href or (i.href != "/" and path.startswith(i.href.rstrip("/") + "/"))
    ]
    return max(matches, key=lambda i: len(i.href), default=None)
