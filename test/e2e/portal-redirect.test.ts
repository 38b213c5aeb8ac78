/**
 * `rd` through the real server (issue #11): every hostile value, sent the way a browser would
 * (query string, then the sign-in form), answers the exact safe Location or the fallback — never
 * a 500 and never a Location a browser could read as another host.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';
import { fixedClock } from '../../src/util/clock.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient, hiddenFields, type Page } from '../helpers/browser-client.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const HTTPS_FALLBACK = 'https://www.example.com/home';
const HTTP_FALLBACK = 'http://localhost:9091/home';
/** Behind the TLS proxy: the https portal of example.com. */
const VIA_PROXY = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com' };
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const TOTP_POLICY = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const TOTP_SECRET = Buffer.alloc(20, 7);

async function start(t: Test) {
  const dir = tempDir(t);
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const users = join(dir, 'users.yml');
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const clock = fixedClock(T0);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path: users, watch: false } },
      session: {
        cookies: [
          { domain: 'example.com', authelia_url: 'https://auth.example.com', default_redirection_url: HTTPS_FALLBACK },
          { domain: 'example.org', authelia_url: 'https://auth.example.org' },
          { domain: 'localhost', authelia_url: 'http://localhost:9091', default_redirection_url: HTTP_FALLBACK },
        ],
      },
    },
    { clock, dir },
  );
  const url = server.url.replace('127.0.0.1', 'localhost');
  return { server, clock, browser: () => new BrowserClient(url) };
}

/** The sign-in page with `rd` in its query string (as forward-auth sends it), then the form posted with that `rd`. */
async function signIn(b: BrowserClient, rd: string, headers: Record<string, string>): Promise<{ page: Page; answer: Page }> {
  const page = await b.get(`/?rd=${encodeURIComponent(rd)}`, headers);
  const answer = await b.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse', rd }, headers);
  return { page, answer };
}

interface Case {
  rule: string;
  rd: string;
  location: string;
}

