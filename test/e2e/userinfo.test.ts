import t from 'tap';
import { randomUUID } from 'node:crypto';
import { allowInsecureRequests, discovery, fetchUserInfo } from 'openid-client';
import { grantSessionToJson } from '../../src/oauth/grant-session.js';
import { resolveSubject } from '../../src/oidc/subject.js';
import { fixedClock } from '../../src/util/clock.js';
import { CLIENT_SECRET, startOidcServer } from '../helpers/oidc-fixtures.js';

type Server = Awaited<ReturnType<typeof startOidcServer>>;

const JOHN_CLAIMS = {
  groups: ['admins', 'dev'],
  email: 'john@example.com',
  email_verified: true,
  alt_emails: ['jdoe@example.org', 'j@example.net'],
  preferred_username: 'john',
  name: 'John Doe',
};

/** Seeds an access token as the token endpoint would store it; returns the token and its sub. */
async function seedAccessToken(
  server: Server,
  over: { clientId?: string; username?: string | null; scopes?: string[]; ttlMs?: number } = {},
): Promise<{ token: string; signature: string; subject: string | null }> {
  const ctx = server.app.context;
  const oidc = ctx.oidc!;
  const clientId = over.clientId ?? 'app';
  const username = over.username === undefined ? 'john' : over.username;
  const client = oidc.config.clients.find((c) => c.client_id === clientId)!;
  const subject = username === null ? null : await resolveSubject({ subjects: ctx.storage.subjects }, client, username);
  const scopes = over.scopes ?? ['openid', 'profile', 'email', 'groups'];
  const nowMs = ctx.clock.nowMs();
  const { token, signature } = oidc.tokens.generate('at');
  await ctx.storage.tokens.create('access_token', {
    signature,
    request_id: randomUUID(),
    client_id: clientId,
    subject,
    requested_at_ms: nowMs,
    expires_at_ms: nowMs + (over.ttlMs ?? 3_600_000),
    requested_scopes: scopes,
    granted_scopes: scopes,
    requested_audience: [],
    granted_audience: [],
    session: grantSessionToJson({ username, auth_time_s: Math.floor(nowMs / 1000), amr: ['pwd'], requested_at_s: Math.floor(nowMs / 1000) }),
  });
  return { token, signature, subject };
}

const bearer = (token: string, scheme = 'Bearer'): RequestInit => ({ headers: { Authorization: `${scheme} ${token}` } });
const form = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  body,
});

