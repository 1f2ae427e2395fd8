"""Unpublished data a report intends to use (MoU ¶18, Annex B ¶4): HMIP adds it, HMPPS consents
or objects, HMIP resolves an objection or proceeds when the last day to object has passed."""

from __future__ import annotations

from datetime import date

from factcheck.operations.common import not_after_today, recent_twin, row_for
from factcheck.queries import DATA_SOURCES, data_item, data_status, fact_check_deadline, milestones
from factcheck.tables import DataItem
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

RESOLUTIONS = ("removed", "withdrawn")
REASON_LIMIT = 2000
CLEAR_OVERRIDE = {DataItem.override_reason: "", DataItem.overridden_by: None, DataItem.overridden_at: None}
HUB_NEEDS_CONSENT = (
    "Performance Hub data needs the written consent of MoJ Data and Analysis (Annex B ¶4.3): HMIP "
    "cannot publish it over an objection. Remove it from the report or ask HMPPS to withdraw the objection"
)


def override_problems(reason: str) -> dict[str, str]:
    if not reason.strip():
        return {"reason": "Enter why HMIP is publishing over the objection"}
    if len(reason) > REASON_LIMIT:
        return {"reason": f"The reason must be {REASON_LIMIT} characters or fewer"}
    return {}


async def set_override(actor: Actor, table, row: dict, reason: str, version: int | None) -> None:
    """Record HMIP's decision to publish over HMPPS's objection on a data item or photograph row
    (both tables have the same override columns), in the caller's change()."""
    if row["response"] != "objection" or row["resolution"]:
        raise Refused("Only an unresolved objection can be published over", "reason", state=True)
    if errors := override_problems(reason):
        raise Refused(errors)
    if version is not None and version != row["version"]:
        raise Conflict(row)
    await table.update(
        {
            table.override_reason: reason.strip(),
            table.overridden_by: actor.user_id,
            table.overridden_at: now_utc(),
            table.version: table.version + 1,
        }
    ).where(table.id == row["id"])


def data_item_problems(values: dict) -> tuple[dict, dict[str, str]]:
    clean = {
        "description": str(values.get("description") or "").strip(),
        "source": str(values.get("source") or "").strip(),
        "report_section": str(values.get("report_section") or "").strip(),
    }
    errors = {}
    if not clean["description"]:
        errors["description"] = "Enter what the data is"
    elif len(clean["description"]) > 2000:
        errors["description"] = "The description must be 2000 characters or fewer"
    if clean["source"] not in DATA_SOURCES:
        errors["source"] = "Select where the data comes from"
    if not clean["report_section"]:
        errors["report_section"] = "Enter the report section that uses it"
    elif len(clean["report_section"]) > 200:
        errors["report_section"] = "The report section must be 200 characters or fewer"
    return clean, errors


async def add_data_item(
    actor: Actor, inspection_id: int, values: dict, notified_on: date | None, *, today: date
) -> dict:
    clean, errors = data_item_problems(values)
    errors |= not_after_today(
        notified_on, today, "notified", "The date HMPPS was notified must be today or in the past"
    )
    if errors:
        raise Refused(errors)
    async with change(actor, "factcheck.data_item_added", object_type="data_item") as entry:
        await row_for(actor, inspection_id, "factcheck.data.add", "description")
        item = await recent_twin(DataItem, inspection_id, actor.user_id, clean | {"notified_on": notified_on})
        if item is None:  # else the same form sent twice makes one item (F4)
            row = DataItem(
                inspection=inspection_id,
                notified_on=notified_on,
                created_by=actor.user_id,
                created_at=now_utc(),
                **clean,
            )
            await row.save()
            item = row.to_dict()
        entry.object_id = item["id"]
        entry.detail = f"inspection={inspection_id}"
    return item


def response_problems(source: str, response: str, reason: str, reference: str) -> dict[str, str]:
    errors = {}
    if response not in ("consent", "objection"):
        errors["response"] = "Select HMPPS's response"
    if response == "objection" and not reason:
        errors["objection_reason"] = "Enter the reason for the objection"
    if response == "consent" and source == "hub" and not reference:
        errors["consent_reference"] = "Enter the MoJ Data and Analysis written-consent reference"
    if len(reason) > 2000:
        errors["objection_reason"] = "The reason must be 2000 characters or fewer"
    if len(reference) > 100:
        errors["consent_reference"] = "The consent reference must be 100 characters or fewer"
    return errors


async def _item(inspection_id: int, item_id: int) -> dict:
    item = await data_item(inspection_id, item_id)
    if item is None:
        raise LookupError(item_id)
    return item