const httpsCases: Case[] = [
  { rule: 'RFC 3986 §5.2 rd resolved against the portal: /settings', rd: '/settings', location: 'https://auth.example.com/settings' },
  { rule: 'a host under the cookie domain', rd: 'https://app.example.com/x?y=1', location: 'https://app.example.com/x?y=1' },
  { rule: 'a host under another configured cookie domain', rd: 'https://app.example.org/', location: 'https://app.example.org/' },
  { rule: 'RFC 3986 §3.1/§3.2.2: uppercase scheme and host, in fact allowed', rd: 'HTTPS://APP.EXAMPLE.COM/X', location: 'https://app.example.com/X' },
  { rule: 'RFC 5891 IDN: a Unicode host under the cookie domain, in punycode', rd: 'https://bücher.example.com/ä', location: 'https://xn--bcher-kva.example.com/%C3%A4' },
  { rule: 'non-Latin-1 percent-encoded: /é', rd: '/é', location: 'https://auth.example.com/%C3%A9' },
  { rule: 'non-Latin-1 percent-encoded: /😀', rd: '/😀', location: 'https://auth.example.com/%F0%9F%98%80' },
  { rule: 'percent-encoded slashes stay on the portal: /%2F/evil.com', rd: '/%2F/evil.com', location: 'https://auth.example.com/%2F/evil.com' },
  { rule: 'percent-encoded slashes stay on the portal: %2F%2Fevil.com', rd: '%2F%2Fevil.com', location: 'https://auth.example.com/%2F%2Fevil.com' },
  { rule: 'WHATWG URL §4.4 strips tabs: /%09/evil.com/x refused', rd: decodeURIComponent('/%09/evil.com/x'), location: HTTPS_FALLBACK },
  { rule: 'WHATWG URL §4.4 strips tabs: /\\t/evil.com refused', rd: '/\t/evil.com', location: HTTPS_FALLBACK },
  { rule: 'RFC 9110 §5.5: CR refused', rd: '/x\r', location: HTTPS_FALLBACK },
  { rule: 'RFC 9110 §5.5: LF refused', rd: '/x\n', location: HTTPS_FALLBACK },
  { rule: 'RFC 9110 §5.5: CRLF injection /x%0d%0aSet-Cookie:a=b refused', rd: decodeURIComponent('/x%0d%0aSet-Cookie:a=b'), location: HTTPS_FALLBACK },
  { rule: 'C0: NUL refused', rd: '/x\u0000', location: HTTPS_FALLBACK },
  { rule: 'DEL refused', rd: '/x\u007f', location: HTTPS_FALLBACK },
  { rule: 'C1: NEL refused', rd: '/x\u0085', location: HTTPS_FALLBACK },
  { rule: 'whitespace: U+2028 refused', rd: '/\u2028', location: HTTPS_FALLBACK },
  { rule: 'whitespace: / /evil.com refused', rd: '/ /evil.com', location: HTTPS_FALLBACK },
  { rule: 'RFC 3986 §4.2 scheme-relative //evil.com', rd: '//evil.com', location: HTTPS_FALLBACK },
  { rule: 'RFC 3986 §4.2 scheme-relative ///evil.com', rd: '///evil.com', location: HTTPS_FALLBACK },
  { rule: 'WHATWG URL backslash: /\\evil.com', rd: '/\\evil.com', location: HTTPS_FALLBACK },
  { rule: 'WHATWG URL backslash: \\/evil.com', rd: '\\/evil.com', location: HTTPS_FALLBACK },
  { rule: 'WHATWG URL backslash: https://evil.com\\@app.example.com', rd: 'https://evil.com\\@app.example.com', location: HTTPS_FALLBACK },
  { rule: 'RFC 9110 §4.2.4 userinfo: https://app.example.com@evil.com', rd: 'https://app.example.com@evil.com', location: HTTPS_FALLBACK },
  { rule: 'RFC 9110 §4.2.4 userinfo: //app.example.com@evil.com', rd: '//app.example.com@evil.com', location: HTTPS_FALLBACK },
  { rule: 'host: look-alike suffix https://evilexample.com', rd: 'https://evilexample.com/', location: HTTPS_FALLBACK },
  { rule: 'RFC 5891 IDN: a Cyrillic look-alike of example.com', rd: 'https://exаmple.com/', location: HTTPS_FALLBACK },
  { rule: 'scheme: javascript:', rd: 'javascript:alert(1)', location: HTTPS_FALLBACK },
  { rule: 'scheme: data:', rd: 'data:text/html,<script>alert(1)</script>', location: HTTPS_FALLBACK },
  { rule: 'scheme: http to a non-loopback host', rd: 'http://app.example.com/', location: HTTPS_FALLBACK },
];

const httpCases: Case[] = [
  { rule: 'RFC 3986 §5.2 rd resolved against the plain-http loopback portal', rd: '/settings', location: 'http://localhost:9091/settings' },
  { rule: 'http to a loopback host while the portal is plain http', rd: 'http://localhost:8080/app?x=1', location: 'http://localhost:8080/app?x=1' },
  { rule: 'scheme: http to a non-loopback host, even on a plain-http portal', rd: 'http://evil.com/', location: HTTP_FALLBACK },
  { rule: 'WHATWG URL §4.4 strips tabs: /\\t/evil.com refused on the http portal', rd: '/\t/evil.com', location: HTTP_FALLBACK },
  { rule: 'RFC 9110 §5.5: CRLF refused on the http portal', rd: '/x\r\nSet-Cookie:a=b', location: HTTP_FALLBACK },
];

const portals = [
  { name: 'https portal (auth.example.com behind a TLS proxy)', cases: httpsCases, headers: VIA_PROXY },
  { name: 'plain-http loopback portal (localhost)', cases: httpCases, headers: {} },
];

