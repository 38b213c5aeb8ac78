/**
 * Issue #18's portal finish, seen in Chromium: every portal page (rendered from its template with
 * a realistic model and served from a real server's origin, so the stylesheet, theme sheet, logo
 * and favicon are the real routes), and the server's own 404 page, in the light and dark themes and
 * on a 375 px wide screen. Screenshots go to test-output/screenshots/<theme>-<width>-<page>.png.
 * Each page loads without a failed request (no favicon 404) and without a CSP violation, shows the
 * product name and logo, and a browser's 404 is an HTML page while an API client's stays JSON.
 */
import t from 'tap';
import { COPY_SCRIPT_HASH } from '../../src/portal/pages/copy-script.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';
import { startTestServer } from '../helpers/server.js';
import {
  renderConsent,
  renderElevation,
  renderError,
  renderLogoutConfirmation,
  renderSecondFactor,
  renderSettings,
  renderSignedIn,
  renderSignedOut,
  renderSignIn,
  renderTotpEnrolment,
} from '../../src/portal/pages/index.js';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const CSRF = 'csrf-token-value';
const NOW = Date.UTC(2026, 11, 2, 9, 30);

/** Every page template with a model a person would meet. */
const PAGES: ReadonlyArray<readonly [string, () => string]> = [
  ['sign-in', () => renderSignIn({ csrfToken: CSRF, action: '/login', rememberMeAllowed: true, hidden: { rd: 'https://app.example.com/' } })],
  ['sign-in-error', () => renderSignIn({ csrfToken: CSRF, action: '/login', username: 'demo', error: 'Incorrect username or password.', rememberMeAllowed: true, hidden: {} })],
  ['second-factor', () => renderSecondFactor({ csrfToken: CSRF, action: '/login/2fa', username: 'demo', hidden: {} })],
  ['totp-enrolment', () =>
    renderTotpEnrolment({
      csrfToken: CSRF,
      action: '/settings/totp',
      username: 'demo',
      otpauthUri: 'otpauth://totp/Gatehouse:demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW&issuer=Gatehouse',
      qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><path d="M1 1h7v7H1zM13 1h7v7h-7zM1 13h7v7H1z" fill="none" stroke="#000"/><path d="M10 10h2v2h-2z"/></svg>',
      secretBase32: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW',
      issuer: 'Gatehouse',
      hidden: {},
    })],
  ['settings', () =>
    renderSettings({
      csrfToken: CSRF,
      username: 'demo',
      displayName: 'Demo User',
      factors: [{ method: 'totp', id: 'totp', description: 'Authenticator app', created_at_ms: NOW - 86_400_000, last_used_at_ms: NOW - 3_600_000 }],
      elevatedUntilMs: null,
      elevationUrl: '/settings/elevation',
      removeAction: '/settings/factors/remove',
      addLinks: [{ label: 'Add an authenticator app', href: '/settings/totp' }],
    })],
  ['elevation', () => renderElevation({ csrfToken: CSRF, sendAction: '/settings/elevation/send', verifyAction: '/settings/elevation', maskedAddress: 'd***@example.com', sent: true, codeLength: 8, hidden: {} })],
  ['consent', () =>
    renderConsent({
      csrfToken: CSRF,
      action: '/consent',
      clientName: 'Demo client',
      clientId: 'demo-client',
      scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      audience: ['https://api.example.com'],
      rememberAllowed: true,
      rememberDurationText: 'for a week',
      username: 'demo',
      hidden: {},
    })],
  ['signed-in', () => renderSignedIn({ username: 'demo', displayName: 'Demo User', level: 'one_factor', csrfToken: CSRF, enrolUrl: '/settings/totp', hasTotp: false })],
  ['logout-confirmation', () => renderLogoutConfirmation({ csrfToken: CSRF, action: '/logout', username: 'demo', clientName: 'Demo client', hidden: {} })],
  ['signed-out', () => renderSignedOut({ portalUrl: '/' })],
  ['error', () => renderError({ title: 'Something went wrong', message: 'The request could not be understood.', status: 400 })],
];

