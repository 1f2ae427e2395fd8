from tests.actionplans.helpers import world
from tests.support import sign_in


def test_plan_page_renders(client):
    w = world()
    sign_in(client, "governor")
    r = client.get(f"/action-plans/{w['plan']}")
    assert r.status_code == 200, r.text[:3000]
    assert "R1" in r.text
