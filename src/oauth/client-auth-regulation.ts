/**
 * Client authentication under `regulation` (issue #11), at every endpoint that authenticates
 * clients (token, introspection, revocation, PAR): failed client authentications are counted per
 * client_id (mode `user`) and per source address (mode `ip`) with the sign-in settings
 * (`max_retries` within `find_time` → banned for `ban_time`). A banned client_id or address gets
 * the answer a wrong secret gets (`invalid_client`) and nothing is verified; and since each attempt
 * is reserved before it is verified (Regulator.attempt), racing requests never verify more than
 * `max_retries` secrets per window, on every replica together.
 *
 * Only guesses are regulated: a secret the secret cache remembers (it holds verified secrets only)
 * and `none` are answered at once, so a busy client pays no reservation, and a ban on guessing does
 * not lock out the client that holds its secret (until the cache forgets it).
 *
 * Equal guesses in flight are one guess: requests presenting the same client_id and secret while
 * one of them holds a reservation wait for its verdict instead of reserving attempts of their own.
 * A client's burst at a cold cache (32 connections with the right secret) would otherwise reserve
 * 32 attempts, and every one past `max_retries` would be refused as a wrong secret. When the first
 * succeeds, the others are answered from the secret cache; when it fails, they get its answer
 * (`invalid_client`) without a verification or a count of their own; any other outcome (a full
 * hash queue) and they try on their own.
 *
 * Only `invalid_client` is a failure: a malformed request (`invalid_request`, e.g. two methods at
 * once) proves nothing either way and is answered as before; a request that names no client
 * cannot be counted by client_id and is not regulated.
 */
import type { Regulator } from '../authn/regulation.js';
import type { Clock } from '../util/clock.js';
import { findPresentedMethod, type AuthenticatedClient, type ClientAuthRequest } from './client-auth/index.js';
import { CLIENT_AUTH_FAILED, clientAuthFailure } from './client-auth/failure.js';
import type { ClientRegistry } from './clients.js';
import { OAuthError } from './errors.js';
import type { SecretCache } from './secret-cache.js';

export type AuthenticateClient = (request: ClientAuthRequest) => Promise<AuthenticatedClient>;
/** `ip`: the request's source address as the HTTP layer resolved it (forwarded headers from trusted proxies only). */
export type RegulatedAuthenticateClient = (request: ClientAuthRequest, ip: string) => Promise<AuthenticatedClient>;

export interface ClientAuthRegulationDeps {
  /** A regulator for clients (`createRegulator(settings, { subject: 'client', … })`): bans of kind client / client_ip. */
  regulator: Regulator;
  clock: Clock;
  clients: ClientRegistry;
  secrets: SecretCache;
}

interface Claim {
  client_id: string;
  /** The secret cache's key for this client_id and secret; null when no secret was presented. */
  guess: string | null;
  /** The refusal then carries the Basic challenge, as a wrong secret's does. */
  basicTried: boolean;
  /** Nothing to guess or nothing guessed: `none` (public clients), or a secret that verified recently. */
  unguessed: boolean;
}

/** The client_id the request claims; null when it names none or is malformed (authenticate answers it, unregulated). */
function claimOf(request: ClientAuthRequest, deps: ClientAuthRegulationDeps): Claim | null {
  let presented;
  try {
    presented = findPresentedMethod(request);
  } catch {
    return null;
  }
  if (presented === null) return null;
  const { client_id, secret } = presented.credentials;
  const digest = deps.clients.get(client_id)?.secret ?? null;
  const guess = secret !== undefined && digest !== null ? deps.secrets.keyOf(client_id, digest, secret) : null;
  const remembered = secret !== undefined && digest !== null && deps.secrets.remembers(client_id, digest, secret);
  return { client_id, guess, basicTried: presented.module.name === 'client_secret_basic', unguessed: presented.module.name === 'none' || remembered };
}

export function regulateClientAuthentication(authenticate: AuthenticateClient, deps: ClientAuthRegulationDeps): RegulatedAuthenticateClient {
  /** The regulated attempt of each guess in flight, by the secret cache's key. */
  const guesses = new Map<string, Promise<AuthenticatedClient>>();

  const regulated = async (request: ClientAuthRequest, ip: string, claim: Claim): Promise<AuthenticatedClient> => {
    const attempt = await deps.regulator.attempt<AuthenticatedClient | OAuthError>({ username: claim.client_id, ip, auth_type: 'client', nowMs: deps.clock.nowMs() }, async () => {
      try {
        return { successful: true, value: await authenticate(request) };
      } catch (err) {
        if (err instanceof OAuthError && err.error === 'invalid_client') return { successful: false, value: err };
        throw err; // not a verdict on the credentials: the reservation is released
      }
    });
    if (attempt.refused) throw clientAuthFailure(CLIENT_AUTH_FAILED, claim.basicTried);
    if (attempt.value instanceof OAuthError) throw attempt.value;
    return attempt.value;
  };

  return async (request, ip) => {
    const claim = claimOf(request, deps);
    // A secret the cache remembers is no guess (only verified secrets are cached), and `none` has
    // none to guess: answered without the reservation's two writes, the common case of a busy
    // client or resource server (5× the introspection throughput).
    if (claim === null || claim.unguessed) return authenticate(request);
    if (claim.guess === null) return regulated(request, ip, claim);
    const earlier = guesses.get(claim.guess);
    if (earlier !== undefined) {
      const verdict = await earlier.then(
        () => 'accepted' as const,
        (err: unknown) => (err instanceof OAuthError && err.error === 'invalid_client' ? ('refused' as const) : ('undecided' as const)),
      );
      // Accepted: the secret cache now remembers it (this request's own method and answer, no digest check).
      if (verdict === 'accepted') return authenticate(request);
      if (verdict === 'refused') throw clientAuthFailure(CLIENT_AUTH_FAILED, claim.basicTried);
    }
    const attempt = regulated(request, ip, claim);
    const key = claim.guess;
    guesses.set(key, attempt);
    const settle = (): void => {
      if (guesses.get(key) === attempt) guesses.delete(key);
    };
    attempt.then(settle, settle);
    return attempt;
  };
}
