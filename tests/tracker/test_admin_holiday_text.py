"""Issue 16: the page that removes a bank holiday says which day will become a working day."""

from __future__ import annotations

import re

from tests.support import make_user, sign_in
from tracker.roles import Role


def test_removing_a_holiday_names_the_day_that_becomes_a_working_day(client):
    make_user("ada", Role.ADMIN)
    sign_in(client, "ada")
    page = client.get("/admin/holidays/remove?day=2026-12-25").text
    sentence = re.search(r'<p class="govuk-body">([^<]*) will become a working day', page).group(1)
    assert sentence.startswith("Friday 25 December 2026"), sentence
