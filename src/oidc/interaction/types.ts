/** The authorization interaction: one request, from its arrival to its one answer. */
import type { AuthorizationRequest, ErrorDestination } from '../../oauth/authorize/index.js';
import type { OAuthError } from '../../oauth/errors.js';
import type { AuthorizationInteraction } from '../../storage/types.js';

/** A request on its way: validated, stored under `record.id`, and whether this is its arrival. */
export interface ActiveInteraction {
  record: AuthorizationInteraction;
  request: AuthorizationRequest;
  /**
   * prompt=login or max_age=0 (OIDC Core §3.1.2.1): sign in again whatever the session. True only
   * on arrival: the sign-in it starts is what the resumed request then finds, recent enough.
   */
  forceLogin: boolean;
}

/**
 * What one pass through the steps decides (steps.ts), turned into an answer by the endpoint:
 * - `login`: to the portal's sign-in, coming back to this interaction (`reauth`: even if signed in);
 * - `second_factor`: to the portal's second factor, coming back here;
 * - `consent`: to the consent page for this interaction;
 * - `issue`: the authorization response's parameters (RFC 6749 §4.1.2, with `iss`, RFC 9207);
 * - `error`: an error response to the client (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6).
 */
export type InteractionOutcome =
  | { step: 'login'; reauth: boolean }
  | { step: 'second_factor' }
  | { step: 'consent' }
  | { step: 'issue'; params: Record<string, string> }
  | { step: 'error'; error: OAuthError };

/**
 * A request that cannot go on. `destination` is where the client hears of it (RFC 6749
 * §4.1.2.1), null when the client or its redirect URI cannot be trusted: then the person is shown
 * the error instead (§4.1.2.1 "MUST NOT automatically redirect").
 */
export interface InteractionRefusal {
  error: OAuthError;
  destination: ErrorDestination | null;
}

export type Arrival = { ok: true; interaction: ActiveInteraction } | ({ ok: false } & InteractionRefusal);
