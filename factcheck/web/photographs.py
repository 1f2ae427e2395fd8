"""Photographs (Annex A): HMIP adds one with its checks and image, HMPPS gives its view, HMIP
records how an objection ended; the image is shown only once scanned clean."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from factcheck import queries
from factcheck.operations import photographs as ops
from factcheck.web.common import (
    HMIP_EDITORS,
    READ_ALL,
    READERS,
    SCRUTINY_ONLY,
    actor,
    checked_upload,
    conflict_page,
    finished_stage,
    load,
    page,
    see_other,
    version_of,
)
from factcheck.web.data import override_page, override_submit, resolve_page, resolve_submit
from tracker import audit, scanning, uploads
from tracker.access import deny_as_not_found
from tracker.clock import today_london
from tracker.forms import Form, date_parts
from tracker.operations import Conflict, Refused

IMAGE_LIMIT_MB = 10
IMAGE_WRONG_TYPE = "The selected image must be a PNG or JPEG"


def photo_summary(photo: dict) -> list[tuple[str, str]]:
    response = {"no_objection": "No objection", "objection": "Objection"}.get(photo["response"], "")
    return [
        ("Photograph", photo["caption"]),
        ("HMPPS's view", response),
        ("Reason for the objection", photo["objection_reason"]),
    ]


async def _photo_or_404(
    request: Request, inspection_id: int, photo_id: int, *, with_image: bool = False
) -> dict:
    photo = await queries.photograph(inspection_id, photo_id, with_image=with_image)
    if photo is None:
        await deny_as_not_found(request, "photograph", photo_id)
    return photo


@get("/inspections/{inspection_id:int}/photographs/new", opt=HMIP_EDITORS)
async def photo_form(request: Request, inspection_id: FromPath[int]) -> Template:
    row = await load(request, inspection_id, "factcheck.photo.add")
    if closed := finished_stage(request, row, "factcheck.photo.add"):
        return closed
    return page(request, "factcheck/photo_new.html", row, identity_checks=queries.IDENTITY_CHECKS, flags=[])


@post("/inspections/{inspection_id:int}/photographs/new", opt=HMIP_EDITORS)
async def photo_create(request: Request, inspection_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.photo.add")
    form = await Form.from_request(request)
    caption, identity = form.raw("caption"), form.raw("identity_check")
    security = form.boolean("security_check")
    consent = {f: form.raw(f) for f in ops.CONSENT_FIELDS}
    flags = tuple(f for f in form.values("flags") if f in ops.FLAGS)
    errors = ops.photograph_problems(caption, identity, security, consent)
    accepted, problem, status_code = await checked_upload(
        request,
        form,
        "image",
        IMAGE_LIMIT_MB,
        uploads.IMAGES,
        audit_action="factcheck.photo_added",
        wrong_type=IMAGE_WRONG_TYPE,
    )
    if problem:
        errors["image"] = problem
    if not errors:
        image, kind, scan = (
            (accepted.content, accepted.checked.file_type, accepted.scan.status)
            if accepted
            else (None, "", "")
        )
        try:
            await ops.add_photograph(
                actor(request),
                inspection_id,
                caption,
                identity,
                security,
                image,
                kind,
                scan_status=scan,
                consent=consent,
                flags=flags,
            )
            return see_other(f"/inspections/{inspection_id}/factcheck?done=photo#photographs")
        except Refused as refused:
            errors = refused.errors
    return page(
        request,
        "factcheck/photo_new.html",
        row,
        form=form.data,
        errors=errors,
        identity_checks=queries.IDENTITY_CHECKS,
        flags=list(flags),
        status_code=status_code,
    )


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/image", opt=READERS)
async def photo_image(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    await load(request, inspection_id, READ_ALL)
    photo = await _photo_or_404(request, inspection_id, photo_id, with_image=True)
    if not photo["image"] or photo["image_type"] not in uploads.IMAGES:
        raise NotFoundException("Page not found")
    if not scanning.downloadable(photo["scan_status"], request.app.state.settings):
        await audit.record(
            "factcheck.photo_view",
            request=request,
            object_type="photograph",
            object_id=photo_id,
            outcome="refused",
            detail=f"scan={photo['scan_status']}",
        )
        return scanning.not_downloadable(
            request,
            photo["scan_status"],
            name=photo["caption"],
            back_href=f"/inspections/{inspection_id}/factcheck#photographs",
            back_text="Back to the fact check",
        )
    await audit.record("factcheck.photo_view", request=request, object_type="photograph", object_id=photo_id)
    return uploads.file_response(photo["image"], f"photograph-{photo_id}", photo["image_type"])


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/response", opt=SCRUTINY_ONLY)
async def photo_response_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.photo.respond")
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = {
        "response": photo["response"],
        "objection_reason": photo["objection_reason"],
        "version": str(photo["version"]),
    }
    form |= {f"consulted-{k}": v for k, v in date_parts(photo["governor_consulted_on"]).items()}
    return page(request, "factcheck/photo_response.html", row, photo=photo, form=form)


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/response", opt=SCRUTINY_ONLY)
async def photo_response(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.photo.respond")
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = await Form.from_request(request)
    consulted = form.date("consulted", "the date the Governor or Director was consulted", required=False)
    try:
        if not form.ok:
            answer = (form.raw("response"), form.raw("objection_reason"))
            raise Refused(ops.response_problems(*answer) | form.errors)
        await ops.respond_to_photograph(
            actor(request),
            inspection_id,
            photo_id,
            form.raw("response"),
            form.raw("objection_reason"),
            consulted_on=consulted,
            today=today_london(),
            version=version_of(form),
        )
    except Conflict as conflict:
        summary = photo_summary(conflict.current)
        return conflict_page(request, row, "HMPPS's view", summary, request.url.path)
    except Refused as refused:
        return page(
            request, "factcheck/photo_response.html", row, photo=photo, form=form.data, errors=refused.errors
        )
    return see_other(f"/inspections/{inspection_id}/factcheck?done=photo_response#photographs")


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/resolve", opt=HMIP_EDITORS)
async def photo_resolve_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.photo.resolve")
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = {"version": str(photo["version"])}
    return resolve_page(request, row, photo["caption"], photo["objection_reason"], with_note=False, form=form)


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/resolve", opt=HMIP_EDITORS)
async def photo_resolve(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.photo.resolve")
    photo = await _photo_or_404(request, inspection_id, photo_id)

    def resolve(form: Form):
        resolution = form.raw("resolution")
        return ops.resolve_photograph_objection(
            actor(request), inspection_id, photo_id, resolution, version=version_of(form)
        )

    done = f"/inspections/{inspection_id}/factcheck?done=photo_resolved#photographs"
    return await resolve_submit(
        request, row, photo["caption"], photo["objection_reason"], resolve, done, with_note=False
    )


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/override", opt=HMIP_EDITORS)
async def photo_override_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.photo.override")
    if closed := finished_stage(request, row, "factcheck.photo.override"):
        return closed
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = {"version": str(photo["version"])}
    return override_page(request, row, "Photograph", photo["caption"], photo["objection_reason"], form=form)


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/override", opt=HMIP_EDITORS)
async def photo_override(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    row = await load(request, inspection_id, "factcheck.photo.override")
    photo = await _photo_or_404(request, inspection_id, photo_id)

    def publish(form: Form):
        return ops.publish_over_objection(
            actor(request), inspection_id, photo_id, form.raw("reason"), version=version_of(form)
        )

    done = f"/inspections/{inspection_id}/factcheck?done=photo_published_over#photographs"
    return await override_submit(
        request, row, "Photograph", photo["caption"], photo["objection_reason"], publish, done
    )


def _withdrawn_context(inspection_id: int, photo: dict) -> dict:
    return {
        "heading": "Record that consent was withdrawn",
        "caption": f"Photograph: {photo['caption']} (Annex A)",
        "action": f"/inspections/{inspection_id}/photographs/{photo['id']}/consent-withdrawn",
        "field": "withdrawn",
        "legend": "Date the person withdrew their consent",
        "note_label": None,
        "button": "Record consent withdrawn",
    }


@get("/inspections/{inspection_id:int}/photographs/{photo_id:int}/consent-withdrawn", opt=HMIP_EDITORS)
async def consent_withdrawn_form(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Template:
    row = await load(request, inspection_id, "factcheck.photo.consent_withdrawn")
    photo = await _photo_or_404(request, inspection_id, photo_id)
    return page(request, "factcheck/date_form.html", row, **_withdrawn_context(inspection_id, photo))


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/consent-withdrawn", opt=HMIP_EDITORS)
async def consent_withdrawn(
    request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]
) -> Response:
    row = await load(request, inspection_id, "factcheck.photo.consent_withdrawn")
    photo = await _photo_or_404(request, inspection_id, photo_id)
    form = await Form.from_request(request)
    withdrawn = form.date("withdrawn", "the date consent was withdrawn")
    if form.ok:
        try:
            await ops.record_consent_withdrawn(
                actor(request), inspection_id, photo_id, withdrawn, today=today_london()
            )
        except Refused as refused:
            form.add_errors(refused.errors)
    if not form.ok:
        context = _withdrawn_context(inspection_id, photo)
        return page(request, "factcheck/date_form.html", row, form=form.data, errors=form.errors, **context)
    return see_other(f"/inspections/{inspection_id}/factcheck?done=photo_consent_withdrawn#photographs")


@post("/inspections/{inspection_id:int}/photographs/{photo_id:int}/remove", opt=HMIP_EDITORS)
async def photo_remove(request: Request, inspection_id: FromPath[int], photo_id: FromPath[int]) -> Response:
    await load(request, inspection_id, "factcheck.photo.remove")
    await _photo_or_404(request, inspection_id, photo_id)
    try:
        await ops.remove_photograph(actor(request), inspection_id, photo_id)
    except Refused:
        return see_other(f"/inspections/{inspection_id}/factcheck#photographs")
    return see_other(f"/inspections/{inspection_id}/factcheck?done=photo_removed#photographs")


ROUTES = [
    photo_override_form,
    photo_override,
    consent_withdrawn_form,
    consent_withdrawn,
    photo_remove,
    photo_form,
    photo_create,
    photo_image,
    photo_response_form,
    photo_response,
    photo_resolve_form,
    photo_resolve,
]
