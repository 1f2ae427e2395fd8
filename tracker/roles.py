"""The seven roles of DOMAIN.md and who counts as which side."""

from enum import StrEnum


class Role(StrEnum):
    HMIP_TEAM_LEADER = "hmip_team_leader"
    HMIP_INSPECTOR = "hmip_inspector"
    HMIP_MANAGER = "hmip_manager"
    HMPPS_SCRUTINY = "hmpps_scrutiny"
    HMPPS_MANAGER = "hmpps_manager"
    ESTABLISHMENT = "establishment"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.HMIP_TEAM_LEADER: "HMIP team leader",
    Role.HMIP_INSPECTOR: "HMIP inspector",
    Role.HMIP_MANAGER: "HMIP manager",
    Role.HMPPS_SCRUTINY: "HMPPS Scrutiny Team",
    Role.HMPPS_MANAGER: "HMPPS manager",
    Role.ESTABLISHMENT: "Establishment",
    Role.ADMIN: "Administrator",
}

HMIP_ROLES = frozenset({Role.HMIP_TEAM_LEADER, Role.HMIP_INSPECTOR, Role.HMIP_MANAGER})
HMPPS_ROLES = frozenset({Role.HMPPS_SCRUTINY, Role.HMPPS_MANAGER})
MANAGER_ROLES = frozenset({Role.HMIP_MANAGER, Role.HMPPS_MANAGER})
ALL_ROLES = frozenset(Role)
