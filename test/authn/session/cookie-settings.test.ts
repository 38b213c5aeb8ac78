/** Picking the cookie domain of a request, and the session cookie's attributes there. */
import t from 'tap';
import { cookieIsSecure, cookieSettingsForHost, sessionSetCookie } from '../../../src/authn/session/cookie-settings.js';
import type { SessionCookieSettings } from '../../../src/authn/session/types.js';
import { SETTINGS } from './fixtures.js';

const cookie = (domain: string): SessionCookieSettings => ({ ...SETTINGS, domain, authelia_url: `https://auth.${domain}/` });

t.test('cookieSettingsForHost: equal or under the domain at a label boundary (RFC 6265 §5.1.3), longest wins', async (t) => {
  const all = [cookie('example.com'), cookie('corp.example.com'), cookie('example.org')];
  const cases: Array<[string, string | null]> = [
    ['example.com', 'example.com'],
    ['app.example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['corp.example.com', 'corp.example.com'],
    ['wiki.corp.example.com', 'corp.example.com'],
    ['evilexample.com', null],
    ['evilcorp.example.com', 'example.com'],
    ['example.com.evil.net', null],
    ['com', null],
    ['APP.Example.COM', 'example.com'],
    ['app.example.com:8443', 'example.com'],
    ['app.example.com.', 'example.com'],
    ['www.example.org', 'example.org'],
    ['', null],
    ['[::1]:9091', null],
  ];
  for (const [host, expected] of cases) t.equal(cookieSettingsForHost(host, all)?.domain ?? null, expected, host || '(empty host)');
  t.equal(cookieSettingsForHost('example.com', []), null, 'no cookie domains');
  t.equal(cookieSettingsForHost('[::1]:9091', [cookie('[::1]')])?.domain, '[::1]', 'IPv6 literal with a port');
  t.equal(cookieSettingsForHost('localhost:9091', [cookie('localhost')])?.domain, 'localhost');
});

t.test('cookieIsSecure: only a plain-HTTP loopback portal goes without Secure', async (t) => {
  const cases: Array<[string, boolean, boolean]> = [
    ['https://auth.example.com/', true, true],
    ['https://auth.example.com/', false, true],
    ['http://auth.example.com/', false, true],
    ['http://localhost:9091/', false, false],
    ['http://localhost:9091/', true, true],
    ['http://127.0.0.1/', false, false],
    ['http://[::1]:9091/', false, false],
    ['https://localhost/', false, true],
    ['http://localhost.example.com/', false, true],
    ['not a url', false, true],
  ];
  for (const [url, https, secure] of cases) t.equal(cookieIsSecure({ ...SETTINGS, authelia_url: url }, https), secure, `${url} over ${https ? 'https' : 'http'}`);
});

t.test('sessionSetCookie: Max-Age only for a remembered session', async (t) => {
  t.equal(sessionSetCookie('ID', true, SETTINGS, true), 'authelia_session=ID; Domain=example.com; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax');
  t.equal(sessionSetCookie('ID', false, SETTINGS, true), 'authelia_session=ID; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax');
});
