/**
 * The authorization endpoint's response modes in process (issue #19): where a response goes and
 * in what form — query, fragment, form_post, and JARM signing any of them (src/oauth/response-modes,
 * rendered by src/http/front-channel.ts) — through the server's own dispatch. The same rules
 * through a browser and openid-client: test/e2e/response-types.test.ts, authorization-code-flow.test.ts.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ISSUER, T0_MS, type InProcessApp } from '../helpers/in-process.js';
import { authorize, CALLBACK, delivered, NONCE, redirectHeaders, SECURITY_HEADERS, startAuthorization, STATE, type Delivered } from './authorization-setup.js';

const T0_S = T0_MS / 1000;
const TOKEN_TYPES = ['token', 'id_token', 'id_token token', 'code token', 'code id_token', 'code id_token token'];

/** The issuer's keys as a client reads them, from /jwks.json. */
async function issuerKeys(app: InProcessApp): Promise<JWTVerifyGetKey> {
  return createLocalJWKSet(JSON.parse((await app.send({ url: '/jwks.json' })).body) as JSONWebKeySet);
}

/** The parameter names a response carries, sorted. */
const names = (answer: Delivered): string[] => [...answer.params.keys()].sort();

t.test('Multiple Response Type Encoding Practices §2.1/§5: by default, query for code and fragment for every type that returns a token or ID Token', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const cases: Array<{ type: string; delivery: 'query' | 'fragment'; parts: string[] }> = [
    { type: 'code', delivery: 'query', parts: ['code'] },
    { type: 'id_token', delivery: 'fragment', parts: ['id_token'] },
    { type: 'token', delivery: 'fragment', parts: ['access_token', 'expires_in', 'scope', 'token_type'] },
    { type: 'id_token token', delivery: 'fragment', parts: ['access_token', 'expires_in', 'id_token', 'scope', 'token_type'] },
    { type: 'code id_token', delivery: 'fragment', parts: ['code', 'id_token'] },
    { type: 'code token', delivery: 'fragment', parts: ['access_token', 'code', 'expires_in', 'scope', 'token_type'] },
    { type: 'code id_token token', delivery: 'fragment', parts: ['access_token', 'code', 'expires_in', 'id_token', 'scope', 'token_type'] },
    { type: 'token id_token', delivery: 'fragment', parts: ['access_token', 'expires_in', 'id_token', 'scope', 'token_type'] },
  ];
  for (const { type, delivery, parts } of cases) {
    const answer = await authorize(app, { response_type: type, nonce: NONCE }, cookie);
    t.equal(answer.status, 302, `${type}: a 302`);
    t.strictSame(answer.headers, redirectHeaders(String(answer.headers['location'])), `${type}: no-store, security headers`);
    const response = delivered(answer);
    t.equal(response.to, CALLBACK, `${type}: to the redirect URI`);
    t.equal(response.delivery, delivery, `${type}: in the ${delivery}`);
    t.strictSame(names(response), [...parts, 'iss', 'state'].sort(), `${type}: exactly its parts, state and iss`);
    if (response.params.has('token_type')) t.strictSame([response.params.get('token_type'), response.params.get('expires_in')], ['Bearer', '3600'], `${type}: RFC 6749 §4.2.2`);
  }
});

t.test('Multiple Response Type Encoding Practices §3: a response with a token is never downgraded to the query, signed in or not', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const jwks = await issuerKeys(app);
  for (const type of TOKEN_TYPES) {
    for (const mode of ['query', 'query.jwt']) {
      for (const signedIn of [true, false]) {
        const name = `${type} + ${mode}${signedIn ? ', signed in' : ''}`;
        const answer = await authorize(app, { response_type: type, response_mode: mode, nonce: NONCE }, signedIn ? cookie : undefined);
        t.equal(answer.status, 302, `${name}: refused at the client, before any sign-in`);
        const response = delivered(answer);
        t.equal(response.delivery, 'query', `${name}: the error alone goes where it was asked (it carries no token)`);
        const error = { error: 'invalid_request', error_description: `The response mode '${mode}' must not be used with the response type '${type}': it would put tokens in the query.`, state: STATE, iss: ISSUER };
        if (mode === 'query') {
          t.strictSame(Object.fromEntries(response.params), error, `${name}: the error, and no code or token`);
        } else {
          const { payload } = await jwtVerify(response.params.get('response')!, jwks, { currentDate: new Date(T0_MS) });
          t.strictSame(payload, { ...error, aud: 'app', exp: T0_S + 600, iat: T0_S }, `${name}: the error signed (JARM §2.4), and no code or token`);
        }
      }
    }
  }
  t.strictSame(names(delivered(await authorize(app, { response_mode: 'query' }, cookie))), ['code', 'iss', 'state'], 'code + query: the one type the query may carry');
});

t.test('OAuth 2.0 Multiple Response Type Encoding Practices §2: a response mode the client did not register, or nobody knows → invalid_request in the default mode', async (t) => {
  const app = await startAuthorization(t);
  const cases = [
    { client_id: 'plain-app', mode: 'fragment.jwt', description: "The client is not registered for the response mode 'fragment.jwt'." },
    { client_id: 'app', mode: 'web_message', description: "The response mode 'web_message' is not supported." },
  ];
  for (const { client_id, mode, description } of cases) {
    const response = delivered(await authorize(app, { client_id, scope: 'openid', response_mode: mode }));
    t.strictSame(response, { to: CALLBACK, delivery: 'query', params: new URLSearchParams({ error: 'invalid_request', error_description: description, state: STATE, iss: ISSUER }) }, `${client_id} + ${mode}`);
  }
});

