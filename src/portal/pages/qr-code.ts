/**
 * QR codes for TOTP enrolment, as inline SVG: no image request, no script, and the page's CSP
 * (`img-src 'self'`) stays as it is. `qrcode` is loaded with the first enrolment page, not at
 * start-up (issue #14).
 */

const DEFAULT_LABEL = 'QR code for your authenticator app';

/** An `<svg>` element (error correction M, 2-module margin) with `role="img"` and an `aria-label`. */
export async function qrCodeSvg(text: string, label: string = DEFAULT_LABEL): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${escapeAttribute(label)}" `);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
