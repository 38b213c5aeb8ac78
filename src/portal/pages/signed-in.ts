/** The portal home for someone already signed in: who, how strongly, and what to do next. */
import { html } from '../../util/html.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import { signOutForm } from './form-parts.js';
import { renderLayout } from './layout.js';

export type AuthenticationLevel = 'one_factor' | 'two_factor';

export interface SignedInModel {
  username: string;
  displayName: string;
  level: AuthenticationLevel;
  csrfToken: string;
  /** Where to set up TOTP; the link shows only when `hasTotp` is false. */
  enrolUrl?: string | undefined;
  hasTotp: boolean;
}

const LEVEL_TEXT: Readonly<Record<AuthenticationLevel, string>> = Object.freeze({
  one_factor: 'Password (one factor)',
  two_factor: 'Password and one-time code (two factors)',
});

export function renderSignedIn(model: SignedInModel): string {
  const enrol = !model.hasTotp && model.enrolUrl
    ? html`<p>You have not set up one-time codes yet. <a href="${model.enrolUrl}">Set up one-time codes</a></p>\n`
    : null;
  return renderLayout({
    title: 'You are signed in',
    body: html`<dl>
<dt>Name</dt><dd>${model.displayName}</dd>
<dt>Username</dt><dd>${model.username}</dd>
<dt>Signed in with</dt><dd>${LEVEL_TEXT[model.level]}</dd>
</dl>
${enrol}<p><a href="${PORTAL_PATHS.settings}">Security settings</a></p>
${signOutForm(model.csrfToken)}`,
  });
}
