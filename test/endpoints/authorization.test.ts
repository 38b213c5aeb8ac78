/**
 * The authorization endpoint's front-channel rules in process (issue #19): a request object in,
 * the answer out, through the server's own dispatch (test/helpers/in-process.ts). Which errors are
 * shown and which go to the client, `iss` on every response, the portal for sign-in, PKCE. The
 * response modes are in response-modes.test.ts; the flows through a browser and a relying party
 * stay in test/e2e (authorization-code-flow, response-types, request-objects, portal-redirect).
 */
import t, { type Test } from 'tap';
import { ISSUER, T0_MS } from '../helpers/in-process.js';
import {
  alertOf,
  AUTHORIZATION_PATH,
  authorizationQuery,
  authorize,
  CALLBACK,
  delivered,
  NONCE,
  pageHeaders,
  redirectHeaders,
  startAuthorization,
  STATE,
  TENANT_CALLBACK,
} from './authorization-setup.js';

const T0_S = T0_MS / 1000;
/** The error page's message for a redirect URI `app` did not register (`uri` as written, escaped). */
const notRegistered = (uri: string): string => `The redirect URI &#39;${uri}&#39; is not registered for the client &#39;app&#39;. (invalid_request)`;
const S256_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 Appendix B

t.test('RFC 6749 §4.1.2.1: a missing or unknown client, or a missing or unregistered redirect_uri → an error page, never a redirect', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const cases: Array<{ rule: string; params: Record<string, string | null>; alert: string }> = [
    { rule: 'unknown client_id', params: { client_id: 'nobody' }, alert: 'No client is registered with the id &#39;nobody&#39;. (invalid_client)' },
    { rule: 'missing client_id', params: { client_id: null }, alert: 'The &#39;client_id&#39; parameter is missing. (invalid_request)' },
    { rule: 'missing redirect_uri', params: { redirect_uri: null }, alert: 'The &#39;redirect_uri&#39; parameter is missing. (invalid_request)' },
    { rule: 'unregistered redirect_uri', params: { redirect_uri: 'http://localhost:8080/evil' }, alert: notRegistered('http://localhost:8080/evil') },
    { rule: 'RFC 9700 §4.1.3: compared exactly, case included', params: { redirect_uri: 'http://localhost:8080/Callback' }, alert: notRegistered('http://localhost:8080/Callback') },
    { rule: "RFC 9700 §4.1.3: a registered URI's query is part of it", params: { redirect_uri: 'https://app.example.com/cb' }, alert: notRegistered('https://app.example.com/cb') },
    {
      rule: 'the echoed redirect URI is escaped',
      params: { redirect_uri: 'https://app.example.com/cb"><script>alert(1)</script>' },
      alert: notRegistered('https://app.example.com/cb&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'),
    },
  ];
  for (const { rule, params, alert } of cases) {
    // Signed in, with and without prompt=none: nothing makes an untrusted destination a redirect.
    for (const extra of [{}, { prompt: 'none' }] as Array<Record<string, string>>) {
      const name = `${rule}${'prompt' in extra ? ' (prompt=none)' : ''}`;
      const answer = await authorize(app, { ...params, ...extra }, cookie);
      t.equal(answer.status, 400, `${name}: 400`);
      t.strictSame(answer.headers, pageHeaders(answer.body), `${name}: the portal's page headers (no-store, its CSP), no Location`);
      t.equal(alertOf(answer.body), alert, `${name}: the error, escaped`);
      t.notMatch(answer.body, /<script|<form|http-equiv/i, `${name}: nothing on the page takes the browser anywhere`);
    }
  }

  const repeated = await app.send({ url: `${AUTHORIZATION_PATH}?${authorizationQuery()}&client_id=app`, headers: { cookie } });
  t.equal(repeated.status, 400, 'RFC 6749 §3.1: a repeated parameter → 400');
  t.equal(alertOf(repeated.body), 'The &#39;client_id&#39; parameter must not be included more than once. (invalid_request)', 'shown, not redirected: which client_id would it trust?');
  t.equal(repeated.headers['location'], undefined);
});