t.test("OAuth 2.0 Form Post Response Mode §2: an auto-submitting form, every value escaped; its CSP allows the script by hash and has no form-action, so the POST reaches an http redirect URI (CSP3 §6.3.1, issue #12 item 1)", async (t) => {
  const app = await startAuthorization(t);
  const state = `"><script>alert(1)</script>&'`;
  const answer = await authorize(app, { response_mode: 'form_post', state }, await app.sessionCookie('john'));
  t.equal(answer.status, 200, 'Form Post §2: a page, not a redirect');
  const code = delivered(answer).params.get('code')!;
  t.match(code, /^gatehouse_ac_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'the code');
  const script = 'document.forms[0].submit();';
  t.equal(
    answer.body,
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Submit — Gatehouse</title></head><body>' +
      `<form method="post" action="${CALLBACK}">` +
      `<input type="hidden" name="code" value="${code}">` +
      '<input type="hidden" name="state" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;">' +
      `<input type="hidden" name="iss" value="${ISSUER}">` +
      '<noscript><button type="submit">Continue</button></noscript></form>' +
      `<script>${script}</script></body></html>`,
    'the whole page: the form to the redirect URI, the state escaped, one script, a button without JavaScript',
  );
  t.equal(delivered(answer).params.get('state'), state, 'the browser posts the state back as sent');

  const csp = String(answer.headers['content-security-policy']);
  const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
  t.equal(csp, `default-src 'none'; script-src ${hash}; frame-ancestors 'none'; base-uri 'none'`, "CSP: nothing but the page's own script, by its hash");
  t.notMatch(csp, /form-action/, "CSP3 §6.3.1: form-action would judge the POST to http://localhost:8080 and the client's redirects after it; default-src does not govern form-action");
  t.strictSame(
    answer.headers,
    { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'content-length': String(Buffer.byteLength(answer.body)) },
    'no-store (the page holds a code), not framed, no Location',
  );

  const error = await authorize(app, { response_mode: 'form_post', prompt: 'none' });
  t.equal(error.status, 200, 'errors are posted too');
  t.strictSame(delivered(error), { to: CALLBACK, delivery: 'form_post', params: new URLSearchParams({ error: 'login_required', error_description: 'The person is not signed in.', state: STATE, iss: ISSUER }) });
  t.equal(error.headers['content-security-policy'], csp);
});

t.test('JARM §2.1/§2.3: the parameters signed into one `response` JWT (iss, aud, exp), delivered by the underlying mode; jwt is query.jwt for code, fragment.jwt otherwise (§2.3.4)', async (t) => {
  const app = await startAuthorization(t);
  const cookie = await app.sessionCookie('john');
  const jwks = await issuerKeys(app);
  const cases: Array<{ type: string; mode: string; delivery: Delivered['delivery']; parts: string[] }> = [
    { type: 'code', mode: 'jwt', delivery: 'query', parts: ['code'] },
    { type: 'code', mode: 'query.jwt', delivery: 'query', parts: ['code'] },
    { type: 'code', mode: 'fragment.jwt', delivery: 'fragment', parts: ['code'] },
    { type: 'code', mode: 'form_post.jwt', delivery: 'form_post', parts: ['code'] },
    { type: 'code id_token', mode: 'jwt', delivery: 'fragment', parts: ['code', 'id_token'] },
    { type: 'id_token token', mode: 'form_post.jwt', delivery: 'form_post', parts: ['access_token', 'expires_in', 'id_token', 'scope', 'token_type'] },
  ];
  for (const { type, mode, delivery, parts } of cases) {
    const name = `${type} + ${mode}`;
    const response = delivered(await authorize(app, { response_type: type, response_mode: mode, nonce: NONCE }, cookie));
    t.equal(response.to, CALLBACK, `${name}: to the redirect URI`);
    t.equal(response.delivery, delivery, `${name}: by ${delivery}`);
    t.strictSame([...response.params.keys()], ['response'], `${name}: the response parameter alone`);
    const jws = response.params.get('response')!;
    t.strictSame(decodeProtectedHeader(jws), { alg: 'RS256', kid: 'rsa' }, `${name}: JARM §3, RS256 when the client names no alg`);
    const { payload } = await jwtVerify(jws, jwks, { issuer: ISSUER, audience: 'app', currentDate: new Date(T0_MS) });
    t.strictSame(Object.keys(payload).sort(), [...parts, 'aud', 'exp', 'iat', 'iss', 'state'].sort(), `${name}: its parameters, and the JWT's own claims`);
    t.match(payload, { iss: ISSUER, aud: 'app', iat: T0_S, exp: T0_S + 600, state: STATE }, `${name}: JARM §2.1: iss, aud the client, a 10-minute exp`);
  }

  const error = delivered(await authorize(app, { response_mode: 'query.jwt', scope: 'openid admin' }));
  t.strictSame([...error.params.keys()], ['response'], 'JARM §2.4: an error is signed too');
  const { payload } = await jwtVerify(error.params.get('response')!, jwks, { issuer: ISSUER, audience: 'app', currentDate: new Date(T0_MS) });
  t.strictSame(
    payload,
    { error: 'invalid_scope', error_description: "The scope 'admin' is not registered for the client.", state: STATE, iss: ISSUER, aud: 'app', exp: T0_S + 600, iat: T0_S },
    'JARM §2.4: error, error_description, state, iss, aud, exp — and nothing else',
  );
});
