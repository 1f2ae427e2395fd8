"""Files of a plan: the plan document's versions, and a spreadsheet import that replaces every
row at once. A file is kept with its scan pending in the change that stores it, scanned
(tracker.scanning) outside any transaction, and its answer recorded in a second change: a crash
between the two leaves it pending, never downloadable (fail closed)."""

from __future__ import annotations

from actionplans.operations.common import current_plan, plan_event
from actionplans.operations.rows import new_action
from actionplans.services import ImportedRows
from actionplans.tables import ActionProgress, PlanAction, PlanFile, PlanResponse
from tracker import scanning
from tracker.clock import now_utc
from tracker.operations import Actor, change


async def _keep(
    actor: Actor, plan_id: int, content: bytes, checked, original_name: str, purpose: str
) -> dict:
    number = (await PlanFile.count().where(PlanFile.plan == plan_id)) + 1
    row = PlanFile(
        plan=plan_id,
        number=number,
        purpose=purpose,
        original_name=original_name,
        file_type=checked.file_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_status=scanning.PENDING,
        content=content,
        uploaded_by=actor.user_id,
        uploaded_at=now_utc(),
    )
    await row.save()
    return {"id": row.id, "number": number}


async def _scan(actor: Actor, stored: dict, content: bytes, settings) -> dict:
    result = await scanning.scan(content, settings)
    async with change(
        actor,
        "actionplan.file.scan",
        object_type="action_plan_file",
        object_id=stored["id"],
        detail=result.audit_detail(),
    ):
        update = {PlanFile.scan_status: result.status, PlanFile.scanned_at: now_utc()}
        if result.status == scanning.INFECTED:
            update[PlanFile.content] = b""  # keep the record, never the malware
        await PlanFile.update(update).where(PlanFile.id == stored["id"])
    return {**stored, "scan_status": result.status, "signature": result.signature}


async def upload_file(
    actor: Actor, plan_id: int, *, content: bytes, checked, original_name: str, settings=None
) -> dict:
    """A new version of the plan document. Returns id, number, scan_status and signature."""
    detail = f"type={checked.file_type} size={checked.size} sha256={checked.sha256}"
    async with change(
        actor, "actionplan.file.upload", object_type="action_plan_file", detail=detail
    ) as entry:
        await current_plan(actor, "plan.upload", plan_id)
        stored = await _keep(actor, plan_id, content, checked, original_name, "plan")
        entry.object_id = stored["id"]
        await plan_event(actor, plan_id, "file_uploaded", f"version {stored['number']}")
    return await _scan(actor, stored, content, settings)


async def import_rows(
    actor: Actor,
    plan_id: int,
    rows: ImportedRows,
    *,
    content: bytes,
    checked,
    original_name: str,
    settings=None,
) -> dict:
    """A filled-in spreadsheet: the file kept, and every response and action replaced at once."""
    detail = f"responses={len(rows.responses)} actions={len(rows.actions)} sha256={checked.sha256}"
    async with change(
        actor, "actionplan.import", object_type="action_plan", object_id=plan_id, detail=detail
    ):
        await current_plan(actor, "plan.import", plan_id)
        stored = await _keep(actor, plan_id, content, checked, original_name, "import")
        await _replace_rows(actor, plan_id, rows)
        await plan_event(
            actor,
            plan_id,
            "imported",
            f"{len(rows.responses)} responses and {len(rows.actions)} actions"
            f" (file version {stored['number']})",
        )
    return await _scan(actor, stored, content, settings)


async def _replace_rows(actor: Actor, plan_id: int, rows: ImportedRows) -> None:
    now = now_utc()
    await ActionProgress.delete().where(ActionProgress.plan == plan_id)
    await PlanAction.delete().where(PlanAction.plan == plan_id)
    await PlanResponse.delete().where(PlanResponse.plan == plan_id)
    if rows.responses:
        await PlanResponse.insert(
            *[
                PlanResponse(
                    plan=plan_id,
                    recommendation=rec_id,
                    response=response,
                    agreed_part=part,
                    reason=reason,
                    updated_at=now,
                    updated_by=actor.user_id,
                )
                for rec_id, (response, part, reason) in rows.responses.items()
            ]
        )
    positions: dict[int, int] = {}
    new_actions = []
    for rec_id, values in rows.actions:
        positions[rec_id] = positions.get(rec_id, 0) + 1
        new_actions.append(new_action(actor, plan_id, rec_id, positions[rec_id], values))
    if new_actions:
        await PlanAction.insert(*new_actions)
