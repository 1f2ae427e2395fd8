// A real OpenID provider for the tests (panva's oidc-provider), on loopback.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"port": 0, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//          "accounts": {"login": {"password": "...", "claims": {...}, "token": "tampered"}}}
// Prints "listening <issuer>" once it answers. Each account signs in on the provider's own page
// (Username, Password, "Sign in"); consent is implied, as for a first-party client.
//
// An account's "token" makes the provider's token endpoint hand out a bad ID token, for the
// tests of what the app must refuse:
//   tampered        the payload changed after signing (the signature no longer matches)
//   wrong_audience  properly signed, but for another client
//   expired         properly signed, but expired an hour ago
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as querystring from 'node:querystring';

import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK } from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
const signingKey = await importJWK(signingJwk, 'RS256');

// Consent is implied for this first-party client, native or not (the grant: loadExistingGrant).
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

const server = createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    application_type: 'native', // loopback redirect URIs on any port (RFC 8252): each test's server
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...client,
  })),
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-provider-cookie-key'] },
  conformIdTokenClaims: false, // the profile, email and roles claims in the ID token, as Entra ID does
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    roles: ['roles', 'establishments'],
  },
  scopes: ['openid', 'profile', 'email', 'roles'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><main><h1>Sign out of the test identity provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button></main></body></html>`;
      },
    },
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email roles');
    await grant.save();
    return grant;
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="off">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return querystring.parse(body);
}

// The provider's sign-in page: the provider redirects here, then resumes the authorisation.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const account = accounts[form.login];
  if (!account || account.password !== form.password) {
    ctx.type = 'html';
    ctx.body = loginPage(details.uid, 'Wrong username or password');
    return undefined;
  }
  return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: form.login } }, {
    mergeWithLastSubmission: false,
  });
});

async function resign(claims) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid }).sign(signingKey);
}

const spoil = {
  async tampered(idToken) {
    const [header, , signature] = idToken.split('.');
    const claims = { ...decodeJwt(idToken), name: 'Someone Else' };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${header}.${payload}.${signature}`;
  },
  async wrong_audience(idToken) {
    return resign({ ...decodeJwt(idToken), aud: 'another-service' });
  },
  async expired(idToken) {
    const now = Math.floor(Date.now() / 1000);
    return resign({ ...decodeJwt(idToken), iat: now - 7200, exp: now - 3600 });
  },
};

// After the token endpoint answers: spoil the ID token of the accounts that ask for it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body?.id_token) return;
  const how = accounts[decodeJwt(ctx.body.id_token).sub]?.token;
  if (how) ctx.body = { ...ctx.body, id_token: await spoil[how](ctx.body.id_token) };
});

server.on('request', provider.callback());
console.log(`listening ${issuer}`);
