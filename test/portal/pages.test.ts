import t from 'tap';
import { COPY_SCRIPT, COPY_SCRIPT_HASH, copyScriptTag } from '../../src/portal/pages/copy-script.js';
import { createHash } from 'node:crypto';
import {
  describeScope,
  renderConsent,
  renderError,
  renderSecondFactor,
  renderSignedIn,
  renderLogoutConfirmation,
  renderSignedOut,
  renderSignIn,
  SIGNED_OUT_SCRIPT_HASH,
  renderTotpEnrolment,
  renderSettings,
  renderElevation,
  renderResetRequest,
  renderNewPassword,
} from '../../src/portal/pages/index.js';
import { qrCodeSvg } from '../../src/portal/pages/qr-code.js';
import { count, cspViolations, forms, hiddenFields, labelProblems, tags } from './html-assertions.js';

const TOKEN = 'tok_abc-123';
/** Breaks out of a double- or single-quoted attribute and of text, if anything were left unescaped. */
const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>' onfocus='alert(3)`;
const QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><path d="M0 0h7v7H0z"/></svg>';
const OTPAUTH = 'otpauth://totp/Gatehouse:john?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse&digits=6';

type Page = (text: string, csrfToken: string) => string;

/** Every page, rendered with every caller-supplied string set to `text`. */
const PAGES: Record<string, { render: Page; forms: number }> = {
  'sign-in': {
    forms: 1,
    render: (s, csrfToken) => renderSignIn({ csrfToken, action: s, username: s, error: s, rememberMeAllowed: true, hidden: { rd: s, [s]: s } }),
  },
  'second-factor': {
    forms: 2,
    render: (s, csrfToken) => renderSecondFactor({ csrfToken, action: s, username: s, error: s, hidden: { rd: s }, enrolUrl: s }),
  },
  'totp-enrolment': {
    forms: 1,
    render: (s, csrfToken) =>
      renderTotpEnrolment({ csrfToken, action: s, username: s, otpauthUri: s, qrSvg: QR, secretBase32: s, issuer: s, error: s, hidden: { flow: s } }),
  },
  consent: {
    forms: 1,
    render: (s, csrfToken) =>
      renderConsent({
        csrfToken, action: s, clientName: s, clientId: s, scopes: ['openid', s], audience: [s],
        rememberAllowed: true, rememberDurationText: s, username: s, hidden: { flow_id: s },
      }),
  },
  'signed-out': { forms: 0, render: (s) => renderSignedOut({ portalUrl: s }) },
  'signed-out with front-channel frames': { forms: 0, render: (s) => renderSignedOut({ portalUrl: s, frames: [{ client_id: s, src: s }] }) },
  'logout-confirmation': {
    forms: 1,
    render: (s, csrfToken) => renderLogoutConfirmation({ csrfToken, action: s, username: s, clientName: s, logoutHint: `${s}!`, hidden: { state: s, [s]: s } }),
  },
  error: { forms: 0, render: (s) => renderError({ title: s, message: s, status: 400 }) },
  'totp-enrolment with a choice of parameters': {
    forms: 1,
    render: (s, csrfToken) =>
      renderTotpEnrolment({
        csrfToken, action: s, username: s, otpauthUri: s, qrSvg: QR, secretBase32: s, issuer: s, error: s, hidden: { flow: s },
        choices: { algorithms: ['SHA1', s], digits: [6, 8], periods: [30, 60], chosen: { algorithm: s, digits: 6, period: 30 } },
      }),
  },
  settings: {
    forms: 3,
    render: (s, csrfToken) =>
      renderSettings({
        csrfToken, username: s, displayName: s, elevatedUntilMs: null, elevationUrl: s, removeAction: s, notice: s, error: s,
        factors: [{ method: 'totp', id: s, description: s, created_at_ms: 0, last_used_at_ms: null }, { method: s, id: s, description: s, created_at_ms: 0, last_used_at_ms: 0 }],
        addLinks: [{ label: s, href: s }],
      }),
  },
  elevation: {
    forms: 2,
    render: (s, csrfToken) => renderElevation({ csrfToken, sendAction: s, verifyAction: s, maskedAddress: s, sent: true, codeLength: 8, hidden: { next: s }, error: s }),
  },
  'reset-password request': { forms: 1, render: (s, csrfToken) => renderResetRequest({ csrfToken, action: s, sent: true, error: s }) },
  'reset-password new password': {
    forms: 1,
    render: (s, csrfToken) => renderNewPassword({ csrfToken, action: s, token: s, username: s, rules: [s], problems: [s], error: s }),
  },
  'signed-in': {
    forms: 1,
    render: (s, csrfToken) => renderSignedIn({ username: s, displayName: s, level: 'one_factor', csrfToken, enrolUrl: s, hasTotp: false }),
  },
};

t.test('layout: every page is a complete document with the shared head and one main/h1', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    const out = page.render('Plain', TOKEN);
    t.match(out, /^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/, `${name}: doctype, lang, charset first`);
    t.match(out, /<meta name="viewport" content="width=device-width, initial-scale=1">/, `${name}: viewport`);
    t.match(out, /<meta name="referrer" content="no-referrer">/, `${name}: no referrer leaks the query (codes, state)`);
    t.match(out, /<title>[^<]+ — Gatehouse<\/title>/, `${name}: title names the site`);
    t.match(out, /<link rel="stylesheet" href="\/static\/style.css">/, `${name}: our one stylesheet`);
    t.equal(count(out, /<main\b/), 1, `${name}: one main`);
    t.equal(count(out, /<h1>/), 1, `${name}: one h1`);
  }
});

/**
 * The one script a portal page in this table may carry: the TOTP enrolment page's copy button, an
 * external file allowed by its hash (src/portal/pages/copy-script.ts). Removed, exactly as rendered,
 * before the checks below; anything else that looks like a script still fails them.
 */
const OUR_SCRIPT_TAG = copyScriptTag().toString();
const withoutOurScript = (markup: string): string => markup.replace(OUR_SCRIPT_TAG, '');

t.test('CSP: no inline style, no script, no on* handlers, no javascript: URLs (src/http/headers.ts policy)', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    t.same(cspViolations(withoutOurScript(page.render('Plain', TOKEN))), [], `${name}: plain`);
    t.same(cspViolations(withoutOurScript(page.render(HOSTILE, TOKEN))), [], `${name}: hostile input stays inert`);
  }
});

t.test('the TOTP enrolment page carries one script, external, whose integrity is the hash its CSP allows (CSP3 §8.3)', async (t) => {
  const out = PAGES['totp-enrolment'].render('Plain', TOKEN);
  t.equal(count(out, /<script\b/), 1);
  t.match(out, `<script src="/static/copy.js" integrity="sha256-${createHash('sha256').update(COPY_SCRIPT, 'utf8').digest('base64')}" defer></script>`);
  t.equal(COPY_SCRIPT_HASH, `'sha256-${createHash('sha256').update(COPY_SCRIPT, 'utf8').digest('base64')}'`);
  t.match(out, /<button type="button" class="copy" data-copy="[^"]+" aria-label="Copy the key" hidden>Copy<\/button>/, 'hidden until the script shows it');
});

t.test('the checks themselves catch what they look for', async (t) => {
  t.same(cspViolations('<p style="x" onclick="y">a</p><script>b</script><style>c</style><a href=" javascript:z">'), [
    '<script>', '<style>', 'style attribute', 'onclick attribute', 'javascript: in href',
  ]);
  t.same(cspViolations('<p title="onclick=&quot;x&quot; style=">'), [], 'text inside a quoted value is not an attribute');
  t.same(labelProblems('<label for="a">A</label><input id="b"><input type="hidden" name="c">'), [
    'label for="a" matches 0 ids', '<input id="b"> has no label',
  ]);
});

t.test('escaping: hostile text never becomes markup, in text or in attributes', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    const out = withoutOurScript(page.render(HOSTILE, TOKEN));
    t.notMatch(out, /<script/i, `${name}: no raw <script>`);
    // The one image is the layout's logo beside the product name.
    t.notMatch(out, /<img(?! src="\/static\/logo" alt="" width="32" height="32">)/i, `${name}: no injected element`);
    t.match(out, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${name}: shown as text`);
    // Every tag still parses to known attributes only: nothing broke out of a quoted value.
    for (const tag of tags(out)) {
      for (const attr of Object.keys(tag.attrs)) t.notMatch(attr, /^(on|style$)|'|"/, `${name}: ${tag.name} attribute ${attr}`);
    }
  }
});

