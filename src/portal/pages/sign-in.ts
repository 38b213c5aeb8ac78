/** The first-factor page: username and password. */
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState } from './form-parts.js';
import { renderLayout } from './layout.js';
import { webauthnForm, webauthnScriptTag } from './webauthn-script.js';

export interface SignInModel {
  csrfToken: string;
  /** Where the form posts; validated by the caller. */
  action: string;
  /** Pre-filled after a failed attempt. */
  username?: string | undefined;
  error?: string | undefined;
  /** `session.remember_me` is not disabled: offer the checkbox. */
  rememberMeAllowed: boolean;
  /** Carried through unchanged (rd, rm, flow id). */
  hidden: Readonly<Record<string, string>>;
  /** "Forgot password?": where to ask for a reset link, when the portal offers one. */
  resetPasswordUrl?: string | undefined;
  /** Passkey sign-in (webauthn.enable_passkey_login): where the assertion posts, the request options as JSON. */
  passkey?: { action: string; optionsJson: string } | undefined;
}

export function renderSignIn(model: SignInModel): string {
  const rememberMe = model.rememberMeAllowed
    ? html`<p class="check"><input type="checkbox" id="${F.rememberMe}" name="${F.rememberMe}" value="on"> <label for="${F.rememberMe}">Remember me</label></p>\n`
    : null;
  return renderLayout({
    title: 'Sign in',
    error: model.error,
    body: html`<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}<p><label for="${F.username}">Username</label>
<input type="text" id="${F.username}" name="${F.username}" value="${model.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></p>
<p><label for="${F.password}">Password</label>
<input type="password" id="${F.password}" name="${F.password}" autocomplete="current-password" required></p>
${rememberMe}<p><button type="submit">Sign in</button></p>
</form>
${model.resetPasswordUrl ? html`<p><a href="${model.resetPasswordUrl}">Forgot password?</a></p>
` : null}${model.passkey ? html`<div class="passkey">
${webauthnForm({ kind: 'get', action: model.passkey.action, optionsJson: model.passkey.optionsJson, state: formState(model.csrfToken, model.hidden), button: 'Sign in with a passkey', secondary: true })}</div>
${webauthnScriptTag()}` : null}`,
  });
}
