"""The establishment's home page lists the drafts the Scrutiny Team shared with it while the fact
check is under way, and no others: not one still unshared, not another establishment's, not one
already returned."""

from tests.factcheck.helpers import build_world, by, submit_return, today
from tests.support import make_user, post_form, run, sign_in
from tracker.roles import Role

PANEL = "Draft reports to check"


def _linked(page: str, inspection: int) -> bool:
    return f'href="/inspections/{inspection}/factcheck"' in page


def test_the_governor_sees_only_their_shared_drafts_under_way(client):
    from factcheck.operations.points import set_point_state

    world = build_world()
    scrutiny = world.users[Role.HMPPS_SCRUTINY]
    run(set_point_state(by(scrutiny), world.thematic, world.ids["thematic"]["pp"], "include"))
    submit_return(world.thematic, world.users[Role.HMPPS_SCRUTINY], today())
    sign_in(client, "governor")
    page = client.get("/").text
    assert PANEL in page
    assert page.count("Read the draft and propose corrections") == 2
    assert [_linked(page, i) for i in (world.full, world.irp)] == [True, True]
    assert [_linked(page, i) for i in (world.unshared, world.other, world.thematic)] == [False] * 3


def test_another_establishment_sees_its_own_and_the_scrutiny_team_sees_no_such_panel(client):
    world = build_world()
    make_user("elsewhere", Role.ESTABLISHMENT, establishment_ids=[world.other_est])
    sign_in(client, "elsewhere")
    page = client.get("/").text
    assert [_linked(page, world.other), _linked(page, world.full)] == [True, False]
    post_form(client, "/logout", token_from="/")
    sign_in(client, "scrutiny")
    assert PANEL not in client.get("/").text
