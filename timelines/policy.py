"""Who may do what with the working-day calendar and the deadlines (evaluated by tracker.policy)."""

from __future__ import annotations

from tracker.policy import grant
from tracker.roles import Role

POLICY = {
    # Bank holidays move every open deadline: the service owner keeps them (STACK.md).
    "calendar.change": (grant(Role.ADMIN),),
}
