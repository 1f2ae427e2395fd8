"""The weekly email: chosen on the account page; on Monday a manager's covers their whole area
(overdue, due this week, at risk), sent once; the daily digest stops for them."""

from datetime import date

from click.testing import CliRunner

from tests.support import post_form, sign_in
from tests.timelines_web.helpers import build_world

MONDAY = date(2025, 3, 24)


def _remind(day: date) -> str:
    from timelines.jobs import remind

    result = CliRunner().invoke(remind, ["--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _choose(client, username: str, choice: str):
    client.cookies.clear()
    sign_in(client, username)
    return post_form(client, "/account/emails", {"digest": choice}, token_from="/account/emails")


def test_a_person_chooses_their_reminder_emails_and_sees_every_error(client, today):
    build_world(emails=True)
    sign_in(client, "yorks")
    page = client.get("/account/emails").text
    assert "How often do you want reminder emails?" in page and 'value="daily" checked' in page
    bad = post_form(client, "/account/emails", {}, token_from="/account/emails")
    assert bad.status_code == 400 and "Select how often you want reminder emails" in bad.text
    assert "govuk-error-summary" in bad.text
    saved = post_form(client, "/account/emails", {"digest": "weekly"}, token_from="/account/emails")
    assert saved.status_code in (302, 303)
    assert 'value="weekly" checked' in client.get("/account/emails").text


def test_on_monday_managers_get_their_areas_week_once_and_no_daily_digest(client, today, smtp):
    build_world(emails=True)
    for username in ("yorks", "boss"):
        assert _choose(client, username, "weekly").status_code in (302, 303)
    output = _remind(MONDAY)
    weekly = {m["to"][0].split("@")[0]: m for m in smtp.messages if "week of" in m["subject"]}
    assert set(weekly) == {"yorks", "boss"}, output
    yorks = weekly["yorks"]
    subject = " ".join(yorks["subject"].split())  # a long header arrives folded
    assert subject.startswith("Inspection deadlines, week of 24 March 2025")
    # the area, not only what the manager owns: the Scrutiny Team's fact check due on Tuesday
    assert "establishments in Yorkshire" in yorks["body"]
    assert "HMP Example: Fact check returned to HMIP, due 25 March 2025" in yorks["body"]
    overdue = yorks["body"].split("Overdue (", 1)[1].split("Due this week", 1)[0]
    assert "HMP Leeds: Action plan in place and available" in overdue
    assert "Pentonville" not in yorks["body"]  # London, not Yorkshire
    assert "HMP Pentonville" in weekly["boss"]["body"]
    daily = {m["to"][0].split("@")[0] for m in smtp.messages if "week of" not in m["subject"]}
    assert not daily & {"yorks", "boss"}
    count = len(smtp.messages)
    assert "0 weekly email(s)" in _remind(MONDAY)
    assert len(smtp.messages) == count


def test_no_weekly_email_on_other_days(client, today, smtp):
    build_world(emails=True)
    _choose(client, "boss", "weekly")
    output = _remind(date(2025, 3, 25))
    assert "0 weekly email(s)" in output
    assert not [m for m in smtp.messages if "week of" in m["subject"]]


def test_none_means_no_reminder_emails(client, today, smtp):
    build_world(emails=True)
    _choose(client, "sam", "none")
    _remind(MONDAY)
    assert not [m for m in smtp.messages if m["to"][0].startswith("sam@")]
