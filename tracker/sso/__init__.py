"""Single sign-on through OpenID Connect (decision 0010): each configured identity provider is a
button on the sign-in page. `config` reads the providers from the environment, `protocol` speaks
OpenID Connect (authorisation code with PKCE, state and nonce; the ID token verified against the
provider's keys), `accounts` matches the person to a user (or provisions or refuses them) and
`web` holds the two pages of the round trip."""
