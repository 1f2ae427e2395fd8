"""The ONE table of what each audit action code means in words, as the audit log shows it and as an
administrator searches for it ("read the debrief note" for debrief_note.view). Past tense, so a
row reads as a sentence: "Lee read the debrief note"."""

from __future__ import annotations

ACTION_WORDS: dict[str, str] = {
    # signing in and accounts
    "login": "signed in",
    "login.password": "entered their password",
    "login.code": "entered a two-step sign-in code",
    "logout": "signed out",
    "two_factor.enable": "set up two-step sign-in",
    "two_factor.recovery_codes": "made new recovery codes",
    "two_factor.reset": "had two-step sign-in reset",
    "user.create": "added a user",
    "user.update": "changed a user's details",
    "user.deactivate": "deactivated a user",
    "user.reactivate": "reactivated a user",
    "user.password_link": "made a password link",
    "user.password_set": "created their password with a link",
    "user.password_change": "changed their password",
    "api_token.create": "made an API token",
    "api_token.revoke": "withdrew an API token",
    "feed.create": "made a calendar feed link",
    "feed.read": "read a calendar feed",
    "feed.revoke": "withdrew a calendar feed link",
    "denied": "was refused",
    # the audit log itself, retention and exports
    "audit.search": "searched the audit log",
    "audit.export": "exported the audit log",
    "audit.retention_cut": "removed audit rows past their retention period",
    "retention.run": "removed records past their retention period",
    "retention.dry_run": "counted records past their retention period",
    "export": "exported a list",
    # establishments, inspections and the debrief
    "establishment.create": "added an establishment",
    "establishment.update": "changed an establishment",
    "establishment.deactivate": "deactivated an establishment",
    "establishment.reactivate": "reactivated an establishment",
    "establishment.import": "imported establishments",
    "inspection.create": "added an inspection",
    "inspection.update": "changed the inspection",
    "inspection.event": "recorded a fact about the inspection",
    "inspection.urgent_notification": "raised an urgent notification",
    "inspection.follow_ups": "chose the follow-up inspections",
    "recommendation.add": "added recommendations",
    "deadline.extend": "extended a deadline",
    "debrief.save": "saved the debrief",
    "debrief_note.view": "read the debrief note",
    "debrief_note.upload.refused": "had a debrief note file refused",
    "programme.check": "checked a programme file",
    "programme.import": "imported the programme",
    "holiday.add": "added a bank holiday",
    "holiday.remove": "removed a bank holiday",
    "recurring.done": "marked a recurring obligation done",
    # fact check
    "factcheck.draft_upload": "uploaded the draft report",
    "factcheck.draft_download": "downloaded the draft report",
    "factcheck.draft_sent": "recorded the draft as sent",
    "factcheck.draft_shared": "shared the draft with the establishment",
    "factcheck.point_added": "added an accuracy point",
    "factcheck.point_answered": "answered an accuracy point",
    "factcheck.point_include": "took an accuracy point into the return",
    "factcheck.point_drop": "dropped an accuracy point",
    "factcheck.point_remove": "removed an accuracy point",
    "factcheck.points_imported": "imported accuracy points",
    "factcheck.import_refused": "had an accuracy points file refused",
    "factcheck.return_details": "saved the return's details",
    "factcheck.returned": "submitted the fact-check return",
    "factcheck.hmip_response_sent": "sent HMIP's response to the return",
    "factcheck.proceeded_without_return": "went ahead without a return",
    "factcheck.summary_download": "downloaded the summary of decisions",
    "factcheck.data_item_added": "added an unpublished data item",
    "factcheck.data_response": "answered about an unpublished data item",
    "factcheck.data_resolved": "resolved an unpublished data item",
    "factcheck.data_proceeded": "went ahead with unpublished data",
    "factcheck.photo_added": "added a photograph",
    "factcheck.photo_view": "looked at a photograph",
    "factcheck.photo_response": "answered about a photograph",
    "factcheck.photo_resolved": "resolved a photograph",
    "factcheck.press_release_shared": "shared the press release",
    "factcheck.published": "recorded the report as published",
    # action plans
    "actionplan.create": "started the action plan",
    "actionplan.view": "read the action plan",
    "actionplan.list": "listed action plans",
    "actionplan.api.read": "read the action plan through the API",
    "actionplan.response": "answered a recommendation",
    "actionplan.action.create": "added an action",
    "actionplan.action.change": "changed an action",
    "actionplan.action.delete": "deleted an action",
    "actionplan.action.conflict": "had a change to an action refused: someone changed it first",
    "actionplan.progress": "updated an action's progress",
    "actionplan.submitted": "submitted the action plan",
    "actionplan.returned": "returned the action plan",
    "actionplan.accepted": "accepted the action plan",
    "actionplan.reviewed": "reviewed the action plan",
    "actionplan.cleared": "cleared the action plan",
    "actionplan.published": "recorded the action plan as published",
    "actionplan.export": "exported the action plan",
    "actionplan.import": "imported the action plan",
    "actionplan.template.download": "downloaded the action plan template",
    "actionplan.upload.refused": "had an action plan file refused",
    "actionplan.file.upload": "uploaded a file to the action plan",
    "actionplan.file.scan": "had an action plan file scanned",
    "actionplan.file.download": "downloaded an action plan file",
    # added with the lifecycle, the account page, single sign-on and the jobs
    "actionplan.submit": "submitted the action plan",
    "actionplan.available": "made the action plan available",
    "factcheck.data_published_over_objection": "decided to publish data over HMPPS's objection",
    "factcheck.photo_published_over_objection": "decided to publish a photograph over HMPPS's objection",
    "factcheck.photo_consent_withdrawn": "recorded a photograph's consent withdrawn",
    "factcheck.photo_removed": "removed a photograph from the report",
    "factcheck.point_edited": "changed an accuracy point",
    "factcheck.point_withdraw": "withdrew a proposed accuracy point",
    "factcheck.point_restore": "put back a dropped accuracy point",
    "factcheck.factcheck_returned.corrected": "corrected the fact-check return",
    "factcheck.hmip_response_sent.corrected": "corrected HMIP's response",
    "factcheck.published.corrected": "corrected the publication",
    "factcheck.draft_sent.corrected": "corrected when the draft was sent",
    "holiday.fetch": "fetched GOV.UK's bank holidays",
    "holiday.refresh_apply": "applied GOV.UK's bank holidays",
    "login.sso": "signed in through single sign-on",
    "user.sso_link": "linked a user to single sign-on",
    "user.digest": "chose their reminder emails",
}