t.test('CSRF: every form posts and carries the csrf_token hidden field first', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) {
    const found = forms(page.render('Plain', TOKEN));
    t.equal(found.length, page.forms, `${name}: form count`);
    for (const form of found) {
      t.match(form, /^<form method="post" action="[^"]*"/, `${name}: method="post"`);
      t.same(hiddenFields(form)[0], ['csrf_token', TOKEN], `${name}: csrf_token first`);
      t.equal(hiddenFields(form).filter(([n]) => n === 'csrf_token').length, 1, `${name}: exactly one csrf_token`);
    }
  }
});

t.test('labels: every label points at exactly one control and every visible control has a label', async (t) => {
  for (const [name, page] of Object.entries(PAGES)) t.same(labelProblems(page.render('Plain', TOKEN)), [], name);
});

t.test('hidden values are carried through, escaped, and cannot override the CSRF field', async (t) => {
  const out = renderSignIn({
    csrfToken: TOKEN, action: '/login', rememberMeAllowed: false,
    hidden: { rd: 'https://app.example.com/?a=1&b="2"', flow_id: 'f-1', csrf_token: 'attacker' },
  });
  t.same(hiddenFields(out), [['csrf_token', TOKEN], ['rd', 'https://app.example.com/?a=1&amp;b=&quot;2&quot;'], ['flow_id', 'f-1']]);
});

