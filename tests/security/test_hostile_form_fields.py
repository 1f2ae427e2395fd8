"""K10 and K5 (HTML forms): a hostile `version` in a versioned form is a conflict, never a 500;
a NUL character in any field is never a 500 either (PostgreSQL cannot store one).

Every page with a versioned form (templates with name="version") is opened as the person who
uses it, with establishment A's ids; the form is sent back as the page filled it in (blank
choices and texts given a value) with the version replaced by a number beyond any integer column
(99999999999999999999), a digit isdigit() accepts but is not ASCII (Arabic-indic three), a
superscript two (isdigit() true, int() fails) and a negative number. Nothing is saved (no
redirect) and nothing fails: the writer gets the conflict page or the form again.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.security.world import build_world
from tests.support import post_form, sign_in
from tracker.clock import today_london

HOSTILE_VERSIONS = ["99999999999999999999", "\u0663", "\u00b2", "-1"]


class VersionedForm(HTMLParser):
    """The fields of the page's POST form that has a version, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "choices": {}}
        if self._form is None or "name" not in a and tag != "option":
            return
        fields, choices = self._form["fields"], self._form["choices"]
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            choices.setdefault(a["name"], a.get("value", "on"))
            if "checked" in a:
                fields[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            choices.setdefault(a["name"], "")
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def filled(page: str) -> tuple[str, dict]:
    """The versioned form's action and its fields, every blank choice and text given a value."""
    parser = VersionedForm()
    parser.feed(page)
    [form] = [f for f in parser.forms if "version" in f["fields"]]
    fields = {k: v for k, v in form["fields"].items() if k != "_csrf_token"}
    for name, value in form["choices"].items():
        fields.setdefault(name, value)
    today = today_london()
    parts = {"day": str(today.day), "month": str(today.month), "year": str(today.year)}
    for name, value in fields.items():
        if not value:
            fields[name] = parts.get(name.rsplit("-", 1)[-1], "Written by the test")
    return form["action"], fields


def versioned_pages(world) -> list[tuple[str, str]]:
    a = world.a
    fc, published = a.ids["inspection_id"]
    plan, rec, action = a.first("plan_id"), a.first("recommendation_id"), a.first("action_id")
    return [
        ("hmipmanager", f"/establishments/{a.establishment}/edit"),
        ("leader", f"/inspections/{fc}/edit"),
        ("leader", f"/inspections/{fc}/debrief"),
        ("leader", f"/inspections/{fc}/draft"),
        ("leader", f"/inspections/{fc}/factcheck/points/{a.first('point_id')}/answer"),
        ("scrutiny", f"/inspections/{fc}/factcheck/details"),
        ("scrutiny", f"/inspections/{fc}/data/{a.first('item_id')}/response"),
        ("scrutiny", f"/inspections/{fc}/photographs/{a.first('photo_id')}/response"),
        ("governora", f"/action-plans/{plan}/responses/{rec}"),
        ("governora", f"/action-plans/{plan}/actions/{action}"),
    ]


def test_a_hostile_version_is_a_conflict_not_a_server_error(client):
    world = build_world()
    problems = []
    for username, url in versioned_pages(world):
        client.cookies.clear()
        sign_in(client, username)
        page = client.get(url)
        assert page.status_code == 200, url
        action, fields = filled(page.text)
        for version in HOSTILE_VERSIONS:
            response = post_form(client, action or url, fields | {"version": version}, token_from=url)
            if response.status_code >= 500 or "Traceback" in response.text:
                problems.append(f"{url} version={version!r}: {response.status_code}")
            elif 300 <= response.status_code < 400:
                problems.append(f"{url} version={version!r}: saved ({response.status_code})")
    assert problems == [], "\n".join(problems)


def test_a_two_step_code_in_other_digits_is_a_wrong_code_not_a_500():
    """"٣".isdigit() is true: six of them once reached secrets.compare_digest, which refuses
    non-ASCII text with a TypeError."""
    import pyotp

    from tracker.twofactor import matching_step

    secret = pyotp.random_base32()
    for code in ("\u0663" * 6, "\u00b2" * 6, "\uff11" * 6):
        assert matching_step(secret, code, last_step=0) is None


def test_a_nul_in_any_text_field_of_a_form_is_not_a_server_error(client):
    """The same forms, sent with a NUL inside one free-text field at a time (the rest as the page
    filled them in, so the text is saved unless refused)."""
    world = build_world()
    problems, sent = [], 0
    for username, url in versioned_pages(world):
        client.cookies.clear()
        sign_in(client, username)
        texts = free_texts(client.get(url).text)
        for name in texts:
            action, fields = filled(client.get(url).text)  # the version as it is now
            response = post_form(client, action or url, fields | {name: f"NUL \x00 {name}"}, token_from=url)
            sent += 1
            if response.status_code >= 500 or "Traceback" in response.text:
                problems.append(f"{url} {name}: {response.status_code}")
    assert sent > 10
    assert problems == [], "\n".join(problems)


def free_texts(page: str) -> list[str]:
    """The fields of the versioned form a person types into (not choices, dates or hidden)."""
    parser = VersionedForm()
    parser.feed(page)
    [form] = [f for f in parser.forms if "version" in f["fields"]]
    hidden = set(HIDDEN.findall(page))
    return [
        name
        for name in form["fields"]
        if name not in form["choices"] and name not in hidden and name.rsplit("-", 1)[-1] not in DATE_PARTS
    ]


HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"')
DATE_PARTS = {"day", "month", "year"}
