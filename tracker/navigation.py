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


_ITEMS: list[NavItem] = [NavItem("Home", "/", frozenset(Role), order=0)]


def register(*items: NavItem) -> None:
    """Each domain adds its own entries when its routes are wired in."""
    for item in items:
        if item.href not in {i.href for i in _ITEMS}:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def items_for(principal: Principal | None, current_path: str) -> list[dict]:
    if principal is None:
        return []
    result = []
    for item in _ITEMS:
        if principal.roles & item.roles:
            active = current_path == item.href or (item.href != "/" and current_path.startswith(item.href))
            result.append({"text": item.label, "href": item.href, "active": active})
    return result
