/**
 * The portal's accessible markup in real Chromium (issue #18), in the light and dark themes:
 * keyboard focus follows the reading order of the sign-in form (WCAG 2.2 SC 2.4.3 Focus Order),
 * every focused control shows a visible outline (SC 2.4.7), and text, links and buttons have a
 * contrast ratio of at least 4.5:1 against what is behind them (SC 1.4.3), computed as WCAG 2.2
 * defines relative luminance.
 */
import t from 'tap';
import { launchChromium } from '../helpers/chromium.js';
import { startTestServer } from '../helpers/server.js';
import { writeUsersFile } from '../helpers/oidc-fixtures.js';

/** WCAG 2.2 relative luminance and contrast ratio of two `rgb(…)`/`rgba(…)` colours. */
const CONTRAST_IN_PAGE = `(() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll('h1, p, label, a, button, li, dt, dd, code, strong')) {
    if (!el.textContent.trim() || el.closest('[hidden]') || getComputedStyle(el).visibility === 'hidden' || el.getClientRects().length === 0) continue;
    const fg = parse(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    out.push({ text: el.textContent.trim().slice(0, 40), tag: el.tagName, ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100 });
  }
  return out;
})()`;

t.test('WCAG 2.2 SC 2.4.3, 2.4.7, 1.4.3: the sign-in page in light and dark: focus order, visible focus, contrast ≥ 4.5:1', async (t) => {
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  for (const theme of ['light', 'dark'] as const) {
    const server = await startTestServer(t, (dir) => ({ theme, session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] }, authentication_backend: { file: { path: writeUsersFile(dir), watch: false } } }));
    const page = await browser.newPage();
    await page.goto(`${server.url.replace('127.0.0.1', 'localhost')}/`);
    await page.waitForLoadState('networkidle');

    // Focus order: the form's controls in reading order (username has autofocus).
    const order: string[] = [];
    const outlines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const focused = await page.evaluate<{ id: string; outline: string }>(`(() => { const e = document.activeElement; const s = getComputedStyle(e); return { id: e.id || e.tagName.toLowerCase() + ':' + e.textContent.trim(), outline: s.outlineStyle + ' ' + s.outlineWidth }; })()`);
      order.push(focused.id);
      outlines.push(focused.outline);
      await page.keyboard.press('Tab');
    }
    t.same(order.slice(0, 4), ['username', 'password', 'remember_me', 'button:Sign in'], `${theme}: Tab follows the reading order`);
    for (const [i, outline] of outlines.entries()) t.notMatch(outline, /^none|\b0px$/, `${theme}: ${order[i]} shows where the focus is (${outline})`);

    const ratios = await page.evaluate<Array<{ text: string; tag: string; ratio: number }>>(CONTRAST_IN_PAGE);
    t.ok(ratios.length >= 5, `${theme}: ${ratios.length} text elements measured`);
    const low = ratios.filter((r) => r.ratio < 4.5);
    t.same(low, [], `${theme}: every text at least 4.5:1 (lowest ${Math.min(...ratios.map((r) => r.ratio))})`);
    await page.close();
  }
});
