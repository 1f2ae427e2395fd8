"""The establishments people are scoped to, as the shell reaches them (tracker.extensions
.Establishments): who belongs where, every establishment of a prison group, the choices a form
offers and an establishment's id by its name."""

from __future__ import annotations

from inspections.tables import Establishment, EstablishmentMember
from tracker.extensions import Establishments


async def members_of(user_id: int) -> set[int]:
    rows = await EstablishmentMember.select(EstablishmentMember.establishment).where(
        EstablishmentMember.user == user_id
    )
    return {r["establishment"] for r in rows}


async def of_prison_group(prison_group: str) -> set[int]:
    rows = await Establishment.select(Establishment.id).where(Establishment.prison_group == prison_group)
    return {r["id"] for r in rows}


async def set_members(user_id: int, establishment_ids: list[int]) -> None:
    """The user belongs to these establishments and no others."""
    await EstablishmentMember.delete().where(EstablishmentMember.user == user_id)
    if establishment_ids:
        await EstablishmentMember.insert(
            *[EstablishmentMember(user=user_id, establishment=e) for e in establishment_ids]
        )


async def choices() -> list[dict]:
    rows = (
        await Establishment.select(Establishment.id, Establishment.name)
        .where(
            Establishment.active == True  # noqa: E712 - Piccolo builds SQL from ==
        )
        .order_by(Establishment.name)
    )
    return [{"value": str(r["id"]), "text": r["name"]} for r in rows]


async def count(establishment_ids: list[int]) -> int:
    if not establishment_ids:
        return 0
    return await Establishment.count().where(Establishment.id.is_in(establishment_ids))


async def id_for(name: str) -> int | None:
    row = await Establishment.select(Establishment.id).where(Establishment.name == name).first()
    return row["id"] if row else None


ESTABLISHMENTS = Establishments(
    members_of=members_of,
    of_prison_group=of_prison_group,
    set_members=set_members,
    choices=choices,
    count=count,
    id_for=id_for,
)