for (const portal of portals) {
  t.test(`${portal.name}: sign-in with a hostile rd answers the exact Location or the fallback, never a 500`, async (t) => {
    const { browser } = await start(t);
    for (const c of portal.cases) {
      await t.test(c.rule, async (t) => {
        const b = browser();
        const { page, answer } = await signIn(b, c.rd, portal.headers);
        t.equal(page.status, 200, 'the sign-in page carrying rd');
        t.equal(hiddenFields(page.body)['rd'], c.rd, 'rd travels through the form unchanged');
        t.equal(answer.status, 303, 'POST /login: 303 See Other');
        t.equal(answer.location, c.location);
        t.match(answer.location, HEADER_SAFE, 'visible ASCII only');
        t.equal(answer.headers.getSetCookie().filter((cookie) => cookie.startsWith('a=')).length, 0, 'no injected cookie');
        const again = await b.get(`/?rd=${encodeURIComponent(c.rd)}`, portal.headers);
        t.equal(again.status, 302, 'GET / when signed in: 302');
        t.equal(again.location, c.location, 'the same Location');
      });
    }
  });
}

t.test('the tab case as an attacker sends it: a raw /?rd=/%09/evil.com/x query string', async (t) => {
  const { browser } = await start(t);
  const b = browser();
  const page = await b.get('/?rd=/%09/evil.com/x', VIA_PROXY);
  t.equal(page.status, 200);
  t.equal(hiddenFields(page.body)['rd'], '/\t/evil.com/x', 'the query is decoded once: a real tab');
  const signedIn = await b.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse' }, VIA_PROXY);
  t.equal(signedIn.status, 303);
  t.equal(signedIn.location, HTTPS_FALLBACK);
  for (const query of ['/%09/evil.com/x', '/%0d%0aSet-Cookie:a=b', '/%00', '/%7f', '/%C2%85', '/%E2%80%A8', '/%20/evil.com', '/%C3%A9', '//evil.com', '/%5Cevil.com']) {
    const res = await b.get(`/?rd=${query}`, VIA_PROXY);
    t.equal(res.status, 302, `rd=${query}: no 500`);
    t.equal(res.location, query === '/%C3%A9' ? 'https://auth.example.com/%C3%A9' : HTTPS_FALLBACK, `rd=${query}`);
  }
});

t.test('second factor: rd carried through /login/2fa ends at the exact Location or the fallback', async (t) => {
  const { browser, server, clock } = await start(t);
  await server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', ...TOTP_POLICY, secret: TOTP_SECRET, created_at_ms: T0 });
  const cases: Case[] = [
    { rule: 'RFC 3986 §5.2 rd resolved against the portal', rd: '/settings', location: 'https://auth.example.com/settings' },
    { rule: 'a host under the cookie domain', rd: 'https://app.example.com/x', location: 'https://app.example.com/x' },
    { rule: 'WHATWG URL §4.4 strips tabs: /\\t/evil.com refused', rd: '/\t/evil.com', location: HTTPS_FALLBACK },
    { rule: 'RFC 9110 §5.5: CRLF injection refused', rd: '/x\r\nSet-Cookie:a=b', location: HTTPS_FALLBACK },
    { rule: 'RFC 5891 IDN: a Unicode host outside the domains', rd: 'https://é.evil.com/', location: HTTPS_FALLBACK },
    { rule: 'RFC 9110 §4.2.4 userinfo', rd: 'https://app.example.com@evil.com', location: HTTPS_FALLBACK },
  ];
  for (const c of cases) {
    await t.test(c.rule, async (t) => {
      clock.advance(30_000); // a fresh TOTP time step per case
      const b = browser();
      const { answer } = await signIn(b, c.rd, VIA_PROXY);
      t.equal(answer.status, 303);
      t.equal(answer.location, `/login/2fa?${new URLSearchParams({ rd: c.rd }).toString()}`, 'on to the second factor, rd URL-encoded');
      t.match(answer.location, HEADER_SAFE);
      const form = await b.get(answer.location!, VIA_PROXY);
      t.equal(form.status, 200);
      const done = await b.post('/login/2fa', { ...hiddenFields(form.body), code: totpCodeAt(TOTP_SECRET, TOTP_POLICY, clock.nowMs()) }, VIA_PROXY);
      t.equal(done.status, 303);
      t.equal(done.location, c.location);
    });
  }
});
