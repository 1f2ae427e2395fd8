"""Accuracy points (MoU ¶32): the Scrutiny Team's points, the establishment's proposals, an
imported spreadsheet of points, and taking proposals in or dropping them."""

from __future__ import annotations

from factcheck.operations.common import next_number, recent_twin, require_open_return, row_for
from factcheck.points import sentence, validate_point
from factcheck.queries import point_row
from factcheck.tables import AccuracyPoint
from tracker import policy
from tracker.clock import now_utc
from tracker.operations import Actor, Refused, change

STATES = {"include": "included", "drop": "dropped", "remove": "removed"}


def _is_proposal(actor: Actor, row: dict) -> bool:
    """Someone who may add points but not prepare the return (the establishment) proposes one."""
    return actor.principal is not None and not policy.can(actor.principal, "factcheck.return.prepare", row)


async def add_point(actor: Actor, inspection_id: int, values: dict, *, proposal: bool | None = None) -> dict:
    """Add one accuracy point, or a proposal from the establishment. Numbers never repeat."""
    clean, errors = validate_point(values)
    if errors:
        raise Refused({k: sentence(v) for k, v in errors.items()})
    async with change(actor, "factcheck.point_added", object_type="accuracy_point") as entry:
        row = await row_for(actor, inspection_id, "factcheck.point.add")
        proposal = _is_proposal(actor, row) if proposal is None else proposal
        await require_open_return(inspection_id, "location")
        point = await recent_twin(AccuracyPoint, inspection_id, actor.user_id, clean)
        if point is None:  # else the same form sent twice makes one point (F4)
            saved = AccuracyPoint(
                inspection=inspection_id,
                number=await next_number(inspection_id),
                origin="establishment" if proposal else "scrutiny",
                state="proposed" if proposal else "included",
                created_by=actor.user_id,
                created_at=now_utc(),
                **clean,
            )
            await saved.save()
            point = saved.to_dict()
        entry.object_id = point["id"]
        entry.detail = f"inspection={inspection_id} origin={point['origin']}"
    return point


async def import_points(actor: Actor, inspection_id: int, points: list[dict]) -> int:
    """Add every imported point, or none of them."""
    rows = []
    for offset, values in enumerate(points):
        clean, errors = validate_point(values)
        if errors:
            raise Refused({"file": f"Row {values.get('row', offset + 2)}: {next(iter(errors.values()))}"})
        rows.append(clean)
    async with change(
        actor, "factcheck.points_imported", object_type="inspection", object_id=inspection_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.points.import")
        await require_open_return(inspection_id, "file")
        number = await next_number(inspection_id)
        if rows:
            await AccuracyPoint.insert(
                *(
                    AccuracyPoint(
                        inspection=inspection_id,
                        number=number + offset,
                        origin="scrutiny",
                        state="included",
                        created_by=actor.user_id,
                        created_at=now_utc(),
                        **clean,
                    )
                    for offset, clean in enumerate(rows)
                )
            )
        entry.detail = f"points={len(rows)}"
    return len(rows)


async def set_point_state(actor: Actor, inspection_id: int, point_id: int, action: str) -> None:
    """The Scrutiny Team takes an establishment's proposal into the return or drops it ("include",
    "drop"); or removes one of its own points before the return is submitted ("remove")."""
    state = STATES.get(action)
    if state is None:
        raise Refused("Choose what to do with the point", "points")
    async with change(
        actor, f"factcheck.point_{action}", object_type="accuracy_point", object_id=point_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.point.take_in")
        await require_open_return(inspection_id, "points")
        point = await point_row(inspection_id, point_id)
        if point is None:
            raise LookupError(point_id)
        if state in ("included", "dropped") and point["origin"] != "establishment":
            raise Refused("Only the establishment's proposals can be taken in or dropped", "points")
        entry.detail = f"inspection={inspection_id}"
        if state == "removed":
            await AccuracyPoint.delete().where(AccuracyPoint.id == point_id)
            return
        await AccuracyPoint.update(
            {AccuracyPoint.state: state, AccuracyPoint.version: AccuracyPoint.version + 1}
        ).where(AccuracyPoint.id == point_id)
