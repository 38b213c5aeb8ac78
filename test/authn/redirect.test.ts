/**
 * `rd` after sign-in (issue #11): resolved against the portal URL, checked as the absolute URL a
 * browser would follow, answered as its ASCII `href`; everything else falls back.
 */
import t from 'tap';
import { checkRedirectTarget, redirectAfterSignIn, safeRedirectTarget, type RedirectRejection } from '../../src/authn/redirect.js';
import type { SessionCookieSettings } from '../../src/authn/session/types.js';

const BASE = { name: 'authelia_session', same_site: 'lax', expiration: 3600, inactivity: 300, remember_me: -1 } as const;
const HTTPS_PORTAL: SessionCookieSettings = { ...BASE, domain: 'example.com', authelia_url: 'https://auth.example.com', default_redirection_url: 'https://www.example.com/home' };
const OTHER_DOMAIN: SessionCookieSettings = { ...BASE, domain: 'example.org', authelia_url: 'https://auth.example.org/' };
const HTTP_PORTAL: SessionCookieSettings = { ...BASE, domain: 'localhost', authelia_url: 'http://localhost:9091' };
const ALL = [HTTPS_PORTAL, OTHER_DOMAIN, HTTP_PORTAL];

interface Case {
  rule: string;
  rd: string;
  /** The portal the sign-in happens on; https://auth.example.com unless said. */
  portal?: SessionCookieSettings;
  href?: string;
  reason?: RedirectRejection;
}

