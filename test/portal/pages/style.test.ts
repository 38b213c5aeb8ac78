import t from 'tap';
import { createHash } from 'node:crypto';
import { STYLESHEET, STYLESHEET_ETAG } from '../../../src/portal/pages/style.js';

t.test('stylesheet: small, self-contained, dark mode, visible focus, card at most 28rem', async (t) => {
  t.ok(Buffer.byteLength(STYLESHEET) < 8 * 1024, 'small');
  t.notMatch(STYLESHEET, /url\(|@import/, 'loads nothing else (CSP default-src none)');
  t.match(STYLESHEET, /@media \(prefers-color-scheme: dark\)/);
  t.match(STYLESHEET, /:focus-visible[^{]*\{\s*outline: 3px solid/);
  t.match(STYLESHEET, /max-width: 28rem/);
  t.match(STYLESHEET, /font-family: system-ui/);
  t.match(STYLESHEET, /\.error \{/);
});

t.test('ETag: a quoted strong validator from the SHA-256 of the content (RFC 9110 section 8.8.3)', async (t) => {
  t.equal(STYLESHEET_ETAG, `"${createHash('sha256').update(STYLESHEET).digest('base64url')}"`);
  t.match(STYLESHEET_ETAG, /^"[A-Za-z0-9_-]{43}"$/, 'etagc characters only, no W/ prefix');
});
