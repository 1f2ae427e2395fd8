"""What the plan page offers each person in each state of the plan: only what they may do, so
nothing offered ends on a 403."""

import re

import pytest

from tests.actionplans.helpers import fill_plan, set_status, world
from tests.support import sign_in
from tracker.roles import Role

STATES = ("draft", "submitted", "returned", "accepted", "cleared", "available", "published")
BUTTONS = {
    "Check and submit": ("governor", {"draft", "returned"}),
    "Quality assure": ("scrutiny", {"submitted"}),
    "Clear the action plan": ("hmppsmanager", {"accepted"}),
    "Make the action plan available": ("scrutiny", {"cleared"}),
    "Record publication on HMIP's website": ("hmipmanager|leader", {"available"}),
    "Fill from a spreadsheet": ("governor", {"draft", "returned"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_each_person_is_offered_only_what_they_may_do(client, role):
    w = world()
    fill_plan(w["plan"], w["recs"])
    username = w["users"][role]
    sign_in(client, username)
    wrong = []
    for state in STATES:
        set_status(w["plan"], state)
        page = client.get(f"/action-plans/{w['plan']}").text
        for label, (who, states) in BUTTONS.items():
            expected = username in who.split("|") and state in states
            if (f">{label}</a>" in page) != expected:
                wrong.append((state, label, expected))
        links = set(re.findall(rf'href="(/action-plans/{w["plan"]}/[^"#]*)"', page))
        for link in sorted(links):
            if client.get(link, follow_redirects=False).status_code == 403:
                wrong.append((state, link, 403))
    assert wrong == []