SUBJECT_WORDS: dict[str, str] = {
    # What the audit log calls a subject no domain names (Domain.audit_subjects names the rows
    # it can look up): a page, a run, an export, or a row only its own screen shows. The row's
    # id, if any, follows the words: "Page /admin/audit", "Programme import 3".
    "route": "Page",
    "retention": "Records past their retention period",
    "audit_event": "Audit row",
    "api_token": "API token",  # nosec B105 - words for the audit log, not a password
    "my_work": "My work",
    "dashboard": "The dashboard",
    "performance": "Performance against the MoU",
    "recurring": "Recurring obligation",
    "calendar_change": "Bank holiday change",
    "bank_holidays_version": "GOV.UK bank holidays, version",
    "programme_import": "Programme import",
}


def in_words(action: str, detail: str = "") -> str:
    """The action in words; a refusal names what was refused when the row says."""
    if action == "denied" and detail in ACTION_WORDS:
        return f"was refused: {ACTION_WORDS[detail]}"
    return ACTION_WORDS.get(action) or action.replace("_", " ").replace(".", ": ")


def subject_in_words(object_type: str, object_id: str) -> str:
    """A subject no domain names: its kind in words and its id ("Page /admin/audit")."""
    if not object_type:
        return ""
    words = SUBJECT_WORDS.get(object_type) or object_type.replace("_", " ").capitalize()
    return f"{words} {object_id}".strip()


def codes_for(words: str) -> list[str]:
    """The codes whose words contain these words (any capitals), or that are exactly this code."""
    wanted = " ".join(words.lower().split())
    return [code for code, said in ACTION_WORDS.items() if wanted in said.lower() or wanted == code]
