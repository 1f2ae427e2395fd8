"""Issue 16: every page of an inspection's journey has a way back (a GOV.UK back link)."""

from datetime import date

import pytest

from tests.inspections.helpers import world
from tests.support import make_inspection, sign_in


@pytest.mark.parametrize(
    "path, back",
    [
        ("/inspections/{ia}/debrief", "/inspections/{ia}"),
        ("/inspections/{ia}/events/new", "/inspections/{ia}"),
        ("/inspections/{ia}/extensions/new?key=draft_report", "/inspections/{ia}"),
        ("/inspections/{ia}/recommendations", "/inspections/{ia}"),
        ("/inspections/{ia}/urgent-notification", "/inspections/{ia}"),
        ("/inspections/{ia}/edit", "/inspections/{ia}"),
        ("/inspections/{irp}/follow-ups", "/inspections/{irp}"),
        ("/inspections/new", "/inspections"),
    ],
)
def test_each_page_has_a_back_link(client, path, back):
    w = world()
    irp = make_inspection(w["a"], kind="irp", end=date(2025, 12, 3), team_leader_id=w["leader"], follows=w["ia"])
    sign_in(client, "hmipmanager")
    ids = {"ia": w["ia"], "irp": irp}
    page = client.get(path.format(**ids))
    assert page.status_code == 200
    assert f'href="{back.format(**ids)}" class="govuk-back-link"' in page.text
