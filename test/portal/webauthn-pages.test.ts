/**
 * The WebAuthn pages (registration, the second factor with a security key, sign-in with a passkey):
 * hostile text escaped everywhere (the options JSON included, which travels in an attribute), every
 * form a CSRF-carrying POST, every control labelled, and exactly one script — the static
 * /static/webauthn.js, with the SHA-256 the CSP allows as its integrity — and nothing inline.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { renderSecondFactor, renderSignIn } from '../../src/portal/pages/index.js';
import { describeFactors } from '../../src/portal/pages/signed-in.js';
import { renderWebAuthnRegistration } from '../../src/portal/pages/webauthn-registration.js';
import { WEBAUTHN_SCRIPT, WEBAUTHN_SCRIPT_HASH, WEBAUTHN_SCRIPT_PATH } from '../../src/portal/pages/webauthn-script.js';
import { forms, hiddenFields, labelProblems, tags } from './html-assertions.js';

const TOKEN = 'tok_abc-123';
const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>' onfocus='alert(3)`;
const options = (s: string): string => JSON.stringify({ challenge: s, rpId: s, allowCredentials: [{ id: s, type: 'public-key' }] });

const PAGES: Record<string, { render: (s: string, csrfToken: string) => string; forms: number }> = {
  'webauthn-registration': {
    forms: 2,
    render: (s, csrfToken) =>
      renderWebAuthnRegistration({
        csrfToken, action: s, username: s, optionsJson: options(s), hidden: { rd: s }, error: s, notice: s, doneUrl: s,
        credentials: [{ description: s, created: s, lastUsed: s, passkey: true }, { description: s, created: s, lastUsed: null, passkey: false }],
      }),
  },
  'second-factor with a security key': {
    forms: 2,
    render: (s, csrfToken) =>
      renderSecondFactor({ csrfToken, action: s, username: s, error: s, hidden: { rd: s }, method: 'webauthn', otherMethods: [{ method: 'totp', url: s }], webauthn: { action: s, optionsJson: options(s) } }),
  },
  'sign-in with a passkey': {
    forms: 2,
    render: (s, csrfToken) => renderSignIn({ csrfToken, action: s, username: s, error: s, rememberMeAllowed: true, hidden: { rd: s }, passkey: { action: s, optionsJson: options(s) } }),
  },
};

const INTEGRITY = `sha256-${createHash('sha256').update(WEBAUTHN_SCRIPT, 'utf8').digest('base64')}`;

t.test('exactly one script: the static file, with the integrity the CSP hash allows; nothing inline', async (t) => {
  t.equal(WEBAUTHN_SCRIPT_HASH, `'${INTEGRITY}'`, 'script-src and integrity are one hash');
  for (const [name, page] of Object.entries(PAGES)) {
    for (const text of ['Plain', HOSTILE]) {
      const out = page.render(text, TOKEN);
      const scripts = [...out.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
      t.same(scripts.map((m) => [m[0].replace(/>[\s\S]*$/, '>'), m[1]]), [[`<script src="${WEBAUTHN_SCRIPT_PATH}" integrity="${INTEGRITY}" defer>`, '']], `${name}: one external script, empty body`);
      for (const tag of tags(out)) {
        for (const attr of Object.keys(tag.attrs)) t.notMatch(attr, /^(on|style$)|'|"/, `${name}: ${tag.name} attribute ${attr}`);
      }
    }
  }
});

t.test('escaping: hostile text stays text, in the page and in the options attribute', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    const out = page.render(HOSTILE, TOKEN);
    t.notMatch(out, /<img src=x/i, `${name}: no injected element`);
    t.equal(out.match(/<script/gi)?.length, 1, `${name}: no injected script`);
    const carried = tags(out).find((tag) => tag.attrs['data-options'] !== undefined)?.attrs['data-options'];
    t.ok(carried, `${name}: the options travel in data-options`);
    t.notMatch(carried!, /["<>]/, `${name}: escaped inside the attribute`);
  }
});

t.test('CSRF: every form posts with its csrf_token first; the ceremony form has the empty credential field', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    const found = forms(page.render('Plain', TOKEN));
    t.equal(found.length, page.forms, `${name}: form count`);
    for (const form of found) {
      t.match(form, /^<form method="post" action="[^"]*"/, `${name}: method="post"`);
      t.same(hiddenFields(form)[0], ['csrf_token', TOKEN], `${name}: csrf_token first`);
    }
    const ceremony = found.find((f) => f.includes('data-webauthn='));
    t.ok(ceremony && hiddenFields(ceremony).some(([n, v]) => n === 'credential' && v === ''), `${name}: credential field`);
  }
});

t.test('labels: every label points at one control, every visible control has a label', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) t.same(labelProblems(page.render('Plain', TOKEN)), [], name);
});

t.test('the signed-in page names the factors from the session amr', async (t) => {
  const cases: Array<[level: 'one_factor' | 'two_factor', amr: string[] | undefined, text: string]> = [
    ['one_factor', ['pwd'], 'Password (one factor)'],
    ['two_factor', ['pwd', 'otp', 'mfa'], 'Password and one-time code (two factors)'],
    ['two_factor', ['pwd', 'hwk', 'user', 'mfa'], 'Password and security key (two factors)'],
    ['one_factor', ['pop', 'hwk', 'user'], 'Passkey (one factor)'],
    ['two_factor', ['pop', 'hwk', 'user', 'mfa'], 'Passkey with PIN or biometric (two factors)'],
    ['two_factor', ['pop', 'hwk', 'user', 'otp', 'mfa'], 'Passkey and one-time code (two factors)'],
    ['two_factor', undefined, 'Password and one-time code (two factors)'],
  ];
  for (const [level, amr, text] of cases) t.equal(describeFactors(level, amr), text, (amr ?? ['(none)']).join(','));
});