t.test('RFC 6749 §4.1.2.1 with RFC 9207 §2: once the redirect URI is trusted, errors go to it with error, error_description, state and iss', async (t) => {
  const app = await startAuthorization(t);
  const scope = await authorize(app, { scope: 'openid admin' });
  const expected = `${CALLBACK}?error=invalid_scope&error_description=The+scope+%27admin%27+is+not+registered+for+the+client.&state=${STATE}&iss=https%3A%2F%2Fauth.example.com`;
  t.equal(scope.status, 302, 'a 302 (RFC 6749 §4.1.2.1)');
  t.strictSame(scope.headers, redirectHeaders(expected), 'Location exactly, Cache-Control: no-store, the security headers');
  t.equal(scope.body, '');

  const noState = delivered(await authorize(app, { scope: 'openid admin', state: null }));
  t.strictSame([...noState.params], [['error', 'invalid_scope'], ['error_description', "The scope 'admin' is not registered for the client."], ['iss', ISSUER]], 'no state sent, none returned');

  const tenant = await authorize(app, { scope: 'openid admin', redirect_uri: TENANT_CALLBACK });
  t.equal(
    tenant.headers['location'],
    `${TENANT_CALLBACK}&error=invalid_scope&error_description=The+scope+%27admin%27+is+not+registered+for+the+client.&state=${STATE}&iss=https%3A%2F%2Fauth.example.com`,
    "RFC 6749 §3.1.2: the redirect URI's own query is kept, the response appended",
  );

  const entropy = delivered(await authorize(app, { state: 'short' }));
  t.strictSame(
    Object.fromEntries(entropy.params),
    { error: 'invalid_request', error_description: "The 'state' parameter must be at least 8 characters long.", state: 'short', iss: ISSUER },
    'minimum_parameter_entropy: refused at the client, the state echoed back',
  );
});

t.test('RFC 6749 §4.1.2.1: an unknown response_type → unsupported_response_type; a known one the client lacks → unauthorized_client', async (t) => {
  const app = await startAuthorization(t);
  const cases: Array<{ rule: string; params: Record<string, string | null>; to: string; delivery: 'query' | 'fragment'; error: string; description: string }> = [
    { rule: 'a type nobody knows', params: { response_type: 'code device' }, to: CALLBACK, delivery: 'query', error: 'unsupported_response_type', description: "The response type 'code device' is not supported." },
    { rule: 'no type at all', params: { response_type: null }, to: CALLBACK, delivery: 'query', error: 'invalid_request', description: "The 'response_type' parameter is missing." },
    {
      rule: "a type the client did not register (plain-app: the schema's default, code)",
      params: { client_id: 'plain-app', scope: 'openid', response_type: 'id_token', nonce: NONCE },
      to: CALLBACK,
      delivery: 'fragment',
      error: 'unauthorized_client',
      description: "The client is not registered for the response type 'id_token'.",
    },
  ];
  for (const { rule, params, to, delivery, error, description } of cases) {
    const answer = await authorize(app, params);
    t.equal(answer.status, 302, `${rule}: to the client`);
    t.strictSame(delivered(answer), { to, delivery, params: new URLSearchParams({ error, error_description: description, state: STATE, iss: ISSUER }) }, `${rule}: ${error}`);
  }
});

