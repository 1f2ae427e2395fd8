from tests.inspections.helpers import world
from tests.support import sign_in


def test_pages_render(client):
    w = world()
    sign_in(client, "leader")
    for path in [
        "/inspections",
        "/inspections/new",
        f"/inspections/{w['ia']}",
        f"/inspections/{w['ia']}/debrief",
        f"/inspections/{w['ia']}/events/new",
        f"/inspections/{w['ia']}/recommendations",
        f"/inspections/{w['ia']}/urgent-notification",
        "/establishments",
        f"/establishments/{w['a']}",
    ]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[-3000:])
    client.cookies.clear()
    sign_in(client, "hmipmanager")
    for path in [
        "/programme",
        "/establishments/new",
        "/establishments/import",
        f"/establishments/{w['a']}/edit",
        f"/establishments/{w['a']}/status",
        f"/inspections/{w['ia']}/edit",
    ]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[-3000:])