const WIDTHS = [
  ['wide', { width: 1024, height: 768 }],
  ['narrow', { width: 375, height: 740 }],
] as const;

t.test('every portal page in both themes and on a narrow screen', async (t) => {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  for (const theme of ['light', 'dark'] as const) {
    const server = await startTestServer(t, { theme });
    for (const [width, viewport] of WIDTHS) {
      const context = await browser.newContext({ viewport, colorScheme: theme === 'light' ? 'dark' : 'light' });
      const page = await context.newPage();
      const violations = await watchCspViolations(page);
      const failed: string[] = [];
      page.on('response', (res) => {
        if (res.status() >= 400 && !res.url().includes('/no-such-page')) failed.push(`${res.status()} ${res.url()}`);
      });
      // The templates are served from the server's origin, under the portal's own CSP.
      const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy')!;
      for (const [name, render] of PAGES) {
        // The TOTP enrolment page is served with its one script allowed, as its endpoint serves it.
        const pageCsp = name === 'totp-enrolment' ? `${csp}; script-src ${COPY_SCRIPT_HASH}` : csp;
        await page.route(`${server.url}/__page/${name}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': pageCsp }, body: render() }));
      }
      const shots: Array<readonly [string, string]> = [...PAGES.map(([name]) => [name, `${server.url}/__page/${name}`] as const), ['not-found', `${server.url}/no-such-page`]];
      for (const [name, url] of shots) {
        await page.goto(url);
        await page.waitForLoadState('networkidle');
        t.equal(await page.locator('.brand span').textContent(), 'Gatehouse', `${theme} ${width} ${name}: the product name`);
        t.ok(await page.evaluate("(() => { const img = document.querySelector('.brand img'); return img.complete && img.naturalWidth > 0; })()"), `${theme} ${width} ${name}: the logo loaded`);
        const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
        t.equal(background, theme === 'light' ? 'rgb(243, 244, 246)' : 'rgb(17, 24, 39)', `${theme} ${width} ${name}: the configured theme, not the browser's preference`);
        if (width === 'narrow') t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${theme} narrow ${name}: no horizontal scrolling`);
        await page.screenshot({ path: join(OUT, `${theme}-${width}-${name}.png`), fullPage: true });
      }
      t.same(failed, [], `${theme} ${width}: no failed request (favicon, logo, sheets)`);
      t.same(violations, [], `${theme} ${width}: no CSP violation`);
      await context.close();
    }
  }
});

t.test('a 404 is a page for a browser and JSON for an API client', async (t) => {
  const server = await startTestServer(t);
  const browser = await fetch(`${server.url}/no-such-page`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  t.equal(browser.status, 404);
  t.match(browser.headers.get('content-type'), /^text\/html/);
  t.match(await browser.text(), /<h1>Page not found<\/h1>/);
  const api = await fetch(`${server.url}/no-such-page`, { headers: { accept: 'application/json' } });
  t.equal(api.status, 404);
  t.same(await api.json(), { status: 'KO', message: 'Not Found' });
  const favicon = await fetch(`${server.url}/favicon.ico`);
  t.equal(favicon.status, 200, '/favicon.ico is served');
  t.equal(favicon.headers.get('content-type'), 'image/svg+xml');
});

t.test('theme: each value gives its sheet; grey and dark pin a dark color scheme', async (t) => {
  for (const theme of ['light', 'dark', 'grey', 'auto'] as const) {
    const server = await startTestServer(t, { theme });
    const res = await fetch(`${server.url}/static/theme.css`);
    t.equal(res.status, 200);
    const css = await res.text();
    if (theme === 'auto') t.notMatch(css, /--bg/, 'auto: the base sheet decides');
    else t.match(css, new RegExp(`color-scheme: ${theme === 'light' ? 'light' : 'dark'};`), theme);
  }
});
