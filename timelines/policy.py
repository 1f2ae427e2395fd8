"""Who may do what with the working-day calendar and the deadlines (evaluated by tracker.policy)."""

from __future__ import annotations

from tracker.policy import grant
from tracker.roles import Role


def owned_by(owner: str):
    """A recurring obligation (its rule, or a row with "owner") that this side holds."""

    def check(principal, row) -> bool:
        return (row["owner"] if isinstance(row, dict) else row.owner) == owner

    return check


POLICY = {
    # Bank holidays move every open deadline: the service owner keeps them (STACK.md).
    "calendar.change": (grant(Role.ADMIN),),
    # ¶5, ¶20, ¶29, ¶55, Annex B ¶5.1: each side's managers record their side's recurring duties.
    "recurring.mark_done": (
        grant(Role.HMIP_MANAGER, when=owned_by("hmip")),
        grant(Role.HMPPS_MANAGER, when=owned_by("hmpps")),
    ),
}
