"""MoU ¶49: "Independent Reviews of Progress are short, announced visits, involving four or five
inspectors for 2.5 days." An IRP that is not is allowed but warned (GOV.UK warning text) on the
form and on the inspection page, in words citing ¶49 from the rule table."""

from datetime import date

from tests.inspections.helpers import world
from tests.support import date_fields, post_form, sign_in
from timelines.core.rules import irp_visit_warnings


def test_the_rule_table_warns_of_each_way_an_irp_differs_from_paragraph_49():
    assert irp_visit_warnings(announced=True, inspectors=4, days_on_site=2.5) == []
    assert irp_visit_warnings(announced=True, inspectors=5, days_on_site=3) == []
    assert irp_visit_warnings(announced=True, inspectors=None, days_on_site=None) == []
    warnings = irp_visit_warnings(announced=False, inspectors=3, days_on_site=4)
    assert warnings == [
        "An independent review of progress is an announced visit, but this one is unannounced — MoU ¶49",
        "An independent review of progress involves four or five inspectors, but this one has 3 — MoU ¶49",
        "An independent review of progress lasts about 2.5 days on site, but this one is 4 days — MoU ¶49",
    ]
    assert "is 1.5 days" in irp_visit_warnings(announced=True, inspectors=4, days_on_site=1.5)[0]


def _irp(w, **fields):
    return {
        "establishment": str(w["a"]),
        "kind": "irp",
        "team_leader": str(w["leader"]),
        "follows": str(w["ia"]),
        **date_fields("start_date", date(2025, 12, 1)),
        **date_fields("end_date", date(2025, 12, 3)),
        **fields,
    }


def test_an_irp_unlike_paragraph_49_is_warned_on_the_form_and_the_page(client):
    w = world()
    sign_in(client, "hmipmanager")
    fields = _irp(w, announced="no", inspector_count="3", days_on_site="4")
    warned = post_form(client, "/inspections/new", fields)
    assert warned.status_code == 200
    assert "govuk-warning-text" in warned.text
    for words in ("but this one is unannounced", "but this one has 3", "but this one is 4 days"):
        assert words in warned.text
    assert warned.text.count("MoU ¶49") >= 3
    assert 'name="confirm" value="yes"' in warned.text
    assert 'value="3"' in warned.text and 'value="4"' in warned.text  # nothing typed is lost
    saved = post_form(client, "/inspections/new", {**fields, "confirm": "yes"})
    assert saved.status_code == 302, saved.text
    page = client.get(saved.headers["location"]).text
    assert "govuk-warning-text" in page and "but this one has 3" in page and "MoU ¶49" in page
    assert "Inspectors" in page and "Days on site" in page


def test_an_irp_as_paragraph_49_describes_it_is_saved_without_a_warning(client):
    w = world()
    sign_in(client, "hmipmanager")
    fields = _irp(w, announced="yes", inspector_count="4", days_on_site="2.5")
    fields.update(date_fields("announced_on", date(2025, 10, 1)))
    saved = post_form(client, "/inspections/new", fields)
    assert saved.status_code == 302, saved.text
    page = client.get(saved.headers["location"]).text
    assert "MoU ¶49" not in page
    assert "2.5" in page


def test_the_days_on_site_default_to_the_visits_dates(client):
    w = world()
    sign_in(client, "hmipmanager")
    fields = _irp(w, announced="yes", inspector_count="4", **date_fields("end_date", date(2025, 12, 5)))
    fields.update(date_fields("announced_on", date(2025, 10, 1)))
    warned = post_form(client, "/inspections/new", fields)
    assert "but this one is 5 days" in warned.text


def test_inspectors_and_days_must_be_numbers(client):
    w = world()
    sign_in(client, "hmipmanager")
    bad = post_form(client, "/inspections/new", _irp(w, announced="yes", inspector_count="four", days_on_site="2.3"))
    assert bad.status_code == 200
    assert "The number of inspectors must be a whole number" in bad.text
    assert "Enter the days on site in whole or half days, like 2.5" in bad.text


def test_a_full_inspection_is_not_held_to_paragraph_49(client):
    w = world()
    sign_in(client, "hmipmanager")
    page = client.get(f"/inspections/{w['ia']}").text
    assert "MoU ¶49" not in page
