/**
 * What the portal's WebAuthn endpoints share: the relying party of the request's cookie domain,
 * the stores and policy the ceremonies take, what a challenge is bound to, the credential field,
 * the pages' CSP (exactly the one script allowed), and one sentence per failure.
 */
import { createHash } from 'node:crypto';
import { pageSecurityHeadersAllowing } from '../../http/headers.js';
import { html, type Headers, type HttpResponse } from '../../http/response.js';
import { relyingPartyOf, type RelyingParty, type WebAuthnDeps, type WebAuthnErrorCode } from '../../authn/webauthn/index.js';
import { sessionIdHash } from '../../authn/session/index.js';
import { WEBAUTHN_CREDENTIAL_FIELD, WEBAUTHN_SCRIPT_HASH } from '../../portal/pages/webauthn-script.js';
import type { PortalDeps } from './deps.js';
import type { PortalRequest } from './portal-request.js';

export function webauthnDeps(deps: PortalDeps): WebAuthnDeps {
  return { credentials: deps.storage.webauthn, challenges: deps.storage.webauthnChallenges, policy: deps.portal.webauthn };
}

/** The relying party is the portal the browser is on: `authelia_url` of the request's cookie domain. */
export function relyingParty(pr: PortalRequest): RelyingParty {
  return relyingPartyOf(pr.settings.authelia_url);
}

/** A ceremony of a signed-in person is bound to their session (its id changes with every factor). */
export function sessionBinding(sessionId: string): string {
  return `session:${sessionIdHash(sessionId)}`;
}

/** A passkey sign-in has no session yet: it is bound to the browser's CSRF cookie (through its token). */
export function browserBinding(pr: PortalRequest): string {
  return `browser:${createHash('sha256').update(pr.csrfToken).digest('hex')}`;
}

/** The session flow entry naming the passkey a session signed in with: it cannot also be the second factor. */
export const PASSKEY_CREDENTIAL = 'passkey_credential';

/** The credentials that may not be this session's second factor. */
export function excludedForSecondFactor(session: { flow?: Record<string, string> | undefined }): string[] {
  const passkey = session.flow?.[PASSKEY_CREDENTIAL];
  return passkey === undefined ? [] : [passkey];
}

/** The credential the script posted, parsed; null when absent or not a JSON object. */
export function postedCredential(form: URLSearchParams): unknown {
  const text = form.get(WEBAUTHN_CREDENTIAL_FIELD) ?? '';
  if (text === '' || text.length > 65_536) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export const WEBAUTHN_FAILURE: Readonly<Record<WebAuthnErrorCode | 'no_credential', string>> = Object.freeze({
  no_credential: 'The security key did not answer. Try again.',
  challenge_invalid: 'This page has expired. Reload it and try again.',
  verification_failed: 'The security key could not be verified. Try again.',
  unknown_credential: 'This security key is not registered for this account.',
  counter_regression: 'This security key was refused: its signature counter went backwards, so it may have been copied. Use another method and contact your administrator.',
  user_verification_required: 'This passkey did not verify you (PIN or biometric). Try again.',
  duplicate_description: 'You already have a security key with that name. Choose another name.',
});

/** A page that runs a ceremony: the portal's CSP with exactly the WebAuthn script allowed. */
export function ceremonyPage(pr: PortalRequest, status: number, markup: string, extra: string[] = []): HttpResponse {
  const cookies = [...pr.setCookies, ...extra];
  const headers: Headers = { ...pageSecurityHeadersAllowing({ scriptHashes: [WEBAUTHN_SCRIPT_HASH] }), ...(cookies.length > 0 ? { 'Set-Cookie': cookies } : {}) };
  return html(status, markup, headers);
}