t.test('sign-in: fields, autocomplete hints, remember-me only when allowed, error as alert', async (t) => {
  const base = { csrfToken: TOKEN, action: '/login?x=1&y=2', hidden: {} };
  const allowed = renderSignIn({ ...base, rememberMeAllowed: true, username: 'john', error: 'Incorrect username or password.' });
  const refused = renderSignIn({ ...base, rememberMeAllowed: false });
  t.match(allowed, '<form method="post" action="/login?x=1&amp;y=2">', 'action escaped');
  t.match(allowed, /<input type="text" id="username" name="username" value="john" autocomplete="username"[^>]* required autofocus>/);
  t.match(allowed, /<input type="password" id="password" name="password" autocomplete="current-password" required>/);
  t.match(allowed, '<p role="alert" class="error">Incorrect username or password.</p>');
  t.match(allowed, '<button type="submit">Sign in</button>');
  const cases: [string, string, boolean][] = [['allowed', allowed, true], ['not allowed', refused, false]];
  for (const [label, out, present] of cases) {
    t.equal(out.includes('name="remember_me"'), present, `remember me ${label}`);
    t.equal(out.includes('Remember me'), present, `remember me label ${label}`);
  }
  t.notMatch(refused, /role="alert"/, 'no alert without an error');
  t.match(refused, 'value=""', 'empty username when none is given');
});

t.test('second factor: one-time code input, enrol link only when given, sign-out posts to /logout', async (t) => {
  const base = { csrfToken: TOKEN, action: '/2fa', username: 'john', hidden: { rd: '/x' } };
  const withEnrol = renderSecondFactor({ ...base, enrolUrl: '/totp/enrol?a=1&b=2', error: 'The code is not valid.' });
  const enrolled = renderSecondFactor(base);
  t.match(withEnrol, /<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="\[0-9\]\{6,8\}"[^>]* required autofocus>/);
  t.match(withEnrol, '<button type="submit">Verify</button>');
  t.match(withEnrol, '<a href="/totp/enrol?a=1&amp;b=2">Set up one-time codes</a>');
  t.notMatch(enrolled, /Set up one-time codes/);
  t.match(withEnrol, '<p role="alert" class="error">The code is not valid.</p>');
  const signOut = forms(enrolled)[1];
  t.match(signOut, /^<form method="post" action="\/logout"/);
  t.same(hiddenFields(signOut), [['csrf_token', TOKEN]], 'sign-out carries only the CSRF token');
  t.match(signOut, 'Sign out</button>');
  t.match(enrolled, 'Signed in as <strong>john</strong>');
});

