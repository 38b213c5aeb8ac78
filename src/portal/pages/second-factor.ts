/**
 * The second-factor page: a one-time code from the person's authenticator app, or their security
 * key (WebAuthn). It shows one method, the one asked for or the one the person used last, and
 * links to the other methods they have.
 */
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState, signOutForm } from './form-parts.js';
import { renderLayout } from './layout.js';
import { oneTimeCodeInput } from './one-time-code.js';
import { webauthnForm, webauthnScriptTag } from './webauthn-script.js';

export type SecondFactorMethodName = 'totp' | 'webauthn';

export interface SecondFactorModel {
  csrfToken: string;
  action: string;
  username: string;
  error?: string | undefined;
  hidden: Readonly<Record<string, string>>;
  /** Set when the person has no TOTP yet: a link to the enrolment page. */
  enrolUrl?: string | undefined;
  /** The method shown; TOTP when not given. */
  method?: SecondFactorMethodName | undefined;
  /** The person's other methods, each a link that shows it. */
  otherMethods?: ReadonlyArray<{ method: SecondFactorMethodName; url: string }> | undefined;
  /** For method 'webauthn': where the assertion posts and the request options as JSON. */
  webauthn?: { action: string; optionsJson: string } | undefined;
}

const SWITCH_TEXT: Readonly<Record<SecondFactorMethodName, string>> = Object.freeze({
  totp: 'Use a one-time code instead',
  webauthn: 'Use a security key instead',
});

export function renderSecondFactor(model: SecondFactorModel): string {
  const enrol = model.enrolUrl
    ? html`<p>No authenticator app set up yet? <a href="${model.enrolUrl}">Set up one-time codes</a></p>\n`
    : null;
  const others = (model.otherMethods ?? []).map((o) => html`<p><a href="${o.url}">${SWITCH_TEXT[o.method]}</a></p>\n`);
  const form = model.method === 'webauthn' && model.webauthn
    ? html`<p>Use your security key or passkey to finish signing in.</p>
${webauthnForm({ kind: 'get', action: model.webauthn.action, optionsJson: model.webauthn.optionsJson, state: formState(model.csrfToken, model.hidden), button: 'Use security key' })}`
    : html`<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${oneTimeCodeInput(F.code, 'One-time code from your authenticator app', true)}
<p><button type="submit">Verify</button></p>
</form>
`;
  return renderLayout({
    title: 'Two-factor verification',
    error: model.error,
    body: html`<p>Signed in as <strong>${model.username}</strong>.</p>
${form}${others}${enrol}${signOutForm(model.csrfToken)}${model.method === 'webauthn' && model.webauthn ? webauthnScriptTag() : null}`,
  });
}
