"""Who is asking: the signed-in user with their roles and scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.roles import HMIP_ROLES, HMPPS_ROLES, Role


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    establishment_ids: frozenset[int] = field(default_factory=frozenset)
    prison_group: str = ""
    session_id: int | None = None
    via_token: bool = False

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_hmip(self) -> bool:
        return bool(self.roles & HMIP_ROLES)

    @property
    def is_hmpps(self) -> bool:
        return bool(self.roles & HMPPS_ROLES)

    @property
    def sees_all_establishments(self) -> bool:
        """HMIP staff, the Scrutiny Team and an unscoped HMPPS manager see every establishment."""
        if self.has(Role.HMIP_MANAGER, Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR):
            return True
        if self.has(Role.HMPPS_SCRUTINY):
            return True
        return self.has(Role.HMPPS_MANAGER) and not self.prison_group

    @property
    def role_names(self) -> str:
        return ",".join(sorted(self.roles))