t.test('RFC 7636 §4.4.1: a public client without code_challenge → invalid_request at the redirect URI; plain refused; S256 gets the code', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const spa = { client_id: 'spa', scope: 'openid' };
  const missing = delivered(await authorize(app, spa, cookie));
  t.strictSame(
    Object.fromEntries(missing.params),
    { error: 'invalid_request', error_description: 'This client must use PKCE: the code_challenge parameter is required.', state: STATE, iss: ISSUER },
    'signed in or not, no code without a challenge (enforce_pkce: public_clients_only)',
  );
  const plain = delivered(await authorize(app, { ...spa, code_challenge: S256_CHALLENGE, code_challenge_method: 'plain' }, cookie));
  t.equal(plain.params.get('error_description'), "The 'plain' code challenge method is not allowed: use S256.", 'RFC 7636 §4.2 plain, off unless enable_pkce_plain_challenge');
  const methodOnly = delivered(await authorize(app, { ...spa, code_challenge_method: 'S256' }, cookie));
  t.equal(methodOnly.params.get('error_description'), "'code_challenge_method' was sent without a 'code_challenge'.");

  const s256 = delivered(await authorize(app, { ...spa, code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' }, cookie));
  t.strictSame([...s256.params.keys()], ['code', 'state', 'iss'], 'S256: the code');
  const confidential = delivered(await authorize(app, {}, cookie));
  t.strictSame([...confidential.params.keys()], ['code', 'state', 'iss'], 'a confidential client may go without PKCE under public_clients_only');
});

t.test('OIDC Core §3.1.2.1 prompt=none (§3.1.2.6): nobody signed in → login_required to the client, never the portal', async (t) => {
  const app = await startAuthorization(t);
  const answer = await authorize(app, { prompt: 'none' });
  t.equal(answer.status, 302);
  t.strictSame(answer.headers, redirectHeaders(`${CALLBACK}?error=login_required&error_description=The+person+is+not+signed+in.&state=${STATE}&iss=https%3A%2F%2Fauth.example.com`));
  const signedIn = delivered(await authorize(app, { prompt: 'none' }, await app.sessionCookie('john')));
  t.strictSame([...signedIn.params.keys()], ['code', 'state', 'iss'], 'signed in: prompt=none answers with the code at once');
  const both = delivered(await authorize(app, { prompt: 'none login' }));
  t.equal(both.params.get('error'), 'invalid_request', 'OIDC Core §3.1.2.1: none with another value is an error');
});

/** The portal's redirect: Location `/?rd=…[&reauth=1]` and the CSRF cookie; `rd` leads back to the interaction alone. */
function portalRedirect(t: Test, answer: Awaited<ReturnType<typeof authorize>>, reauth: boolean): string {
  t.equal(answer.status, 302, 'to the portal');
  const location = new URL(String(answer.headers['location']), ISSUER);
  t.equal(location.origin + location.pathname, `${ISSUER}/`, 'the sign-in page, a relative Location');
  t.strictSame([...location.searchParams.keys()], reauth ? ['rd', 'reauth'] : ['rd']);
  if (reauth) t.equal(location.searchParams.get('reauth'), '1');
  const rd = new URL(location.searchParams.get('rd')!, ISSUER);
  t.equal(rd.pathname, AUTHORIZATION_PATH, 'rd: back to the authorization endpoint');
  t.match([...rd.searchParams], [['interaction', /^[A-Za-z0-9_-]{43}$/]], 'rd carries the interaction id alone (256 bits), not the request');
  t.strictSame({ ...answer.headers, 'set-cookie': undefined }, { ...redirectHeaders(String(answer.headers['location'])), 'set-cookie': undefined });
  t.match(answer.headers['set-cookie'], [/^__Host-gatehouse_csrf=[A-Za-z0-9_-]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/], 'the CSRF cookie for the sign-in form');
  return rd.pathname + rd.search;
}

t.test('OIDC Core §3.1.2.3: nobody signed in → the portal; back from it signed in, the interaction answers with the code', async (t) => {
  const app = await startAuthorization(t);
  const rd = portalRedirect(t, await authorize(app), false);
  const back = delivered(await app.send({ url: rd, headers: { cookie: await app.sessionCookie('john') } }));
  t.equal(back.to, CALLBACK);
  t.strictSame([...back.params.keys()], ['code', 'state', 'iss'], 'the stored request is answered');
  t.equal(back.params.get('state'), STATE);
  const again = await app.send({ url: rd, headers: { accept: 'text/html', cookie: await app.sessionCookie('john') } });
  t.equal(again.status, 400, 'answered: the interaction id leads nowhere any more');
  t.equal(again.headers['location'], undefined);
});

t.test('OIDC Core §3.1.2.1 prompt=login and max_age → the portal with reauth=1 despite a session; a sign-in recent enough gets the code', async (t) => {
  const app = await startAuthorization(t);
  const twoMinutesAgo = await app.sessionCookie('john', { auth_time_s: T0_S - 120 });
  const rd = portalRedirect(t, await authorize(app, { prompt: 'login' }, twoMinutesAgo), true);
  portalRedirect(t, await authorize(app, { max_age: '60' }, twoMinutesAgo), true);
  portalRedirect(t, await authorize(app, { max_age: '0' }, await app.sessionCookie('john')), true);
  t.strictSame([...delivered(await authorize(app, { max_age: '600' }, twoMinutesAgo)).params.keys()], ['code', 'state', 'iss'], 'max_age=600: a sign-in two minutes ago is enough');

  app.clock.advance(30_000);
  const stale = await app.send({ url: rd, headers: { cookie: twoMinutesAgo } });
  t.match(stale.headers['location'], /^\/\?rd=.*&reauth=1$/, 'back with the old session: prompt=login is still unanswered');
  const fresh = delivered(await app.send({ url: rd, headers: { cookie: await app.sessionCookie('john') } }));
  t.strictSame([...fresh.params.keys()], ['code', 'state', 'iss'], 'a sign-in after the request satisfies prompt=login');
});

t.test('RFC 9207 §2: iss in every authorization response, success or error, in every delivery', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const cases: Array<{ name: string; params: Record<string, string>; signedIn: boolean; delivery: 'query' | 'fragment' | 'form_post'; first: string }> = [
    { name: 'code, query', params: {}, signedIn: true, delivery: 'query', first: 'code' },
    { name: 'token, fragment', params: { response_type: 'token' }, signedIn: true, delivery: 'fragment', first: 'access_token' },
    { name: 'code id_token, form_post', params: { response_type: 'code id_token', nonce: NONCE, response_mode: 'form_post' }, signedIn: true, delivery: 'form_post', first: 'code' },
    { name: 'login_required, query', params: { prompt: 'none' }, signedIn: false, delivery: 'query', first: 'error' },
    { name: 'login_required, fragment', params: { prompt: 'none', response_type: 'id_token', nonce: NONCE }, signedIn: false, delivery: 'fragment', first: 'error' },
    { name: 'login_required, form_post', params: { prompt: 'none', response_mode: 'form_post' }, signedIn: false, delivery: 'form_post', first: 'error' },
  ];
  for (const { name, params, signedIn, delivery, first } of cases) {
    const answer = delivered(await authorize(app, params, signedIn ? cookie : undefined));
    t.equal(answer.delivery, delivery, `${name}: delivered by ${delivery}`);
    t.equal([...answer.params.keys()][0], first, `${name}: ${first}`);
    t.equal(answer.params.getAll('iss').join(), ISSUER, `${name}: iss once, the issuer`);
  }
});

t.test('RFC 6749 §3.1 / OIDC Core §3.1.2.1: POST with a form body is the same request; other bodies and methods are refused by the HTTP layer', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const form = { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' };
  const posted = await app.send({ method: 'POST', url: AUTHORIZATION_PATH, headers: form, body: authorizationQuery() });
  t.equal(posted.status, 302, 'POST: a 302 (RFC 9110 §15.4.3), like GET');
  t.strictSame([...delivered(posted).params.keys()], ['code', 'state', 'iss']);

  const json = await app.send({ method: 'POST', url: AUTHORIZATION_PATH, headers: { ...form, 'content-type': 'application/json' }, body: '{}' });
  t.equal(json.status, 415, 'RFC 9110 §15.5.16: only a form body');
  t.strictSame(json.headers, pageHeaders(json.body), 'as a page (the route renders errors as pages)');
  t.equal(alertOf(json.body), 'Unsupported Media Type: expected application/x-www-form-urlencoded');

  const huge = await app.send({ method: 'POST', url: AUTHORIZATION_PATH, headers: form, body: `${authorizationQuery()}&pad=${'x'.repeat(app.context.config.server.max_body_bytes)}` });
  t.equal(huge.status, 413, 'server.max_body_bytes');

  const put = await app.send({ method: 'PUT', url: `${AUTHORIZATION_PATH}?${authorizationQuery()}` });
  t.equal(put.status, 405);
  t.strictSame(put.headers, pageHeaders(put.body, { allow: 'GET, POST, HEAD' }), 'RFC 9110 §15.5.6: Allow');
});
