"""Issue 16: the final debrief is a short sequence of pages, not one long page: who attended, the
indicative judgements, the note, then check your answers. Nothing is recorded until confirmed;
each page keeps the earlier answers (hidden fields, no JavaScript), and going back loses nothing."""

import html
import re
from datetime import date

from tests.inspections.helpers import END, world
from tests.support import date_fields, post_form, run, sign_in, stored_milestones

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
MAIN_FORM = re.compile(r'<form[^>]*id="debrief-form".*?</form>', re.S)


def carried(page: str) -> dict:
    """The hidden answers the page's main form sends on (as a browser would)."""
    fields: dict = {}
    for name, value in HIDDEN.findall(MAIN_FORM.search(page).group(0)):
        if name.startswith("_"):
            continue
        value = html.unescape(value)
        fields[name] = [*fields[name], value] if name in fields and isinstance(fields[name], list) else (
            [fields[name], value] if name in fields else value
        )
    return fields


def heading(page: str) -> str:
    return re.search(r'<h1 class="govuk-heading-l">(.*?)(?:<strong|</h1>)', page, re.S).group(1).strip()


def test_the_debrief_is_asked_a_page_at_a_time_and_recorded_only_when_confirmed(client):
    from inspections.queries import debrief_of

    w = world()
    sign_in(client, "leader")
    path = f"/inspections/{w['ia']}/debrief"
    first = client.get(path).text
    assert heading(first) == "When the debrief was held and who attended"
    assert "Indicative healthy prison test judgements" not in first

    second = post_form(client, path, {
        "step": "attendance", **date_fields("held_on", END), "attendees": ["governor", "imb_chair"],
        "absence_notice": "in_advance", **date_fields("notice_given_on", date(2025, 3, 10)),
    }).text
    assert heading(second) == "Indicative healthy prison test judgements"
    answers = carried(second)
    assert answers["attendees"] == ["governor", "imb_chair"] and answers["held_on-day"] == "14"

    third = post_form(client, path, {
        **answers, "step": "judgements", "judgement_safety": "2", "judgement_respect": "3",
        "judgement_purposeful_activity": "1", "judgement_preparation_for_release": "3",
    }).text
    assert heading(third) == "Debrief note"

    check = post_form(
        client, path, {**carried(third), "step": "note", "note_text": "Violence is high on C wing."},
        files={"note_file": ("note.pdf", PDF, "application/pdf")},
    ).text
    assert heading(check) == "Check your answers before recording the debrief"
    for seen in ("14 March 2025", "Yes, they told the team leader in advance", "10 March 2025",
                 "2 – not sufficiently good", "1 – poor", "Violence is high on C wing.", "note.pdf"):
        assert html.unescape(check).count(seen), seen
    assert run(debrief_of(w["ia"])) is None  # nothing written yet
    assert stored_milestones(w["ia"])["debrief"]["status"] not in ("done_on_time", "done_late")

    back = post_form(client, path, {**carried(check), "step": "check", "go": "back"}).text
    assert heading(back) == "Debrief note" and "Violence is high on C wing." in back
    assert "Attached: note.pdf" in back
    change = post_form(client, path, {**carried(check), "step": "check", "go": "attendance"}).text
    assert heading(change) == "When the debrief was held and who attended"
    assert 'value="imb_chair" checked' in change
    again = post_form(client, path, {**carried(change), "step": "attendance",
                                     **date_fields("held_on", END), "attendees": ["governor", "pgd"]}).text
    assert heading(again) == "Check your answers before recording the debrief"  # straight back

    done = post_form(client, path, {**carried(again), "step": "check"})
    assert done.status_code == 302 and done.headers["location"] == f"{path}/done"
    assert run(debrief_of(w["ia"]))["attendees"] == ["governor", "pgd"]
    assert client.get(f"/inspections/{w['ia']}/debrief-note/file").content == PDF


def test_a_thematic_debrief_has_no_judgements_page(client):
    from tests.support import make_inspection

    w = world()
    thematic = make_inspection(w["a"], kind="thematic", end=END, team_leader_id=w["leader"])
    sign_in(client, "leader")
    page = post_form(client, f"/inspections/{thematic}/debrief", {
        "step": "attendance", **date_fields("held_on", END), "attendees": ["governor"],
    }).text
    assert heading(page) == "Debrief note"