async def respond_to_data_item(
    actor: Actor,
    inspection_id: int,
    item_id: int,
    response: str,
    reason: str,
    reference: str,
    responded_on: date | None,
    *,
    today: date,
    version: int | None = None,
) -> dict:
    """HMPPS's consent or objection. `version` is the one the form was loaded with: Conflict when
    someone else recorded a response since (K5)."""
    async with change(actor, "factcheck.data_response", object_type="data_item", object_id=item_id) as entry:
        await row_for(actor, inspection_id, "factcheck.data.respond")
        item = await _item(inspection_id, item_id)
        errors = response_problems(item["source"], response, reason, reference)
        errors |= not_after_today(
            responded_on, today, "responded", "The date of the response must be today or in the past"
        )
        if errors:
            raise Refused(errors)
        if item["proceeded_at"]:
            raise Refused("HMIP has already proceeded with this data under MoU ¶18", "response", state=True)
        if version is not None and version != item["version"]:
            raise Conflict(item)
        changed = (
            await DataItem.update(
                {
                    DataItem.response: response,
                    DataItem.objection_reason: reason if response == "objection" else "",
                    DataItem.consent_reference: reference if response == "consent" else "",
                    DataItem.responded_on: responded_on,
                    DataItem.responded_by: actor.user_id,
                    DataItem.resolution: "",
                    **CLEAR_OVERRIDE,
                    DataItem.version: item["version"] + 1,
                }
            )
            .where((DataItem.id == item_id) & (DataItem.version == item["version"]))
            .returning(DataItem.id)
        )
        if not changed:
            raise Conflict(await data_item(inspection_id, item_id))
        entry.detail = f"inspection={inspection_id} response={response}"
    return await data_item(inspection_id, item_id)


async def resolve_data_objection(
    actor: Actor, inspection_id: int, item_id: int, resolution: str, note: str, *, version: int | None = None
) -> None:
    """How HMPPS's objection ended. Conflict when someone else changed the item since `version`."""
    if resolution not in RESOLUTIONS:
        raise Refused("Select how the objection was resolved", "resolution")
    async with change(actor, "factcheck.data_resolved", object_type="data_item", object_id=item_id) as entry:
        await row_for(actor, inspection_id, "factcheck.data.resolve")
        item = await _item(inspection_id, item_id)
        if item["response"] != "objection":
            raise Refused("Only an objection can be resolved", "resolution", state=True)
        if version is not None and version != item["version"]:
            raise Conflict(item)
        await DataItem.update(
            {
                DataItem.resolution: resolution,
                DataItem.resolution_note: note[:2000],
                DataItem.resolved_by: actor.user_id,
                DataItem.resolved_at: now_utc(),
                DataItem.version: DataItem.version + 1,
            }
        ).where(DataItem.id == item_id)
        entry.detail = f"inspection={inspection_id}"


async def proceed_with_data_item(actor: Actor, inspection_id: int, item_id: int, *, today: date) -> None:
    """HMIP's decision to proceed with data HMPPS did not respond about (MoU ¶18)."""
    async with change(actor, "factcheck.data_proceeded", object_type="data_item", object_id=item_id) as entry:
        row = await row_for(actor, inspection_id, "factcheck.data.proceed")
        item = await _item(inspection_id, item_id)
        stones = await milestones(row, today)
        if data_status(item, fact_check_deadline(row, stones), today).key != "may_proceed":
            raise Refused(
                "HMIP may proceed only when the last day to object has passed with no response",
                "data",
                state=True,
            )
        await DataItem.update(
            {
                DataItem.proceeded_by: actor.user_id,
                DataItem.proceeded_at: now_utc(),
                DataItem.version: DataItem.version + 1,
            }
        ).where(DataItem.id == item_id)
        entry.detail = f"inspection={inspection_id}"


async def publish_over_objection(
    actor: Actor, inspection_id: int, item_id: int, reason: str, *, version: int | None = None
) -> None:
    """HMIP decides to publish data HMPPS objected to (MoU ¶31: the decision to publish is HMIP's),
    with its reason. Not Performance Hub data: that needs D&A's consent (Annex B ¶4.3)."""
    async with change(
        actor, "factcheck.data_published_over_objection", object_type="data_item", object_id=item_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.data.override", "reason")
        item = await _item(inspection_id, item_id)
        if item["source"] == "hub":
            raise Refused(HUB_NEEDS_CONSENT, "reason", state=True)
        await set_override(actor, DataItem, item, reason, version)
        entry.detail = f"inspection={inspection_id}"
