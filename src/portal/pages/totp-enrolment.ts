/** TOTP enrolment: scan (or type) the secret, then prove it works with one code. */
import { html, trustedHtml, type SafeHtml } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';
import { oneTimeCodeInput } from './one-time-code.js';
import { copyButton, copyScriptTag } from './copy-script.js';

export interface TotpEnrolmentModel {
  csrfToken: string;
  action: string;
  username: string;
  /** otpauth://totp/… URI (Key URI format); opens the app directly on a phone. */
  otpauthUri: string;
  /** Trusted SVG from `qrCodeSvg` (../qr-code.ts), which carries its own role="img" and aria-label: inserted without escaping. */
  qrSvg: string;
  secretBase32: string;
  issuer: string;
  error?: string | undefined;
  hidden: Readonly<Record<string, string>>;
  /** `totp.allowed_*`: offered as a choice when there is more than one of any. */
  choices?: {
    algorithms: readonly string[];
    digits: readonly number[];
    periods: readonly number[];
    chosen: { algorithm: string; digits: number; period: number };
  };
}

/**
 * Links that make a new secret with other parameters (`totp.allowed_*`), one row per parameter
 * with more than one choice; plain links, as choosing changes nothing stored.
 */
function parameterChoice(model: TotpEnrolmentModel): SafeHtml | null {
  const c = model.choices;
  if (!c || (c.algorithms.length < 2 && c.digits.length < 2 && c.periods.length < 2)) return null;
  const href = (over: Partial<{ algorithm: string; digits: number; period: number }>) => {
    const chosen = { ...c.chosen, ...over };
    return `${model.action}?${new URLSearchParams({ algorithm: chosen.algorithm, digits: String(chosen.digits), period: String(chosen.period) }).toString()}`;
  };
  const row = <T extends string | number>(label: string, values: readonly T[], chosen: T, over: (v: T) => Parameters<typeof href>[0], unit = '') =>
    values.length < 2
      ? null
      : html`<li>${label}: ${values.map((v, i) => html`${i > 0 ? ' · ' : ''}${v === chosen ? html`<strong aria-current="true">${v}${unit}</strong>` : html`<a href="${href(over(v))}">${v}${unit}</a>`}`)}</li>
`;
  return html`<p>Your app needs other settings? Choose them (a new key is made):</p>
<ul class="totp-choice">
${row('Algorithm', c.algorithms, c.chosen.algorithm, (algorithm) => ({ algorithm }))}${row('Digits', c.digits, c.chosen.digits, (digits) => ({ digits }))}${row('Period', c.periods, c.chosen.period, (period) => ({ period }), ' s')}</ul>
`;
}

export function renderTotpEnrolment(model: TotpEnrolmentModel): string {
  return renderLayout({
    title: 'Set up one-time codes',
    error: model.error,
    body: html`<p>Scan this QR code with your authenticator app. It will appear as <strong>${model.issuer}</strong> (${model.username}).</p>
<div class="qr">${trustedHtml(model.qrSvg)}</div>
<p>Can't scan it? Enter this key in your app instead:</p>
<p><code class="secret">${groupsOfFour(model.secretBase32)}</code> ${copyButton(model.secretBase32, 'Copy the key')}</p>
<p>On this device? <a href="${model.otpauthUri}">Open in your authenticator app</a></p>
${parameterChoice(model)}<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${oneTimeCodeInput(F.code, 'Enter a code from your app to finish', false)}
<p><button type="submit">Enable</button></p>
</form>
${copyScriptTag()}`,
  });
}

/** A base32 secret in groups of four, easier to read and type (authenticator apps ignore the spaces); anything else as it is. */
export function groupsOfFour(secret: string): string {
  return /^[A-Z2-7]+=*$/.test(secret) ? (secret.match(/.{1,4}/g) ?? []).join(' ') : secret;
}
