/** The second-factor page: a one-time code from the person's authenticator app. */
import { html } from '../../util/html.js';
import { PORTAL_FIELDS as F } from './fields.js';
import { formState, signOutForm } from './form-parts.js';
import { renderLayout } from './layout.js';
import { oneTimeCodeInput } from './one-time-code.js';

export interface SecondFactorModel {
  csrfToken: string;
  action: string;
  username: string;
  error?: string | undefined;
  hidden: Readonly<Record<string, string>>;
  /** Set when the person has no TOTP yet: a link to the enrolment page. */
  enrolUrl?: string | undefined;
}

export function renderSecondFactor(model: SecondFactorModel): string {
  const enrol = model.enrolUrl
    ? html`<p>No authenticator app set up yet? <a href="${model.enrolUrl}">Set up one-time codes</a></p>\n`
    : null;
  return renderLayout({
    title: 'Two-factor verification',
    error: model.error,
    body: html`<p>Signed in as <strong>${model.username}</strong>.</p>
<form method="post" action="${model.action}">
${formState(model.csrfToken, model.hidden)}${oneTimeCodeInput(F.code, 'One-time code from your authenticator app', true)}
<p><button type="submit">Verify</button></p>
</form>
${enrol}${signOutForm(model.csrfToken)}`,
  });
}
