import t from 'tap';
import { headerText, PAGE_SECURITY_HEADERS, pageSecurityHeadersAllowing } from '../../src/http/headers.js';

t.test('headerText: ASCII as it is; beyond ASCII as UTF-8 octets (RFC 9110 §5.5); control characters become spaces', async (t) => {
  t.equal(headerText('Alice Liddell'), 'Alice Liddell');
  const polish = headerText('Łukasz Żółć');
  t.ok([...polish].every((c) => c.charCodeAt(0) <= 0xff), 'only octets: Node writes it byte for byte');
  t.equal(Buffer.from(polish, 'latin1').toString('utf8'), 'Łukasz Żółć', 'the octets are the UTF-8 of the text');
  t.equal(Buffer.from(headerText('José'), 'latin1').toString('utf8'), 'José', 'Latin-1 text is sent as UTF-8 too, not as Latin-1');
  t.equal(headerText('evil\r\nSet-Cookie: x=1'), 'evil  Set-Cookie: x=1', 'CR/LF cannot split the header');
  t.equal(headerText('tab\there\u007f'), 'tab here ');
});

/** The directives of a Content-Security-Policy, by name. */
function directives(policy: string): Map<string, string> {
  return new Map(policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1).join(' ')]));
}

t.test("portal CSP: no form-action (CSP3 §6.3.1 checks it on the redirect chain to any registered redirect URI, issue #12 item 1); every other directive as strict as before", async (t) => {
  const csp = directives(String(PAGE_SECURITY_HEADERS['Content-Security-Policy']));
  t.equal(csp.has('form-action'), false, 'form-action would block http loopback and private-use redirect URIs');
  t.same(Object.fromEntries(csp), {
    'default-src': "'none'",
    'style-src': "'self'",
    'img-src': "'self' data:",
    'frame-ancestors': "'none'",
    'base-uri': "'none'",
  });
  t.equal(PAGE_SECURITY_HEADERS['X-Frame-Options'], 'DENY');
  t.equal(PAGE_SECURITY_HEADERS['Cross-Origin-Opener-Policy'], 'same-origin');
});

t.test('OIDC Front-Channel Logout 1.0 §4: a page that frames exactly the given origins and runs exactly the given script', async (t) => {
  t.equal(pageSecurityHeadersAllowing({}), PAGE_SECURITY_HEADERS, 'nothing allowed: the portal policy as it is');
  const csp = pageSecurityHeadersAllowing({ frameOrigins: ['https://a.example.com', 'http://127.0.0.1:8080'], scriptHashes: ["'sha256-abc='"] })['Content-Security-Policy'];
  t.equal(csp, `${String(PAGE_SECURITY_HEADERS['Content-Security-Policy'])}; frame-src https://a.example.com http://127.0.0.1:8080; script-src 'sha256-abc='`);
});
