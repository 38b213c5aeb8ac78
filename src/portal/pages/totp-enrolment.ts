/** TOTP enrolment: scan (or type) the secret, then prove it works with one code. */
import { html, trustedHtml, type SafeHtml } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';
import { oneTimeCodeInput } from './one-time-code.js';

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

/** A GET form that makes a new secret with other parameters; only when there is a choice. */
function parameterChoice(model: TotpEnrolmentModel): SafeHtml | null {
  const c = model.choices;
  if (!c || (c.algorithms.length < 2 && c.digits.length < 2 && c.periods.length < 2)) return null;
  const select = (name: string, label: string, values: readonly (string | number)[], chosen: string | number) =>
    values.length < 2
      ? null
      : html`<p><label for="totp_${name}">${label}</label>
<select id="totp_${name}" name="${name}">${values.map((v) => html`<option value="${v}"${v === chosen ? html` selected` : null}>${v}</option>`)}</select></p>
`;
  return html`<form method="get" action="${model.action}" class="totp-choice">
${select('algorithm', 'Algorithm', c.algorithms, c.chosen.algorithm)}${select('digits', 'Digits', c.digits, c.chosen.digits)}${select('period', 'Seconds per code', c.periods, c.chosen.period)}<p><button type="submit" class="secondary">Use these settings</button></p>
</form>
`;
}

export function renderTotpEnrolment(model: TotpEnrolmentModel): string {
  return renderLayout({
    title: 'Set up one-time codes',
    error: model.error,
    body: html`<p>Scan this QR code with your authenticator app. It will appear as <strong>${model.issuer}</strong> (${model.username}).</p>
<div class="qr">${trustedHtml(model.qrSvg)}</div>
<p>Can't scan it? Enter this key in your app instead:</p>
<p><code class="secret">${groupsOfFour(model.secretBase32)}</code></p>
<p>On this device? <a href="${model.otpauthUri}">Open in your authenticator app</a></p>
${parameterChoice(model)}<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${oneTimeCodeInput(F.code, 'Enter a code from your app to finish', false)}
<p><button type="submit">Enable</button></p>
</form>
`,
  });
}

/** A base32 secret in groups of four, easier to read and type (authenticator apps ignore the spaces); anything else as it is. */
export function groupsOfFour(secret: string): string {
  return /^[A-Z2-7]+=*$/.test(secret) ? (secret.match(/.{1,4}/g) ?? []).join(' ') : secret;
}
