/** TOTP enrolment: scan (or type) the secret, then prove it works with one code. */
import { html, trustedHtml } from '../../util/html.js';
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
}

export function renderTotpEnrolment(model: TotpEnrolmentModel): string {
  return renderLayout({
    title: 'Set up one-time codes',
    error: model.error,
    body: html`<p>Scan this QR code with your authenticator app. It will appear as <strong>${model.issuer}</strong> (${model.username}).</p>
<div class="qr">${trustedHtml(model.qrSvg)}</div>
<p>Can't scan it? Enter this key in your app instead:</p>
<p><code class="secret">${model.secretBase32}</code></p>
<p>On this device? <a href="${model.otpauthUri}">Open in your authenticator app</a></p>
<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${oneTimeCodeInput(F.code, 'Enter a code from your app to finish', false)}
<p><button type="submit">Enable</button></p>
</form>
`,
  });
}
