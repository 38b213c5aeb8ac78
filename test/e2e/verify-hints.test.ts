/**
 * Issue #18 diagnostics: a verify request refused because the proxy or the configuration is set up
 * wrongly (an http target, a host outside every cookie domain, X-Forwarded-* from a proxy that is
 * not trusted) is logged at warn with the reason and a hint saying what to change; rate-limited
 * with every other refusal (test/e2e/verify.test.ts).
 */
import t from 'tap';
import { startTestServer } from '../helpers/server.js';

const COOKIES = { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] };
const forwarded = (proto: string, host: string) => ({ 'x-forwarded-proto': proto, 'x-forwarded-host': host, 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' });

t.test('configuration mistakes are logged at warn with the reason and a hint', async (t) => {
  const trusted = await startTestServer(t, { server: { address: 'tcp://127.0.0.1:0', trusted_proxies: ['127.0.0.1/32'] }, session: COOKIES, access_control: { default_policy: 'one_factor' } });
  const untrusted = await startTestServer(t, { server: { address: 'tcp://127.0.0.1:0', trusted_proxies: ['10.9.9.9/32'] }, session: COOKIES, access_control: { default_policy: 'one_factor' } });
  const cases: Array<[string, typeof trusted, Record<string, string>, RegExp, RegExp]> = [
    ['an http target', trusted, forwarded('http', 'app.example.com'), /^scheme http is not allowed/, /served over https/],
    ['a host outside every cookie domain', trusted, forwarded('https', 'app.example.org'), /^host app\.example\.org is not inside any session\.cookies domain$/, /session\.cookies entry/],
    ['X-Forwarded-* from an untrusted proxy', untrusted, forwarded('https', 'app.example.com'), /accepted only from a trusted proxy/, /server\.trusted_proxies/],
  ];
  for (const [name, server, headers, reason, hint] of cases) {
    const res = await fetch(`${server.url}/api/authz/forward-auth`, { headers, redirect: 'manual' });
    t.equal(res.status, 400, `${name}: 400`);
    const line = server.logger.records().filter((r) => r['msg'] === 'authz target refused').at(-1);
    t.equal(line?.['level'], 'warn', `${name}: at warn`);
    t.match(String(line?.['reason']), reason, `${name}: the reason`);
    t.match(String(line?.['hint']), hint, `${name}: the hint`);
  }
});

t.test('a refusal about one request (an ambiguous path) carries no hint', async (t) => {
  const server = await startTestServer(t, { session: COOKIES });
  await fetch(`${server.url}/api/authz/forward-auth`, { headers: { ...forwarded('https', 'app.example.com'), 'x-forwarded-uri': '/a/../b' } });
  const line = server.logger.records().filter((r) => r['msg'] === 'authz target refused').at(-1);
  t.ok(line, 'logged');
  t.notOk(line && 'hint' in line, 'no hint');
});