const cases: Case[] = [
  // Resolution (RFC 3986 §5.2 / WHATWG URL): relative values end up on the portal, absolute.
  { rule: 'RFC 3986 §5.2 rd resolved against the portal: /settings', rd: '/settings', href: 'https://auth.example.com/settings' },
  { rule: 'RFC 3986 §5.2 rd resolved against the portal: path, query and fragment kept', rd: '/api/oidc/authorization?client_id=app&scope=openid#x', href: 'https://auth.example.com/api/oidc/authorization?client_id=app&scope=openid#x' },
  { rule: 'RFC 3986 §5.2 rd resolved against the portal: relative path', rd: 'settings', href: 'https://auth.example.com/settings' },
  { rule: 'RFC 3986 §5.2 rd resolved against the plain-http loopback portal', rd: '/settings', portal: HTTP_PORTAL, href: 'http://localhost:9091/settings' },
  { rule: 'RFC 3986 §5.2 dot segments removed: /.//evil.com stays a path on the portal', rd: '/.//evil.com', href: 'https://auth.example.com//evil.com' },
  { rule: 'RFC 3986 §5.2 dot segments removed: /..//evil.com stays a path on the portal', rd: '/..//evil.com', href: 'https://auth.example.com//evil.com' },
  { rule: 'WHATWG URL: https:evil.com (same scheme, no slashes) is a path on the portal', rd: 'https:evil.com', href: 'https://auth.example.com/evil.com' },
  { rule: 'percent-encoded slashes stay a path on the portal: /%2F/evil.com', rd: '/%2F/evil.com', href: 'https://auth.example.com/%2F/evil.com' },
  { rule: 'percent-encoded slashes stay a path on the portal: %2F%2Fevil.com', rd: '%2F%2Fevil.com', href: 'https://auth.example.com/%2F%2Fevil.com' },
  { rule: 'an encoded tab that survived decoding stays an encoded path segment: /%09/evil.com/x', rd: '/%09/evil.com/x', href: 'https://auth.example.com/%09/evil.com/x' },

  // Allowed absolute targets.
  { rule: 'a host under the cookie domain', rd: 'https://app.example.com/x?y=1', href: 'https://app.example.com/x?y=1' },
  { rule: 'the cookie domain itself', rd: 'https://example.com/', href: 'https://example.com/' },
  { rule: 'a host under another configured cookie domain', rd: 'https://app.example.org/', href: 'https://app.example.org/' },
  { rule: 'a port on an allowed host', rd: 'https://app.example.com:8443/x', href: 'https://app.example.com:8443/x' },
  { rule: 'RFC 3986 §3.1/§3.2.2: uppercase scheme and host are the same URL, answered lower case', rd: 'HTTPS://APP.EXAMPLE.COM/X', href: 'https://app.example.com/X' },
  { rule: 'userinfo-looking text in the query or fragment is not userinfo', rd: 'https://app.example.com?@evil.com', href: 'https://app.example.com/?@evil.com' },
  { rule: 'a backslash after an allowed host starts its path', rd: 'https://app.example.com\\.evil.com', href: 'https://app.example.com/.evil.com' },
  { rule: 'RFC 5891 IDN: a Unicode host under the cookie domain is answered in punycode, the rest percent-encoded', rd: 'https://bücher.example.com/ä?q=ö#ü', href: 'https://xn--bcher-kva.example.com/%C3%A4?q=%C3%B6#%C3%BC' },
  { rule: 'UTS #46: full-width letters map to ASCII', rd: 'https://ａｐｐ.example.com/', href: 'https://app.example.com/' },
  { rule: 'non-Latin-1 in the path is percent-encoded: /é', rd: '/é', href: 'https://auth.example.com/%C3%A9' },
  { rule: 'non-Latin-1 in the path is percent-encoded: /😀', rd: '/😀', href: 'https://auth.example.com/%F0%9F%98%80' },
  { rule: 'a lone surrogate becomes U+FFFD, percent-encoded', rd: '/\uD800', href: 'https://auth.example.com/%EF%BF%BD' },
  { rule: 'http to a loopback host while the portal is plain http', rd: 'http://localhost:8080/app?x=1', portal: HTTP_PORTAL, href: 'http://localhost:8080/app?x=1' },

  // Characters a browser strips or a header cannot carry: refused, not cleaned.
  { rule: 'WHATWG URL §4.4 strips tabs: /\\t/evil.com is refused', rd: '/\t/evil.com', reason: 'forbidden_character' },
  { rule: 'WHATWG URL §4.4 strips tabs: decoded /%09/evil.com/x is refused', rd: decodeURIComponent('/%09/evil.com/x'), reason: 'forbidden_character' },
  { rule: 'RFC 9110 §5.5: CR is refused', rd: '/x\rSet-Cookie:a=b', reason: 'forbidden_character' },
  { rule: 'RFC 9110 §5.5: LF is refused', rd: '/x\nSet-Cookie:a=b', reason: 'forbidden_character' },
  { rule: 'RFC 9110 §5.5: CRLF injection (/x%0d%0aSet-Cookie:a=b decoded) is refused', rd: decodeURIComponent('/x%0d%0aSet-Cookie:a=b'), reason: 'forbidden_character' },
  { rule: 'C0: NUL is refused', rd: '/x\u0000', reason: 'forbidden_character' },
  { rule: 'C0: a leading control the parser would trim is refused', rd: '\u0001//evil.com', reason: 'forbidden_character' },
  { rule: 'DEL is refused', rd: '/x\u007f', reason: 'forbidden_character' },
  { rule: 'C1: NEL (U+0085) is refused', rd: '/x\u0085', reason: 'forbidden_character' },
  { rule: 'C1: U+009F is refused', rd: '/x\u009f', reason: 'forbidden_character' },
  { rule: 'whitespace: U+2028 LINE SEPARATOR is refused', rd: '/\u2028', reason: 'forbidden_character' },
  { rule: 'whitespace: NBSP is refused', rd: '/\u00a0/evil.com', reason: 'forbidden_character' },
  { rule: 'whitespace: a space is refused (/ /evil.com)', rd: '/ /evil.com', reason: 'forbidden_character' },
  { rule: 'whitespace: a leading space the parser would trim is refused', rd: ' //evil.com', reason: 'forbidden_character' },
  { rule: 'whitespace: a trailing space is refused', rd: 'https://app.example.com/ ', reason: 'forbidden_character' },

  // Every spelling of a scheme-relative reference (RFC 3986 §4.2) lands on its own host.
  { rule: 'RFC 3986 §4.2 scheme-relative //evil.com', rd: '//evil.com', reason: 'host' },
  { rule: 'RFC 3986 §4.2 scheme-relative ///evil.com (WHATWG skips extra slashes)', rd: '///evil.com', reason: 'host' },
  { rule: 'WHATWG URL: backslash is a slash in special URLs: /\\evil.com', rd: '/\\evil.com', reason: 'host' },
  { rule: 'WHATWG URL: backslash is a slash in special URLs: \\/evil.com', rd: '\\/evil.com', reason: 'host' },
  { rule: 'WHATWG URL: backslash is a slash in special URLs: \\\\evil.com', rd: '\\\\evil.com', reason: 'host' },
  { rule: 'WHATWG URL: backslash is a slash in special URLs: https:/\\evil.com', rd: 'https:/\\evil.com', reason: 'host' },
  { rule: 'WHATWG URL: backslash ends the host: https://evil.com\\@app.example.com', rd: 'https://evil.com\\@app.example.com', reason: 'host' },

  // Userinfo (RFC 3986 §3.2.1, RFC 9110 §4.2.4: deprecated, and it hides the real host).
  { rule: 'RFC 9110 §4.2.4 userinfo: https://app.example.com@evil.com', rd: 'https://app.example.com@evil.com', reason: 'userinfo' },
  { rule: 'RFC 9110 §4.2.4 userinfo: //app.example.com@evil.com', rd: '//app.example.com@evil.com', reason: 'userinfo' },
  { rule: 'RFC 9110 §4.2.4 userinfo: https://evil.com%5C@app.example.com', rd: 'https://evil.com%5C@app.example.com', reason: 'userinfo' },
  { rule: 'RFC 9110 §4.2.4 userinfo even on an allowed host', rd: 'https://user:pw@app.example.com/', reason: 'userinfo' },

  // Scheme.
  { rule: 'scheme: javascript: is refused', rd: 'javascript:alert(1)', reason: 'scheme' },
  { rule: 'scheme: JavaScript: in any case is refused', rd: 'JaVaScRiPt:alert(1)', reason: 'scheme' },
  { rule: 'scheme: data: is refused', rd: 'data:text/html,<script>alert(1)</script>', reason: 'scheme' },
  { rule: 'scheme: http to a non-loopback host is refused', rd: 'http://app.example.com/', reason: 'scheme' },
  { rule: 'scheme: http to a non-loopback host is refused even on a plain-http portal', rd: 'http://evil.com/', portal: HTTP_PORTAL, reason: 'scheme' },
  { rule: 'scheme: http:evil.com (other scheme, no slashes) is an absolute http URL', rd: 'http:evil.com', reason: 'scheme' },
  { rule: 'scheme: http to loopback is refused when the portal is https', rd: 'http://localhost:8080/', reason: 'scheme' },
  { rule: 'scheme: ftp is refused', rd: 'ftp://app.example.com/', reason: 'scheme' },

  // Host (RFC 6265 §5.1.3 domain-match at a label boundary).
  { rule: 'host: another site', rd: 'https://evil.com/', reason: 'host' },
  { rule: 'host: look-alike suffix https://evilexample.com', rd: 'https://evilexample.com/', reason: 'host' },
  { rule: 'host: the cookie domain as a prefix', rd: 'https://app.example.com.evil.com/', reason: 'host' },
  { rule: 'UTS #46: an ideographic full stop is a dot, so the host is app.example.com.evil.com', rd: 'https://app.example.com\u3002evil.com/', reason: 'host' },
  { rule: 'RFC 5891 IDN: a Cyrillic look-alike of example.com is another host', rd: 'https://exаmple.com/', reason: 'host' },
  { rule: 'host: a percent-encoded host decodes to evil.com', rd: 'https://%65vil.com/', reason: 'host' },
  { rule: 'host: https to loopback outside the cookie domains', rd: 'https://127.0.0.1/', reason: 'host' },

  { rule: 'not a URL: a forbidden host code point', rd: 'https://evil.com%2F.example.com/', reason: 'not_a_url' },
  { rule: 'absent: empty', rd: '', reason: 'absent' },
];

