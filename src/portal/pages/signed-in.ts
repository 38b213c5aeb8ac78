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
  /** The session's RFC 8176 amr: names the factors used, where the level alone would not. */
  amr?: readonly string[] | undefined;
}

const LEVEL_TEXT: Readonly<Record<AuthenticationLevel, string>> = Object.freeze({
  one_factor: 'Password (one factor)',
  two_factor: 'Password and one-time code (two factors)',
});

/** What the person signed in with, from the session's amr (a password, a passkey; a code or a security key). */
export function describeFactors(level: AuthenticationLevel, amr: readonly string[] | undefined): string {
  if (!amr || amr.length === 0) return LEVEL_TEXT[level];
  const first = amr.includes('pwd') ? 'Password' : amr.includes('pop') ? 'Passkey' : null;
  if (first === null) return LEVEL_TEXT[level];
  const second = amr.includes('otp') ? 'one-time code' : amr.includes('pwd') && amr.includes('hwk') ? 'security key' : null;
  if (level === 'one_factor') return `${first} (one factor)`;
  return second ? `${first} and ${second} (two factors)` : `${first} with PIN or biometric (two factors)`;
}

export function renderSignedIn(model: SignedInModel): string {
  const enrol = !model.hasTotp && model.enrolUrl
    ? html`<p>You have not set up one-time codes yet. <a href="${model.enrolUrl}">Set up one-time codes</a></p>\n`
    : null;
  return renderLayout({
    title: 'You are signed in',
    body: html`<dl>
<dt>Name</dt><dd>${model.displayName}</dd>
<dt>Username</dt><dd>${model.username}</dd>
<dt>Signed in with</dt><dd>${describeFactors(model.level, model.amr)}</dd>
</dl>
${enrol}<p><a href="${PORTAL_PATHS.settings}">Security settings</a></p>
${signOutForm(model.csrfToken)}`,
  });
}
