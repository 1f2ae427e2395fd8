"""A real OpenID provider (the npm package oidc-provider) on loopback for the whole session, and
the app configured to sign in through it."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.support import make_settings
from tracker.roles import Role
from tracker.sso.config import OidcProvider

PROVIDER_SCRIPT = Path(__file__).resolve().parent.parent / "support_oidc" / "provider.mjs"
CLIENT_ID = "inspection-tracker"
CLIENT_SECRET = "test-client-secret-0123456789-abcdefghij"  # noqa: S105 - the test provider's
PROVIDER_PASSWORD = "provider-password-1"  # noqa: S105 - the test provider's accounts'
NAME = "test-idp"


def _account(name: str, roles: list[str], token: str | None = None, **more_claims) -> dict:
    claims = {
        "name": name.title() + " Example",
        "preferred_username": f"{name}.example",
        "email": f"{name}@example.gov.uk",
        "roles": roles,
        **more_claims,
    }
    return {"password": PROVIDER_PASSWORD, "claims": claims, **({"token": token} if token else {})}


ACCOUNTS = {
    "ada": _account("ada", ["INSPECTOR"]),
    "nora": _account("nora", []),
    "gill": _account("gill", ["GOVERNOR"], establishments=["LEI"]),
    "tamara": _account("tamara", ["INSPECTOR"], token="tampered"),
    "wanda": _account("wanda", ["INSPECTOR"], token="wrong_audience"),
    "ernest": _account("ernest", ["INSPECTOR"], token="expired"),
}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider's issuer URL, once it answers its discovery document."""
    config = tmp_path_factory.mktemp("oidc") / "provider.json"
    config.write_text(
        json.dumps(
            {
                "port": 0,
                "clients": [
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": [f"http://127.0.0.1/login/sso/{NAME}/callback"],
                        "post_logout_redirect_uris": ["http://127.0.0.1/signed-out"],
                    }
                ],
                "accounts": ACCOUNTS,
            }
        )
    )
    process = subprocess.Popen(  # noqa: S603 - our own script
        ["node", str(PROVIDER_SCRIPT), str(config)],  # noqa: S607
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        issuer = _wait_until_listening(process)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_listening(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    if not line.startswith("listening "):
        raise RuntimeError(f"the OpenID provider did not start: {line!r}")
    issuer = line.split()[1]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200:
                return issuer
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the OpenID provider did not answer its discovery document")


def provider_settings(issuer: str, **overrides) -> OidcProvider:
    values = dict(
        name=NAME,
        label="Test ID",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        provision=True,
        roles_claim="roles",
        role_map=(
            ("INSPECTOR", Role.HMIP_INSPECTOR),
            ("ADMIN", Role.ADMIN),
            ("GOVERNOR", Role.ESTABLISHMENT),
        ),
        establishments_claim="establishments",
        establishment_map=(("LEI", "HMP Leeds"),),
        scopes="openid profile email roles",
    )
    values.update(overrides)
    return OidcProvider(**values)


@pytest.fixture
def settings(database_url, oidc_provider):
    return make_settings(database_url, oidc_providers=(provider_settings(oidc_provider),))


def through_provider(http: httpx.Client, app_url: str, login: str, *, change_request=None) -> str:
    """Start signing in at the app, sign in at the provider's own page, and return the URL the
    provider sends the browser back to (the app's callback, with the code and the state). A
    person the provider knows already (its own session cookie) goes straight back.
    `change_request` may alter the authorisation request on its way to the provider."""
    started = http.get(f"{app_url}/login/sso/{NAME}")
    assert started.status_code == 302, started.text[:300]
    authorise = started.headers["location"]
    if change_request:
        authorise = change_request(authorise)
    response = http.get(authorise)
    if response.headers["location"].startswith(app_url):
        return response.headers["location"]  # signed in at the provider already: straight back
    interaction = urljoin(authorise, response.headers["location"])
    assert "Test identity provider" in http.get(interaction).text
    response = http.post(f"{interaction}/login", data={"login": login, "password": PROVIDER_PASSWORD})
    response = http.get(urljoin(authorise, response.headers["location"]))
    assert response.status_code in (302, 303), response.text[:300]
    return response.headers["location"]
