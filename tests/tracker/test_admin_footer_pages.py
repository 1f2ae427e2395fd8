"""Issue 16, the footer: a cookies page naming the cookies the service really sets, a privacy
notice, how to get help or report a problem, and a phase banner, on every page, signed in or not."""

from __future__ import annotations

import re

from tests.support import make_user, sign_in
from tracker.roles import Role


def cookies_set_by_signing_in(client) -> set[str]:
    make_user("ada", Role.ADMIN)  # two-step sign-in: the challenge cookie is set on the way
    names = set()
    original = client.request

    def recording(*args, **kwargs):
        response = original(*args, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            names.add(header.split("=", 1)[0])
        return response

    client.request = recording
    try:
        sign_in(client, "ada")
    finally:
        client.request = original
    return names | set(client.cookies.keys())


def test_the_cookies_page_names_every_cookie_the_service_sets(client):
    page = client.get("/cookies")
    assert page.status_code == 200
    set_cookies = cookies_set_by_signing_in(client)
    assert set_cookies >= {"tracker_session", "tracker_challenge", "csrftoken"}
    for name in set_cookies:
        assert f"<code>{name}</code>" in page.text, name
    assert "30 minutes" in page.text and "12 hours" in page.text  # the session's limits
    assert "analytics" in page.text  # none: said so


def test_the_privacy_notice_says_whose_data_why_and_for_how_long(client):
    page = client.get("/privacy").text
    for words in (
        "staff",
        "named in",
        "photograph",
        "MoU ¶19",
        "2 years",
        "30 days",
        "Data Protection Officer",
    ):
        assert words in page, words


def test_help_says_how_to_get_help_and_report_a_problem(db, settings):
    from dataclasses import replace

    from litestar.testing import TestClient

    from tracker.app import create_app

    with TestClient(create_app(replace(settings, support_email="help@example.gov.uk"))) as client:
        page = client.get("/help", headers={"host": "testserver.local"}).text
    assert "Report a problem" in page and "mailto:help@example.gov.uk" in page
    assert "reference" in page


def test_every_page_has_the_footer_links_and_the_phase_banner(client):
    for path in ("/login", "/accessibility"):
        page = client.get(path).text
        footer = page.split('<footer class="govuk-template__footer"')[1]
        for href in ("/accessibility", "/cookies", "/privacy", "/help"):
            assert f'href="{href}"' in footer, (path, href)
        assert re.search(r"govuk-phase-banner.*?Beta", page, re.S), path
    make_user("sam", Role.HMPPS_SCRUTINY)
    sign_in(client, "sam")
    assert 'href="/privacy"' in client.get("/").text