t.test('TOTP enrolment: QR inserted as markup, secret in <code>, otpauth link, confirm code, Enable', async (t) => {
  const out = renderTotpEnrolment({
    csrfToken: TOKEN, action: '/totp/enrol', username: 'john', otpauthUri: OTPAUTH, qrSvg: QR,
    secretBase32: 'JBSWY3DPEHPK3PXP', issuer: 'Gatehouse', hidden: {},
  });
  t.match(out, `<div class="qr">${QR}</div>`, 'trusted SVG inserted raw');
  t.match(out, '<code class="secret">JBSW Y3DP EHPK 3PXP</code>', 'the secret in groups of four');
  t.match(out, `<a href="${OTPAUTH.replaceAll('&', '&amp;')}">`, 'otpauth URI as an escaped link');
  t.match(out, '<label for="code">Enter a code from your app to finish</label>');
  t.match(out, /autocomplete="one-time-code" pattern="\[0-9\]\{6,8\}"/);
  t.match(out, '<button type="submit">Enable</button>');
  t.match(out, '<strong>Gatehouse</strong> (john)');
});

t.test('TOTP enrolment with the real QR code module: still CSP-clean, one labelled image', async (t) => {
  const out = renderTotpEnrolment({
    csrfToken: TOKEN, action: '/totp/enrol', username: 'john', otpauthUri: OTPAUTH, qrSvg: await qrCodeSvg(OTPAUTH),
    secretBase32: 'JBSWY3DPEHPK3PXP', issuer: 'Gatehouse', hidden: {},
  });
  t.same(cspViolations(withoutOurScript(out)), []);
  t.equal(count(out, /role="img"/), 1, 'the SVG labels itself; the page adds no second image role');
  t.match(out, /<div class="qr"><svg role="img" aria-label="QR code for your authenticator app" /);
});

t.test('describeScope: plain words for known scopes, the name itself otherwise', async (t) => {
  const table: [string, string][] = [
    ['openid', 'Verify your identity'],
    ['offline_access', 'Stay signed in (refresh tokens)'],
    ['profile', 'Your name and username'],
    ['email', 'Your email addresses'],
    ['groups', 'Your group memberships'],
    ['authelia.bearer.authz', 'Access protected resources on your behalf'],
    ['read:invoices', 'read:invoices'],
    ['constructor', 'constructor'],
    ['__proto__', '__proto__'],
  ];
  for (const [scope, words] of table) t.equal(describeScope(scope), words, scope);
});

t.test('consent: client, scopes in plain words, audience when present, remember only when allowed, accept/deny', async (t) => {
  const base = {
    csrfToken: TOKEN, action: '/consent', clientName: 'Nextcloud', clientId: 'nextcloud',
    scopes: ['openid', 'email', 'read:files'], username: 'john', hidden: { flow_id: 'f1' },
  };
  const full = renderConsent({ ...base, audience: ['https://files.example.com'], rememberAllowed: true, rememberDurationText: '1 week' });
  const bare = renderConsent({ ...base, audience: [], rememberAllowed: false });
  t.match(full, '<strong>Nextcloud</strong> <span class="muted">(nextcloud)</span>');
  t.match(full, '<li>Verify your identity <code>openid</code></li>\n<li>Your email addresses <code>email</code></li>\n<li>read:files</li>');
  t.match(full, '<li><code>https://files.example.com</code></li>');
  t.notMatch(bare, /class="audience"/, 'no audience list when empty');
  t.match(full, '<input type="checkbox" id="remember" name="remember" value="on"> <label for="remember">Remember this consent for 1 week</label>');
  t.notMatch(bare, /name="remember"/, 'no remember checkbox when not allowed');
  t.match(renderConsent({ ...base, audience: [], rememberAllowed: true }), '<label for="remember">Remember this consent</label>');
  const [form, ...others] = forms(full);
  t.equal(others.length, 0, 'one form');
  t.match(form, '<button type="submit" name="decision" value="accept">Allow</button>');
  t.match(form, '<button type="submit" name="decision" value="deny" class="secondary">Deny</button>');
  t.ok(form.indexOf('value="accept"') < form.indexOf('value="deny"'), 'accept first: it is the Enter-key default');
});

