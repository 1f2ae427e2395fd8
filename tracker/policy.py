"""Who may do what, as data: per action, the roles that may and the row each role may do it to.

Each domain gives a table (its policy.py) of action → grants, wired in by tracker.wiring; ONE
function, `can`, evaluates them for operations, page handlers and templates alike (templates
call `can("plan.clear", plan)`; they never test roles). An action nobody registered is refused.

A grant is a set of roles and, optionally, a predicate on the row (the inspection, plan, …) that
must hold for this person: their establishment, the inspections they lead, the plan's state.
Predicates are plain functions of (principal, row): the row carries what they need (the team
of an inspection is loaded with it), so `can` never queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.principal import Principal
from tracker.roles import Role

Predicate = Callable[[Principal, Any], bool]


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    when: Predicate | None = None

    def allows(self, principal: Principal, row: Any) -> bool:
        if not principal.roles & self.roles:
            return False
        return self.when is None or (row is not None and self.when(principal, row))


def grant(*roles: Role, when: Predicate | None = None) -> Grant:
    return Grant(frozenset(roles), when)


_TABLE: dict[str, tuple[Grant, ...]] = {}


def register(table: Mapping[str, Iterable[Grant]]) -> None:
    """Add a domain's actions (called once per domain by tracker.wiring)."""
    for action, grants in table.items():
        if action in _TABLE and _TABLE[action] != tuple(grants):
            raise ValueError(f"policy action {action!r} registered twice")
        _TABLE[action] = tuple(grants)


def actions() -> list[str]:
    return sorted(_TABLE)


def can(principal: Principal | None, action: str, row: Any = None) -> bool:
    if principal is None:
        return False
    grants = _TABLE.get(action)
    if grants is None:
        raise KeyError(f"no policy for {action!r}")
    return any(g.allows(principal, row) for g in grants)


def require(principal: Principal | None, action: str, row: Any = None) -> None:
    """Raise Denied unless this person may do this to this row."""
    from tracker.operations import Denied

    if not can(principal, action, row):
        raise Denied(action)


def roles_for(action: str) -> frozenset[Role]:
    """Every role some grant of this action names: the route rule for a page of the action."""
    return roles_in(_TABLE[action])


def roles_in(grants: Iterable[Grant]) -> frozenset[Role]:
    """Every role these grants name (a route rule made from a domain's table before wiring)."""
    return frozenset().union(*(g.roles for g in grants))
