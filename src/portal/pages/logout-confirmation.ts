/**
 * "Sign out?": asked when a sign-out request cannot be tied to the signed-in person (OIDC
 * RP-Initiated Logout 1.0 §2: no id_token_hint, or one of another session; or a sign-out link
 * followed from another site). A CSRF-protected form, posting the request back unchanged.
 */
import { html } from '../../util/html.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';

export type LogoutChoice = 'sign_out' | 'stay';
/** The submit button's field. */
export const LOGOUT_CHOICE_FIELD = 'logout';

export interface LogoutConfirmationModel {
  csrfToken: string;
  action: string;
  username: string;
  /** The client that asks, when the request names one. */
  clientName?: string | undefined;
  /** RP-Initiated Logout 1.0 §2 `logout_hint`, shown as the client sent it when it names someone else. */
  logoutHint?: string | undefined;
  hidden: Readonly<Record<string, string>>;
}

const SIGN_OUT: LogoutChoice = 'sign_out';
const STAY: LogoutChoice = 'stay';

export function renderLogoutConfirmation(model: LogoutConfirmationModel): string {
  const who = model.clientName === undefined
    ? html`<p>Do you want to sign out of Gatehouse?</p>\n`
    : html`<p><strong>${model.clientName}</strong> asks to sign you out of Gatehouse.</p>\n`;
  const hint = model.logoutHint !== undefined && model.logoutHint !== model.username
    ? html`<p class="muted">The request is for <strong>${model.logoutHint}</strong>.</p>\n`
    : null;
  return renderLayout({
    title: 'Sign out?',
    body: html`${who}<p>You are signed in as <strong>${model.username}</strong>. Signing out also signs you out of the applications you used through Gatehouse.</p>
${hint}<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}<p class="actions"><button type="submit" name="${LOGOUT_CHOICE_FIELD}" value="${SIGN_OUT}">Sign out</button>
<button type="submit" name="${LOGOUT_CHOICE_FIELD}" value="${STAY}" class="secondary">Stay signed in</button></p>
</form>
`,
  });
}