t.test('signed out: says so and links back to the portal', async (t) => {
  const out = renderSignedOut({ portalUrl: 'https://auth.example.com/?rd=a&b' });
  t.match(out, '<h1>You are signed out</h1>');
  t.match(out, '<a href="https://auth.example.com/?rd=a&amp;b">Sign in again</a>');
});

t.test('error page: title, message as alert, status as a reference, nothing else', async (t) => {
  const out = renderError({ title: 'Request not valid', message: 'The sign-in link has expired.', status: 400 });
  t.match(out, '<title>Request not valid — Gatehouse</title>');
  t.match(out, '<h1>Request not valid</h1>');
  t.match(out, '<p role="alert" class="error">The sign-in link has expired.</p>');
  t.match(out, '<p class="muted">Error 400</p>');
  t.notMatch(renderError({ title: 'Oops', message: 'Try again.' }), /Error \d/, 'no status line without a status');
});

t.test('signed in: who, which level, enrol link only without TOTP, sign-out form', async (t) => {
  const base = { username: 'john', displayName: 'John Doe', csrfToken: TOKEN, enrolUrl: '/totp/enrol' };
  const cases: [string, Parameters<typeof renderSignedIn>[0], string, boolean][] = [
    ['one factor, no TOTP', { ...base, level: 'one_factor', hasTotp: false }, 'Password (one factor)', true],
    ['two factors', { ...base, level: 'two_factor', hasTotp: true }, 'Password and one-time code (two factors)', false],
    ['no TOTP but no enrol URL', { ...base, enrolUrl: undefined, level: 'one_factor', hasTotp: false }, 'Password (one factor)', false],
  ];
  for (const [name, model, level, enrolLink] of cases) {
    const out = renderSignedIn(model);
    t.match(out, '<dt>Name</dt><dd>John Doe</dd>', name);
    t.match(out, '<dt>Username</dt><dd>john</dd>', name);
    t.match(out, `<dt>Signed in with</dt><dd>${level}</dd>`, name);
    t.equal(out.includes('<a href="/totp/enrol">Set up one-time codes</a>'), enrolLink, `${name}: enrol link`);
    t.match(forms(out)[0], /^<form method="post" action="\/logout"/, `${name}: sign-out form`);
  }
});

t.test('OIDC Front-Channel Logout 1.0 §4: the signed-out page runs its one script only when it has somewhere to go, and the CSP hash is of exactly that script', async (t) => {
  const page = renderSignedOut({ portalUrl: '/', frames: [{ client_id: 'a', src: 'https://a.example.com/fc?sid=1' }], continueUrl: HOSTILE });
  const scripts = [...page.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]);
  t.equal(scripts.length, 1);
  t.equal(`'sha256-${createHash('sha256').update(scripts[0], 'utf8').digest('base64')}'`, SIGNED_OUT_SCRIPT_HASH);
  t.notMatch(page, '<script>alert', 'the continue URL is escaped');
  t.match(page, '<iframe class="front-channel" src="https://a.example.com/fc?sid=1" title="Signing out of a" hidden></iframe>');
  t.notMatch(renderSignedOut({ portalUrl: '/', frames: [{ client_id: 'a', src: 'https://a.example.com/fc' }] }), '<script>', 'no redirect to follow: no script');
});
