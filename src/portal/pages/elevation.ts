/** Identity verification: send a one-time code to the person's e-mail, then type it. */
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';

export interface ElevationModel {
  csrfToken: string;
  /** Where "send a code" posts. */
  sendAction: string;
  /** Where the code posts. */
  verifyAction: string;
  /** The address the code goes to, partly hidden (a***@example.com). */
  maskedAddress: string;
  /** A code was just sent. */
  sent: boolean;
  codeLength: number;
  hidden: Readonly<Record<string, string>>;
  error?: string | undefined;
}

/** `alice@example.com` → `a***@example.com`. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

export function renderElevation(model: ElevationModel): string {
  const sent = model.sent ? html`<p role="status" class="notice">A code was sent to ${model.maskedAddress}. It works once, for a few minutes.</p>\n` : null;
  return renderLayout({
    title: 'Confirm it is you',
    error: model.error,
    body: html`${sent}<p>Adding or removing a second factor needs a one-time code sent to your e-mail address (${model.maskedAddress}).</p>
<form method="post" action="${model.sendAction}">
${formState(model.csrfToken, model.hidden)}<p><button type="submit" class="${model.sent ? 'secondary' : ''}">${model.sent ? 'Send another code' : 'Send me a code'}</button></p>
</form>
<form method="post" action="${model.verifyAction}">
${formState(model.csrfToken, model.hidden)}<p><label for="${F.code}">Code from the e-mail</label>
<input type="text" id="${F.code}" name="${F.code}" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" minlength="${model.codeLength}" maxlength="${model.codeLength + 4}" required${model.sent ? html` autofocus` : null}></p>
<p><button type="submit">Confirm</button></p>
</form>
`,
  });
}
