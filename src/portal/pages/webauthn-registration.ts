/** The WebAuthn registration page: the user's security keys and passkeys, and a form to add one. */
import { html } from '../../util/html.js';
import { formState, signOutForm } from './form-parts.js';
import { renderLayout } from './layout.js';
import { webauthnForm, webauthnScriptTag } from './webauthn-script.js';

export const WEBAUTHN_DESCRIPTION_FIELD = 'description';

export interface WebAuthnRegistrationModel {
  csrfToken: string;
  action: string;
  username: string;
  /** The registration options (PublicKeyCredentialCreationOptionsJSON) as JSON. */
  optionsJson: string;
  credentials: ReadonlyArray<{ description: string; created: string; lastUsed: string | null; passkey: boolean }>;
  hidden: Readonly<Record<string, string>>;
  error?: string | undefined;
  /** A success message after a registration. */
  notice?: string | undefined;
  /** Where to go on (the portal home). */
  doneUrl: string;
}

export function renderWebAuthnRegistration(model: WebAuthnRegistrationModel): string {
  const list = model.credentials.length === 0
    ? html`<p class="muted">No security key or passkey is registered yet.</p>\n`
    : html`<ul class="credentials">
${model.credentials.map((c) => html`<li><strong>${c.description}</strong>${c.passkey ? ' (passkey)' : ''} <span class="muted">added ${c.created}${c.lastUsed ? `, last used ${c.lastUsed}` : ''}</span></li>\n`)}</ul>\n`;
  return renderLayout({
    title: 'Security keys and passkeys',
    error: model.error,
    body: html`<p>Signed in as <strong>${model.username}</strong>.</p>
${model.notice ? html`<p role="status">${model.notice}</p>\n` : null}${list}${webauthnForm({
      kind: 'create',
      action: model.action,
      optionsJson: model.optionsJson,
      state: formState(model.csrfToken, model.hidden),
      fields: html`<p><label for="${WEBAUTHN_DESCRIPTION_FIELD}">Name of the new key</label>
<input type="text" id="${WEBAUTHN_DESCRIPTION_FIELD}" name="${WEBAUTHN_DESCRIPTION_FIELD}" maxlength="64" required autofocus></p>
`,
      button: 'Register a security key',
    })}<p><a href="${model.doneUrl}">Done</a></p>
${signOutForm(model.csrfToken)}${webauthnScriptTag()}`,
  });
}
