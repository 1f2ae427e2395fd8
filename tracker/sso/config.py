"""The identity providers, from OIDC_PROVIDERS (a JSON list); each one's secret may come from
OIDC_<NAME>_CLIENT_SECRET instead, so it can live in a secret store apart from the rest."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from tracker.roles import Role

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class OidcProvider:
    name: str  # in the URLs: /login/sso/<name>
    label: str  # on the button: "Sign in with <label>"
    issuer: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    scopes: str = "openid profile email"
    # Where the provider sends the browser back; by default this service's own address + path.
    redirect_uri: str = ""
    # Unknown people: create a user (True) or refuse them (False: an administrator links them).
    provision: bool = False
    subject_claim: str = "sub"  # stable per person (Entra ID: "oid" is the same across apps)
    username_claim: str = "preferred_username"
    # Roles from a claim through the map (claim value -> role), set at every sign-in; without a
    # roles claim, roles are kept in the tracker and given by an administrator.
    roles_claim: str = ""
    role_map: tuple[tuple[str, Role], ...] = ()
    # Establishments from a claim: each value an establishment's full name, or mapped to one.
    establishments_claim: str = ""
    establishment_map: tuple[tuple[str, str], ...] = ()

    def roles_from(self, claims: dict) -> frozenset[Role]:
        mapping = dict(self.role_map)
        return frozenset(mapping[value] for value in _values(claims, self.roles_claim) if value in mapping)

    def establishments_from(self, claims: dict) -> list[str]:
        mapping = dict(self.establishment_map)
        return [mapping.get(value, value) for value in _values(claims, self.establishments_claim)]


def _values(claims: dict, name: str) -> list[str]:
    value = claims.get(name) if name else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _provider(entry: dict) -> OidcProvider:
    name = str(entry.get("name", ""))
    if not NAME.fullmatch(name):
        raise RuntimeError(f"OIDC_PROVIDERS: a provider's name is lower-case letters, digits and -: {name!r}")
    missing = [key for key in ("issuer", "client_id") if not entry.get(key)]
    if missing:
        raise RuntimeError(f"OIDC_PROVIDERS: {name} needs {', '.join(missing)}")
    secret_variable = f"OIDC_{name.upper().replace('-', '_')}_CLIENT_SECRET"
    unknown_roles = set(entry.get("role_map", {}).values()) - set(Role._value2member_map_)
    if unknown_roles:
        raise RuntimeError(f"OIDC_PROVIDERS: {name}'s role_map names unknown roles {sorted(unknown_roles)}")
    return OidcProvider(
        name=name,
        label=entry.get("label") or name,
        issuer=entry["issuer"].rstrip("/"),
        client_id=entry["client_id"],
        client_secret=os.environ.get(secret_variable) or entry.get("client_secret", ""),
        scopes=entry.get("scopes", OidcProvider.scopes),
        redirect_uri=entry.get("redirect_uri", ""),
        provision=bool(entry.get("provision", False)),
        subject_claim=entry.get("subject_claim", "sub"),
        username_claim=entry.get("username_claim", OidcProvider.username_claim),
        roles_claim=entry.get("roles_claim", ""),
        role_map=tuple((str(k), Role(v)) for k, v in entry.get("role_map", {}).items()),
        establishments_claim=entry.get("establishments_claim", ""),
        establishment_map=tuple((str(k), str(v)) for k, v in entry.get("establishment_map", {}).items()),
    )


def load_providers() -> tuple[OidcProvider, ...]:
    text = os.environ.get("OIDC_PROVIDERS", "").strip()
    if not text:
        return ()
    entries = json.loads(text)
    providers = tuple(_provider(entry) for entry in entries)
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise RuntimeError("OIDC_PROVIDERS: two providers have the same name")
    return providers