t.test('OIDC Core §5.3: UserInfo over the real server', async (t) => {
  const clock = fixedClock(Date.now());
  const server = await startOidcServer(t, { clock, oidc: { enable_client_debug_messages: true } });
  const endpoint = `${server.url}/api/oidc/userinfo`;
  const realm = `realm="${server.issuer}"`;

  t.test('§5.3.2: sub + the granted scope claims, fresh from the users file, with iss and aud', async (t) => {
    const { token, subject } = await seedAccessToken(server);
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await fetch(endpoint, bearer(token, scheme));
      t.equal(res.status, 200, `RFC 7235 §2.1: scheme '${scheme}' is case-insensitive`);
      t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      t.equal(res.headers.get('cache-control'), 'no-store');
      t.strictSame(await res.json(), { ...JOHN_CLAIMS, iss: server.issuer, aud: ['app'], sub: subject });
    }
  });

  t.test('RFC 6750 §2.2: the token in a POST form body', async (t) => {
    const { token, subject } = await seedAccessToken(server);
    const res = await fetch(endpoint, form(new URLSearchParams({ access_token: token }).toString()));
    t.equal(res.status, 200);
    t.match(await res.json(), { sub: subject, preferred_username: 'john' });
    const post = await fetch(endpoint, { method: 'POST', ...bearer(token) });
    t.equal(post.status, 200, 'POST with the header and no body');
  });

  t.test('only the granted scopes release claims', async (t) => {
    const { token, subject } = await seedAccessToken(server, { scopes: ['openid', 'profile'] });
    const res = await fetch(endpoint, bearer(token));
    t.strictSame(await res.json(), { preferred_username: 'john', name: 'John Doe', iss: server.issuer, aud: ['app'], sub: subject });
  });

  t.test('OIDC Core §8.1: a pairwise client sees its sector\'s sub, as in its ID Token', async (t) => {
    const publicToken = await seedAccessToken(server);
    const pairwise = await seedAccessToken(server, { clientId: 'pairwise-app' });
    const body = (await (await fetch(endpoint, bearer(pairwise.token))).json()) as Record<string, unknown>;
    t.equal(body['sub'], pairwise.subject);
    t.not(body['sub'], publicToken.subject);
    t.strictSame(body['aud'], ['pairwise-app']);
    t.strictSame(await server.app.context.storage.subjects.findByIdentifier(String(body['sub'])), { service: 'openid', sector_id: 'sector.example.com', username: 'john' });
  });

  t.test('RFC 6750 §3.1: no credentials → 401 with a bare challenge and no error code', async (t) => {
    const cases: Array<[string, RequestInit]> = [
      ['no Authorization header', {}],
      ['another scheme (Basic)', { headers: { Authorization: 'Basic YXBwOnNlY3JldA==' } }],
      ['the query parameter method is not supported (RFC 6750 §2.3)', {}],
      ['a POST form without access_token', form('foo=bar')],
      ['a POST body that is not a form', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"access_token":"x"}' }],
    ];
    for (const [rule, init] of cases) {
      const url = rule.startsWith('the query') ? `${endpoint}?access_token=whatever` : endpoint;
      const res = await fetch(url, init);
      t.equal(res.status, 401, rule);
      t.equal(res.headers.get('www-authenticate'), `Bearer ${realm}`, rule);
      t.equal(await res.text(), '', `${rule}: empty body`);
    }
  });

  t.test('RFC 6750 §3.1 invalid_request: malformed, repeated or doubly-sent tokens → 400', async (t) => {
    const { token } = await seedAccessToken(server);
    const cases: Array<[string, RequestInit, string]> = [
      ['Bearer without a token', { headers: { Authorization: 'Bearer' } }, 'The Authorization header is not a valid Bearer credential.'],
      ['Bearer with two tokens', { headers: { Authorization: `Bearer ${token} ${token}` } }, 'The Authorization header is not a valid Bearer credential.'],
      ['§2: header and body together', form(`access_token=${token}`, { Authorization: `Bearer ${token}` }), 'The access token must be sent in exactly one way: the Authorization header or the form body.'],
      ['access_token repeated', form(`access_token=${token}&access_token=${token}`), "The parameter 'access_token' must not be repeated."],
      ['access_token empty', form('access_token='), "The parameter 'access_token' is empty."],
    ];
    for (const [rule, init, description] of cases) {
      const res = await fetch(endpoint, init);
      t.equal(res.status, 400, rule);
      t.equal(res.headers.get('www-authenticate'), `Bearer ${realm}, error="invalid_request", error_description="${description.replace(/"/g, '\\"')}"`, rule);
      t.strictSame(await res.json(), { error: 'invalid_request', error_description: description }, rule);
    }
  });

  t.test('RFC 6750 §3.1 invalid_token: unknown, forged, expired, revoked → 401', async (t) => {
    const expected = 'The access token is invalid, expired or revoked.';
    const challenge = `Bearer ${realm}, error="invalid_token", error_description="${expected}"`;
    const valid = await seedAccessToken(server);
    const expiring = await seedAccessToken(server, { ttlMs: 1000 });
    const revoked = await seedAccessToken(server);
    await server.app.context.storage.tokens.revoke('access_token', revoked.signature);
    clock.advance(1000);
    const forged = `${valid.token.slice(0, -3)}${valid.token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const rows: Array<[string, string]> = [
      ['not one of our tokens', 'not-a-token'],
      ['HMAC does not match (forged)', forged],
      ['a token of another kind', server.app.context.oidc!.tokens.generate('rt').token],
      ['well-formed but never stored', server.app.context.oidc!.tokens.generate('at').token],
      ['expired at its expires_at (fixed clock)', expiring.token],
      ['revoked', revoked.token],
    ];
    for (const [rule, token] of rows) {
      const res = await fetch(endpoint, bearer(token));
      t.equal(res.status, 401, rule);
      t.equal(res.headers.get('www-authenticate'), challenge, rule);
      t.strictSame(await res.json(), { error: 'invalid_token', error_description: expected }, rule);
    }
    t.equal((await fetch(endpoint, bearer(valid.token))).status, 200, 'an active token still answers');
  });

  t.test('OIDC Core §5.3.1: a token without openid → 403 insufficient_scope with scope="openid"', async (t) => {
    const { token } = await seedAccessToken(server, { scopes: ['profile', 'email'] });
    const res = await fetch(endpoint, bearer(token));
    t.equal(res.status, 403);
    t.equal(res.headers.get('www-authenticate'), `Bearer ${realm}, error="insufficient_scope", error_description="The access token was not granted the scope 'openid'.", scope="openid"`);
    t.strictSame(await res.json(), { error: 'insufficient_scope', error_description: "The access token was not granted the scope 'openid'." });
  });

  t.test('a user deleted or disabled since the grant → 401 invalid_token', async (t) => {
    const description = 'The user of the access token no longer exists or is disabled.';
    for (const [rule, username] of [['disabled', 'gone'], ['deleted', 'nobody'], ['no person (client_credentials)', null]] as const) {
      const { token } = await seedAccessToken(server, { username });
      const res = await fetch(endpoint, bearer(token));
      t.equal(res.status, 401, rule);
      t.equal(res.headers.get('www-authenticate'), `Bearer ${realm}, error="invalid_token", error_description="${description}"`, rule);
      t.strictSame(await res.json(), { error: 'invalid_token', error_description: description }, rule);
    }
  });

  t.test('openid-client v6 fetchUserInfo() against the discovered endpoint', async (t) => {
    const config = await discovery(new URL(server.issuer), 'app', CLIENT_SECRET, undefined, { execute: [allowInsecureRequests] });
    const { token, subject } = await seedAccessToken(server);
    const claims = await fetchUserInfo(config, token, subject!);
    t.match(claims, { ...JOHN_CLAIMS, sub: subject });
    const mismatch = await fetchUserInfo(config, token, 'another-subject').then(() => null, (e: unknown) => e);
    t.match(mismatch, { code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON', cause: { cause: { attribute: 'sub', expected: 'another-subject' } } }, 'OIDC Core §5.3.4: the client checks sub');
    const unknown = server.app.context.oidc!.tokens.generate('at').token;
    const refused = await fetchUserInfo(config, unknown, subject!).then(() => null, (e: unknown) => e);
    t.match(refused, {
      status: 401,
      cause: [{ scheme: 'bearer', parameters: { realm: server.issuer, error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' } }],
    }, 'the client parses our challenge');
  });
});

t.test('enable_client_debug_messages off (the default): the challenge and the body still say why (RFC 6750 §3, issue #12 item 9)', async (t) => {
  const server = await startOidcServer(t);
  const res = await fetch(`${server.url}/api/oidc/userinfo`, bearer('not-a-token'));
  t.equal(res.status, 401);
  t.equal(res.headers.get('www-authenticate'), `Bearer realm="${server.issuer}", error="invalid_token", error_description="The access token is invalid, expired or revoked."`);
  t.strictSame(await res.json(), { error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
  const scope = await seedAccessToken(server, { scopes: ['profile'] });
  const forbidden = await fetch(`${server.url}/api/oidc/userinfo`, bearer(scope.token));
  t.equal(forbidden.headers.get('www-authenticate'), `Bearer realm="${server.issuer}", error="insufficient_scope", error_description="The access token was not granted the scope 'openid'.", scope="openid"`);
});
