"""Photographs a report intends to use (Annex A): HMIP adds them with the Annex A checks, HMPPS
says whether it objects, HMIP records how an objection ended."""

from __future__ import annotations

from factcheck.operations.common import row_for
from factcheck.operations.data import RESOLUTIONS
from factcheck.queries import IDENTITY_CHECKS, photograph
from factcheck.tables import Photograph
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

CAPTION_LIMIT = 300


def photograph_problems(caption: str, identity_check: str, security_check: bool) -> dict[str, str]:
    errors = {}
    if not caption:
        errors["caption"] = "Enter a caption"
    elif len(caption) > CAPTION_LIMIT:
        errors["caption"] = f"The caption must be {CAPTION_LIMIT} characters or fewer"
    if identity_check not in IDENTITY_CHECKS:
        errors["identity_check"] = "Select whether anyone can be identified"
    if not security_check:
        errors["security_check"] = (
            "Confirm the photograph shows no keys, locks or security measures (Annex A)"
        )
    return errors


async def add_photograph(
    actor: Actor,
    inspection_id: int,
    caption: str,
    identity_check: str,
    security_check: bool,
    image: bytes | None,
    image_type: str,
    *,
    scan_status: str = "",
) -> dict:
    """A photograph, its image checked (tracker.uploads) and scanned (tracker.scanning) already."""
    errors = photograph_problems(caption, identity_check, security_check)
    if errors:
        raise Refused(errors)
    async with change(actor, "factcheck.photo_added", object_type="photograph") as entry:
        await row_for(actor, inspection_id, "factcheck.photo.add")
        row = Photograph(
            inspection=inspection_id,
            caption=caption,
            identity_check=identity_check,
            security_check=security_check,
            image=image,
            image_type=image_type,
            scan_status=scan_status if image else "",
            created_by=actor.user_id,
            created_at=now_utc(),
        )
        await row.save()
        entry.object_id = row.id
        entry.detail = f"inspection={inspection_id}"
    return row.to_dict()


async def _photo(inspection_id: int, photo_id: int) -> dict:
    photo = await photograph(inspection_id, photo_id)
    if photo is None:
        raise LookupError(photo_id)
    return photo


async def respond_to_photograph(
    actor: Actor, inspection_id: int, photo_id: int, response: str, reason: str, *, version: int | None = None
) -> None:
    """HMPPS's view. `version` is the one the form was loaded with: Conflict when someone else
    recorded a view since (K5)."""
    errors = {}
    if response not in ("no_objection", "objection"):
        errors["response"] = "Select whether HMPPS objects to the photograph"
    if response == "objection" and not reason:
        errors["objection_reason"] = "Enter the reason for the objection"
    if errors:
        raise Refused(errors)
    async with change(
        actor, "factcheck.photo_response", object_type="photograph", object_id=photo_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.photo.respond")
        photo = await _photo(inspection_id, photo_id)
        if version is not None and version != photo["version"]:
            raise Conflict(photo)
        changed = Photograph.update(
            {
                Photograph.response: response,
                Photograph.objection_reason: reason[:2000] if response == "objection" else "",
                Photograph.responded_by: actor.user_id,
                Photograph.responded_at: now_utc(),
                Photograph.resolution: "",
                Photograph.version: photo["version"] + 1,
            }
        ).where((Photograph.id == photo_id) & (Photograph.version == photo["version"]))
        if not await changed.returning(Photograph.id):
            raise Conflict(await photograph(inspection_id, photo_id))
        entry.detail = f"response={response}"


async def resolve_photograph_objection(
    actor: Actor, inspection_id: int, photo_id: int, resolution: str, *, version: int | None = None
) -> None:
    """How HMPPS's objection ended. Conflict when someone else changed the photograph since `version`."""
    if resolution not in RESOLUTIONS:
        raise Refused("Select how the objection was resolved", "resolution")
    async with change(actor, "factcheck.photo_resolved", object_type="photograph", object_id=photo_id):
        await row_for(actor, inspection_id, "factcheck.photo.resolve")
        photo = await _photo(inspection_id, photo_id)
        if photo["response"] != "objection":
            raise Refused("Only an objection can be resolved", "resolution", state=True)
        if version is not None and version != photo["version"]:
            raise Conflict(photo)
        await Photograph.update(
            {
                Photograph.resolution: resolution,
                Photograph.resolved_by: actor.user_id,
                Photograph.resolved_at: now_utc(),
                Photograph.version: Photograph.version + 1,
            }
        ).where(Photograph.id == photo_id)
