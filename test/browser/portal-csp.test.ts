/**
 * The portal's Content-Security-Policy as Chromium enforces it, for every kind of redirect URI a
 * client may register: a page served with PAGE_SECURITY_HEADERS posts a form to its own origin,
 * which answers 303 to the redirect URI, as sign-in and consent do (via the authorization
 * endpoint). CSP3 §6.3.1 checks `form-action` against each hop of that chain (issue #12 item 1).
 * RFC 8252 §7.1 private-use schemes are checked here because they cannot be followed to an app in
 * a test: Chromium hands such a URL to the operating system, so "reached" means Chromium requested it.
 */
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PAGE_SECURITY_HEADERS } from '../../src/http/headers.js';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';

const REDIRECT_URIS: Array<{ rule: string; uri: string }> = [
  { rule: "http://localhost (config.yml's demo client)", uri: 'http://localhost:8080/callback' },
  { rule: 'an http://127.0.0.1 loopback redirect URI (RFC 8252 §7.3)', uri: 'http://127.0.0.1:49152/callback' },
  { rule: 'an http://[::1] loopback redirect URI (RFC 8252 §7.3)', uri: 'http://[::1]:49152/callback' },
  { rule: 'a private-use URI scheme (RFC 8252 §7.1)', uri: 'com.example.app:/oauth2redirect/example-provider' },
  { rule: 'an https redirect URI', uri: 'https://app.example.com/callback' },
];

t.test("CSP3 form-action: a portal form's redirect chain reaches every kind of redirect URI (issue #12 item 1)", async (t) => {
  let target = '';
  const portal = createServer((req, res) => {
    if (req.method === 'POST') return void res.writeHead(303, { location: `${target}?code=c0de&state=s7a7e` }).end();
    res.writeHead(200, { ...PAGE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Portal</title><form method="post" action="/login"><button type="submit">Sign in</button></form>');
  });
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => portal.close(() => resolve())));
  const base = `http://localhost:${(portal.address() as AddressInfo).port}`;

  const browser = await launchChromium();
  t.teardown(() => browser.close());

  for (const { rule, uri } of REDIRECT_URIS) {
    t.test(`to ${rule}`, async (t) => {
      target = uri;
      const context = await browser.newContext();
      t.teardown(() => context.close());
      // No network: the client's callback is answered inside Chromium (a private-use scheme is never fetched).
      if (/^https?:/.test(uri)) await context.route((url) => url.href.startsWith(uri), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Client</title>' }));
      const page = await context.newPage();
      const violations = await watchCspViolations(page);
      await page.goto(`${base}/`);
      const reached = page.waitForRequest((req) => req.url().startsWith(uri), { timeout: 5000 });
      await page.getByRole('button', { name: 'Sign in' }).click();
      const request = await reached.catch(() => null);
      t.ok(request, `Chromium followed the chain to ${uri}`);
      t.match(request?.url() ?? '', /[?&]code=c0de&state=s7a7e$/, 'with the code and state');
      t.same(violations, [], 'no Content-Security-Policy violation');
    });
  }
});