for (const c of cases) {
  t.test(c.rule, async (t) => {
    const decision = checkRedirectTarget(c.rd, c.portal ?? HTTPS_PORTAL, ALL);
    if (c.href !== undefined) {
      t.same(decision, { ok: true, href: c.href });
      t.match(c.href, /^[\x21-\x7e]+$/, 'visible ASCII only: safe in a Location header');
      t.equal(redirectAfterSignIn(c.rd, c.portal ?? HTTPS_PORTAL, ALL), c.href);
    } else {
      t.same(decision, { ok: false, reason: c.reason });
      t.equal(safeRedirectTarget(c.rd, c.portal ?? HTTPS_PORTAL, ALL), null);
      t.equal(redirectAfterSignIn(c.rd, HTTPS_PORTAL, ALL), 'https://www.example.com/home', "falls back to the domain's default_redirection_url");
    }
    t.ok(Object.isFrozen(decision), 'the decision is a frozen value');
  });
}

t.test('fallback: no rd and no default_redirection_url means the portal home (null)', async (t) => {
  t.equal(redirectAfterSignIn(undefined, OTHER_DOMAIN, ALL), null);
  t.equal(redirectAfterSignIn('https://evil.com/', OTHER_DOMAIN, ALL), null);
  t.equal(redirectAfterSignIn(undefined, HTTPS_PORTAL, ALL), 'https://www.example.com/home');
});

t.test('host: the portal itself is allowed even when no cookie domain lists it', async (t) => {
  t.same(checkRedirectTarget('/settings', HTTPS_PORTAL, []), { ok: true, href: 'https://auth.example.com/settings' });
  t.same(checkRedirectTarget('https://app.example.com/', HTTPS_PORTAL, []), { ok: false, reason: 'host' });
});

t.test('every character from U+0000 to U+00A0 that is a control or whitespace is refused wherever it stands', async (t) => {
  const forbidden = (code: number) => code <= 0x20 || (code >= 0x7f && code <= 0xa0);
  for (let code = 0; code <= 0xa0; code++) {
    if (!forbidden(code)) continue;
    const ch = String.fromCharCode(code);
    for (const rd of [`${ch}/x`, `/x${ch}`, `https://app.example.com${ch}/`, `https://app.${ch}example.com/`]) {
      if (checkRedirectTarget(rd, HTTPS_PORTAL, ALL).ok) t.fail(`U+${code.toString(16).padStart(4, '0')} accepted in ${JSON.stringify(rd)}`);
    }
  }
  t.pass('none accepted');
});
