"""OpenID Connect, the authorisation code flow: the request (with PKCE, state and nonce, built
with authlib), the code exchanged for tokens at the provider's token endpoint, and the ID token
verified with pyjwt against the provider's published keys (JWKS): signature, issuer, audience,
expiry and the nonce this browser was given. Nothing here trusts what the browser brings back
except through these checks."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tracker.sso.config import OidcProvider

# Asymmetric algorithms only: never "none", never an HMAC keyed with the client secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY_SECONDS = 60  # clocks differ a little between us and the provider
HTTP_TIMEOUT = httpx.Timeout(10.0)
DISCOVERY_TTL = 3600.0


class NotVerified(Exception):
    """The provider's answer failed a check; the message names which (never a token). `kind`
    says what the person is told: "attempt" (not this browser's sign-in, or too old),
    "cancelled" (they stopped at the provider) or "unverified" (the answer failed a check)."""

    def __init__(self, message: str, kind: str = "unverified") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Attempt:
    """What this browser must bring back, kept (encrypted) in a cookie between the two legs."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    next_path: str


_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, jwt.PyJWKSet] = {}


async def _get_json(url: str) -> dict:
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        return response.json()


async def discovery(provider: OidcProvider) -> dict:
    """The provider's metadata (endpoints, keys' address), kept for an hour."""
    cached = _discovery.get(provider.issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    document = await _get_json(f"{provider.issuer}/.well-known/openid-configuration")
    if document.get("issuer", "").rstrip("/") != provider.issuer:
        raise NotVerified("the discovery document names another issuer")
    _discovery[provider.issuer] = (time.monotonic(), document)
    return document


def new_attempt(provider: OidcProvider, next_path: str) -> Attempt:
    return Attempt(provider.name, generate_token(43), generate_token(43), generate_token(64), next_path)


async def authorisation_url(provider: OidcProvider, attempt: Attempt, redirect_uri: str) -> str:
    document = await discovery(provider)
    return prepare_grant_uri(
        document["authorization_endpoint"],
        provider.client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=provider.scopes,
        state=attempt.state,
        nonce=attempt.nonce,
        code_challenge=create_s256_code_challenge(attempt.code_verifier),
        code_challenge_method="S256",
    )


def check_response(provider: OidcProvider, attempt: Attempt, params: dict, document: dict) -> str:
    """The authorisation response: this browser's state, the issuer it claims (RFC 9207, when
    the provider sends it) and a code. Returns the code."""
    if not hmac.compare_digest(params.get("state", ""), attempt.state):
        raise NotVerified("state mismatch", "attempt")
    issuer = params.get("iss")
    if issuer is None and document.get("authorization_response_iss_parameter_supported"):
        raise NotVerified("the response names no issuer")
    if issuer is not None and issuer.rstrip("/") != provider.issuer:
        raise NotVerified("the response names another issuer")
    if params.get("error") == "access_denied":
        raise NotVerified("the person stopped at the provider", "cancelled")
    if not params.get("code"):
        raise NotVerified(f"no code: {params.get('error', 'none given')}"[:100])
    return params["code"]


async def exchange_code(provider: OidcProvider, attempt: Attempt, code: str, redirect_uri: str) -> str:
    """The code and the PKCE verifier for tokens, at the token endpoint. Returns the ID token."""
    document = await discovery(provider)
    body = prepare_token_request(
        "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=attempt.code_verifier
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    url, headers, body = ClientAuth(provider.client_id, provider.client_secret).prepare(
        "POST", document["token_endpoint"], headers, body
    )
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
        response = await client.post(url, content=body, headers=headers)
    if response.status_code != 200:
        raise NotVerified(f"the token endpoint answered {response.status_code}")
    id_token = response.json().get("id_token")
    if not isinstance(id_token, str):
        raise NotVerified("the token endpoint gave no ID token")
    return id_token


async def _signing_key(provider: OidcProvider, id_token: str) -> jwt.PyJWK:
    """The key the token names, from the provider's JWKS; fetched again once for a key not seen
    before (the provider rotated its keys)."""
    try:
        kid = jwt.get_unverified_header(id_token).get("kid")
    except jwt.PyJWTError as error:
        raise NotVerified(f"not a JWT: {type(error).__name__}") from error
    document = await discovery(provider)
    for fresh in (False, True):
        if fresh or document["jwks_uri"] not in _keys:
            _keys[document["jwks_uri"]] = jwt.PyJWKSet.from_dict(await _get_json(document["jwks_uri"]))
        keys = _keys[document["jwks_uri"]].keys
        matching = [key for key in keys if kid is None or key.key_id == kid]
        if len(matching) == 1 or (matching and kid is not None):
            return matching[0]
    raise NotVerified("the ID token is signed with a key the provider does not publish")


async def verified_claims(provider: OidcProvider, attempt: Attempt, id_token: str) -> dict:
    key = await _signing_key(provider, id_token)
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=ALGORITHMS,
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.PyJWTError as error:
        raise NotVerified(f"ID token refused: {type(error).__name__}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise NotVerified("ID token refused: issued to another party (azp)")
    if not hmac.compare_digest(str(claims["nonce"]), attempt.nonce):
        raise NotVerified("ID token refused: nonce mismatch")
    return claims


async def sign_in(provider: OidcProvider, attempt: Attempt, params: dict, redirect_uri: str) -> dict:
    """The whole return leg: check the response, exchange the code, verify the ID token."""
    try:
        document = await discovery(provider)
        code = check_response(provider, attempt, params, document)
        id_token = await exchange_code(provider, attempt, code, redirect_uri)
        return await verified_claims(provider, attempt, id_token)
    except (httpx.HTTPError, jwt.PyJWTError, ValueError, KeyError) as error:  # unreachable, not JSON, no keys
        raise NotVerified(f"the provider's answer could not be used: {type(error).__name__}") from error
