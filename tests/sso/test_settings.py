"""The identity providers come from the environment; a mistake stops the service starting."""

import json

import pytest

from tracker.roles import Role
from tracker.sso.config import load_providers

HMPPS_AUTH = {
    "name": "hmpps-auth",
    "label": "HMPPS Auth",
    "issuer": "https://sign-in.hmpps.service.justice.gov.uk/auth/issuer/",
    "client_id": "inspection-tracker",
    "provision": True,
    "roles_claim": "roles",
    "role_map": {"ROLE_SCRUTINY": "hmpps_scrutiny"},
}


def test_providers_are_read_with_the_secret_from_its_own_variable(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", json.dumps([HMPPS_AUTH]))
    monkeypatch.setenv("OIDC_HMPPS_AUTH_CLIENT_SECRET", "from-the-secret-store")

    (provider,) = load_providers()

    assert provider.issuer == "https://sign-in.hmpps.service.justice.gov.uk/auth/issuer"
    assert provider.client_secret == "from-the-secret-store"
    assert "from-the-secret-store" not in repr(provider)
    assert provider.roles_from({"roles": ["ROLE_SCRUTINY", "ROLE_OTHER"]}) == {Role.HMPPS_SCRUTINY}


def test_no_providers_by_default(monkeypatch):
    monkeypatch.delenv("OIDC_PROVIDERS", raising=False)
    assert load_providers() == ()


@pytest.mark.parametrize(
    "change",
    [{"role_map": {"X": "superuser"}}, {"name": "Not A Slug"}, {"issuer": ""}],
    ids=["unknown role", "bad name", "no issuer"],
)
def test_a_mistake_in_the_providers_stops_the_service(monkeypatch, change):
    monkeypatch.setenv("OIDC_PROVIDERS", json.dumps([{**HMPPS_AUTH, **change}]))
    with pytest.raises(RuntimeError):
        load_providers()
