"""The programme page applies ¶6 to adult prison establishments only, counted from operation for
a new one, and a thematic review's visits are planned visits (issue 15 item 5)."""

from datetime import timedelta

from tests.inspections.helpers import world
from tests.support import make_establishment, make_inspection, run, sign_in
from tracker.clock import today_london


def past_limit(client) -> str:
    return client.get("/programme").text.split("Past the limit")[1].split("Windows opening")[0]


def test_a_new_prison_counts_its_five_years_from_operation_and_an_irc_has_no_cycle(client):
    today = today_london()
    world()
    make_establishment("HMP Millsike", code="MSK", operational_on=today - timedelta(days=61))
    make_establishment("HMP Older", code="OLD", operational_on=today - timedelta(days=6 * 366))
    make_establishment("Heathrow IRC", code="HTR", kind="irc")
    make_establishment("Court custody North", code="CCN", kind="court_custody")
    sign_in(client, "hmipmanager")
    past = past_limit(client)
    assert "HMP Millsike" not in past
    assert "HMP Older" in past
    assert "Heathrow IRC" not in past and "Court custody North" not in past


def test_a_thematic_review_visiting_an_establishment_is_its_next_planned_visit(client):
    from inspections.tables import InspectionEstablishment

    today = today_london()
    w = world()
    overdue = make_establishment("HMP Overdue", code="OVD")
    make_inspection(overdue, end=today - timedelta(days=6 * 365))
    thematic = make_inspection(
        w["b"], kind="thematic", start=today + timedelta(days=20), end=today + timedelta(days=40)
    )
    run(InspectionEstablishment.insert(InspectionEstablishment(inspection=thematic, establishment=overdue)))
    sign_in(client, "hmipmanager")
    row = past_limit(client).split("HMP Overdue")[1].split("</tr>")[0]
    assert f'href="/inspections/{thematic}"' in row
    assert "None planned" not in row
