/** Password reset: ask for a link by username, then choose a new password. */
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';

export interface ResetRequestModel {
  csrfToken: string;
  action: string;
  /** After the request: the same words whether or not the account exists. */
  sent: boolean;
  error?: string | undefined;
}

export function renderResetRequest(model: ResetRequestModel): string {
  const sent = model.sent
    ? html`<p role="status" class="notice">If the account exists and has an e-mail address, a link to reset its password is on its way. It works once, for a few minutes.</p>\n`
    : null;
  return renderLayout({
    title: 'Reset your password',
    error: model.error,
    body: html`${sent}<p>Enter your username: a link to choose a new password will be sent to your e-mail address.</p>
<form method="post" action="${model.action}">
${formState(model.csrfToken)}<p><label for="${F.username}">Username</label>
<input type="text" id="${F.username}" name="${F.username}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></p>
<p><button type="submit">Send me a link</button></p>
</form>
<p><a href="/">Back to sign in</a></p>
`,
  });
}

export interface NewPasswordModel {
  csrfToken: string;
  action: string;
  /** The link's token, carried to the POST. */
  token: string;
  username: string;
  /** What the password policy asks, in words. */
  rules: readonly string[];
  error?: string | undefined;
  problems?: readonly string[] | undefined;
}

export function renderNewPassword(model: NewPasswordModel): string {
  const problems = model.problems && model.problems.length > 0 ? html`<ul class="error">${model.problems.map((p) => html`<li>${p}</li>`)}</ul>\n` : null;
  const rules = model.rules.length > 0 ? html`<p>${model.rules.join(' ')}</p>\n` : null;
  return renderLayout({
    title: 'Choose a new password',
    error: model.error,
    body: html`<p>For <strong>${model.username}</strong>. Every session of this account ends when the password changes.</p>
${rules}${problems}<form method="post" action="${model.action}">
${formState(model.csrfToken, { token: model.token })}<p><label for="${F.username}">Username</label>
<input type="text" id="${F.username}" name="${F.username}" value="${model.username}" autocomplete="username" readonly></p>
<p><label for="${F.password}">New password</label>
<input type="password" id="${F.password}" name="${F.password}" autocomplete="new-password" required autofocus></p>
<p><label for="password_repeat">New password, again</label>
<input type="password" id="password_repeat" name="password_repeat" autocomplete="new-password" required></p>
<p><button type="submit">Change password</button></p>
</form>
`,
  });
}
