"""Photographs a report intends to use (Annex A): HMIP adds them with the Annex A checks, HMPPS
says whether it objects, HMIP records how an objection ended."""

from __future__ import annotations

from datetime import date

from factcheck.operations.common import not_after_today, row_for
from factcheck.operations.data import RESOLUTIONS, set_override
from factcheck.queries import IDENTITY_CHECKS, photograph
from factcheck.tables import Photograph
from tracker.clock import now_utc
from tracker.operations import Actor, Conflict, Refused, change

CAPTION_LIMIT = 300
CONSENT_LIMIT = 2000
# Annex A, identity: "The consent must state what the pictures are being used for, how they will be
# stored, for how long and who they will be shared with."
CONSENT_FIELDS = {
    "consent_purpose": "Enter what the consent says the photograph is used for",
    "consent_storage": "Enter how the consent says it will be stored",
    "consent_duration": "Enter for how long the consent says it will be kept",
    "consent_sharing": "Enter who the consent says it will be shared with",
}
FLAGS = ("prisoner_of_interest", "may_upset_victims")


def consent_problems(identity_check: str, consent: dict) -> dict[str, str]:
    if identity_check != "consent_held":
        return {}
    errors = {}
    for field, missing in CONSENT_FIELDS.items():
        value = str(consent.get(field) or "").strip()
        if not value:
            errors[field] = missing
        elif len(value) > CONSENT_LIMIT:
            errors[field] = f"This must be {CONSENT_LIMIT} characters or fewer"
    return errors


def photograph_problems(
    caption: str, identity_check: str, security_check: bool, consent: dict | None = None
) -> dict[str, str]:
    errors = {}
    if not caption:
        errors["caption"] = "Enter a caption"
    elif len(caption) > CAPTION_LIMIT:
        errors["caption"] = f"The caption must be {CAPTION_LIMIT} characters or fewer"
    if identity_check not in IDENTITY_CHECKS:
        errors["identity_check"] = "Select whether anyone can be identified"
    errors |= consent_problems(identity_check, consent or {})
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
    consent: dict | None = None,
    flags: tuple[str, ...] = (),
) -> dict:
    """A photograph, its image checked (tracker.uploads) and scanned (tracker.scanning) already,
    with the Annex A record: the consent of an identifiable person, the security check, and
    `flags` (FLAGS: a prisoner of interest, might upset victims). None after publication."""
    errors = photograph_problems(caption, identity_check, security_check, consent)
    if errors:
        raise Refused(errors)
    held = identity_check == "consent_held"
    record = {f: str((consent or {}).get(f) or "").strip() if held else "" for f in CONSENT_FIELDS}
    async with change(actor, "factcheck.photo_added", object_type="photograph") as entry:
        await row_for(actor, inspection_id, "factcheck.photo.add", "caption")
        row = Photograph(
            inspection=inspection_id,
            caption=caption,
            identity_check=identity_check,
            security_check=security_check,
            prisoner_of_interest="prisoner_of_interest" in flags,
            may_upset_victims="may_upset_victims" in flags,
            **record,
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


def response_problems(response: str, reason: str) -> dict[str, str]:
    errors = {}
    if response not in ("no_objection", "objection"):
        errors["response"] = "Select whether HMPPS objects to the photograph"
    if response == "objection" and not reason:
        errors["objection_reason"] = "Enter the reason for the objection"
    return errors


async def respond_to_photograph(
    actor: Actor,
    inspection_id: int,
    photo_id: int,
    response: str,
    reason: str,
    *,
    consulted_on: date | None = None,
    today: date | None = None,
    version: int | None = None,
) -> None:
    """HMPPS's view, and the day HMPPS consulted the Governor or Director about it (Annex A),
    when given. `version` is the one the form was loaded with: Conflict when someone else
    recorded a view since (K5)."""
    errors = not_after_today(
        consulted_on,
        today or date.max,
        "consulted",
        "The date the Governor or Director was consulted must be today or in the past",
    )
    errors |= response_problems(response, reason)
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
                Photograph.governor_consulted_on: consulted_on or photo["governor_consulted_on"],
                Photograph.override_reason: "",
                Photograph.overridden_by: None,
                Photograph.overridden_at: None,
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


async def publish_over_objection(
    actor: Actor, inspection_id: int, photo_id: int, reason: str, *, version: int | None = None
) -> None:
    """HMIP decides to publish a photograph HMPPS objected to (MoU ¶31), with its reason."""
    async with change(
        actor, "factcheck.photo_published_over_objection", object_type="photograph", object_id=photo_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.photo.override", "reason")
        photo = await _photo(inspection_id, photo_id)
        await set_override(actor, Photograph, photo, reason, version)
        entry.detail = f"inspection={inspection_id}"


async def record_consent_withdrawn(
    actor: Actor, inspection_id: int, photo_id: int, withdrawn_on: date | None, *, today: date
) -> None:
    """The person photographed withdrew their consent (Annex A: "may be withdrawn at any time"):
    the photograph stays out of the report until it is removed."""
    errors = not_after_today(
        withdrawn_on, today, "withdrawn", "The date consent was withdrawn must be today or in the past"
    )
    if withdrawn_on is None:
        errors = {"withdrawn": "Enter the date consent was withdrawn"}
    if errors:
        raise Refused(errors)
    async with change(
        actor, "factcheck.photo_consent_withdrawn", object_type="photograph", object_id=photo_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.photo.consent_withdrawn", "withdrawn")
        photo = await _photo(inspection_id, photo_id)
        if photo["identity_check"] != "consent_held":
            raise Refused(
                "Nobody can be identified in this photograph: there is no consent to withdraw",
                "withdrawn",
                state=True,
            )
        await Photograph.update(
            {Photograph.consent_withdrawn_on: withdrawn_on, Photograph.version: Photograph.version + 1}
        ).where(Photograph.id == photo_id)
        entry.detail = f"inspection={inspection_id}"


async def remove_photograph(actor: Actor, inspection_id: int, photo_id: int) -> None:
    """HMIP takes a photograph out of the report (before publication)."""
    async with change(
        actor, "factcheck.photo_removed", object_type="photograph", object_id=photo_id
    ) as entry:
        await row_for(actor, inspection_id, "factcheck.photo.remove", "photographs")
        await _photo(inspection_id, photo_id)
        await Photograph.update(
            {
                Photograph.resolution: "removed",
                Photograph.resolved_by: actor.user_id,
                Photograph.resolved_at: now_utc(),
                Photograph.version: Photograph.version + 1,
            }
        ).where(Photograph.id == photo_id)
        entry.detail = f"inspection={inspection_id}"
