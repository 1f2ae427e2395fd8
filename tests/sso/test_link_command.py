"""`tracker sso link`: an administrator links an existing user to their identity at a provider
(for providers that do not provision), and the link is audited."""

import json

from click.testing import CliRunner

from tests.support import audit_rows, make_user, run

PROVIDERS = json.dumps([{"name": "hmpps-auth", "issuer": "https://auth.example", "client_id": "tracker"}])


def _tracker(database_url, *args):
    from tracker.cli import main

    env = {"DATABASE_URL": database_url, "TRACKER_ENV": "local", "OIDC_PROVIDERS": PROVIDERS}
    return CliRunner().invoke(main, ["sso", *args], env=env)


def test_a_user_is_linked_to_their_subject_once(db, database_url):
    from tracker.roles import Role
    from tracker.sso.tables import SsoIdentity

    user_id = make_user("sam", Role.HMPPS_SCRUTINY)

    linked = _tracker(database_url, "link", "sam", "--provider", "hmpps-auth", "--subject", "S-123")
    again = _tracker(database_url, "link", "sam", "--provider", "hmpps-auth", "--subject", "S-123")

    assert linked.exit_code == 0, linked.output
    rows = run(SsoIdentity.select(SsoIdentity.user).where(SsoIdentity.subject == "S-123"))
    assert rows == [{"user": user_id}]
    assert again.exit_code != 0 and "already linked" in again.output
    assert audit_rows("user.sso_link")[-1]["detail"] == "hmpps-auth"


def test_only_a_configured_provider(db, database_url):
    from tracker.roles import Role

    make_user("sam", Role.HMPPS_SCRUTINY)
    result = _tracker(database_url, "link", "sam", "--provider", "entra", "--subject", "S-1")
    assert result.exit_code != 0 and "No identity provider called 'entra'" in result.output
