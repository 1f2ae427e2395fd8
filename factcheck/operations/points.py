"""Accuracy points (MoU ¶32): the Scrutiny Team's points, the establishment's proposals, an
imported spreadsheet of points, and taking proposals in or dropping them."""

from __future__ import annotations

from factcheck.operations.common import next_number, recent_twin, require_open_return, row_for
from factcheck.points import sentence, validate_point
from factcheck.policy import party_may
from factcheck.queries import point_row
from factcheck.tables import AccuracyPoint
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

# action: (the policy action, the states a point may be in for it, the state it ends in)
MOVES = {
    "include": ("factcheck.point.take_in", ("proposed",), "included"),
    "drop": ("factcheck.point.take_in", ("proposed",), "dropped"),
    "restore": ("factcheck.point.take_in", ("dropped",), "proposed"),  # undo a drop
    "remove": ("factcheck.point.take_in", ("included", "proposed", "dropped"), "removed"),
    "withdraw": ("factcheck.point.withdraw", ("proposed",), "withdrawn"),
}
REFUSALS = {
    "include": "Only a proposal waiting for a decision can be taken into the return",
    "drop": "Only a proposal waiting for a decision can be dropped",
    "restore": "Only a dropped proposal can be put back",
    "remove": "This point can no longer be removed",
    "withdraw": "Only a proposal still with the Scrutiny Team can be withdrawn",
}


def _is_proposal(actor: Actor, row: dict) -> bool:
    """Someone who may add points but not prepare the return (the establishment) proposes one."""
    return actor.principal is not None and not party_may(actor.principal, "factcheck.return.prepare", row)


async def add_point(actor: Actor, inspection_id: int, values: dict, *, proposal: bool | None = None) -> dict:
    """Add one accuracy point, or a proposal from the establishment. Numbers never repeat."""
    clean, errors = validate_point(values, chosen=True)
    if errors:
        raise Refused({k: sentence(v) for k, v in errors.items()})
    async with change(actor, "factcheck.point_added", object_type="accuracy_point") as entry:
        row = await row_for(actor, inspection_id, "factcheck.point.add", "location")
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
        await row_for(actor, inspection_id, "factcheck.points.import", "file")
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


async def set_point_state(actor: Actor, inspection_id: int, point_id: int, action: str) -> dict:
    """The Scrutiny Team takes an establishment's proposal into the return, drops it or puts a
    dropped one back ("include", "drop", "restore"), or removes one of its own points ("remove");
    the establishment withdraws its own proposal ("withdraw"). Only before the return is submitted.
    Returns the point as it now is."""
    if action not in MOVES:
        raise Refused("Choose what to do with the point", "points")
    policy_action, from_states, state = MOVES[action]
    async with change(
        actor, f"factcheck.point_{action}", object_type="accuracy_point", object_id=point_id
    ) as entry:
        await row_for(actor, inspection_id, policy_action, "points")
        await require_open_return(inspection_id, "points")
        point = await point_row(inspection_id, point_id)
        if point is None:
            raise LookupError(point_id)
        proposal_only = action != "remove"
        if point["state"] not in from_states or (proposal_only and point["origin"] != "establishment"):
            raise Refused(REFUSALS[action], "points", state=True)
        entry.detail = f"inspection={inspection_id}"
        if state == "removed":
            await AccuracyPoint.delete().where(AccuracyPoint.id == point_id)
            return point | {"state": "removed"}
        await AccuracyPoint.update(
            {AccuracyPoint.state: state, AccuracyPoint.version: AccuracyPoint.version + 1}
        ).where(AccuracyPoint.id == point_id)
    return await point_row(inspection_id, point_id)


async def edit_point(actor: Actor, inspection_id: int, point_id: int, values: dict, *, version: int) -> dict:
    """Change a point before the return is submitted: the Scrutiny Team any point in the return or
    waiting proposal, the establishment its own waiting proposal. Conflict when someone changed
    it since `version`."""
    clean, errors = validate_point(values, chosen=True)
    if errors:
        raise Refused({k: sentence(v) for k, v in errors.items()})
    async with change(
        actor, "factcheck.point_edited", object_type="accuracy_point", object_id=point_id
    ) as entry:
        row = await row_for(actor, inspection_id, "factcheck.point.edit", "location")
        await require_open_return(inspection_id, "location")
        point = await point_row(inspection_id, point_id)
        if point is None or not may_edit(actor, row, point):
            raise LookupError(point_id)
        changed = (
            await AccuracyPoint.update(
                {
                    **{getattr(AccuracyPoint, k): v for k, v in clean.items()},
                    AccuracyPoint.version: version + 1,
                }
            )
            .where((AccuracyPoint.id == point_id) & (AccuracyPoint.version == version))
            .returning(AccuracyPoint.id)
        )
        if not changed:
            raise Conflict(await point_row(inspection_id, point_id))
        entry.detail = f"inspection={inspection_id}"
    return await point_row(inspection_id, point_id)


def may_edit(actor: Actor, row: dict, point: dict) -> bool:
    """Whose point this is to change: the establishment only its own proposals while they wait."""
    if point["state"] not in ("included", "proposed"):
        return False
    if _is_proposal(actor, row):
        return point["origin"] == "establishment" and point["state"] == "proposed"
    return True
