/**
 * Client authentication under `regulation` (issue #11), at every endpoint that authenticates
 * clients (token, introspection, revocation, PAR): failed client authentications are counted per
 * client_id (mode `user`) and per source address (mode `ip`) with the sign-in settings
 * (`max_retries` within `find_time` → banned for `ban_time`). A banned client_id or address gets
 * the answer a wrong secret gets (`invalid_client`) and nothing is verified; and since each attempt
 * is reserved before it is verified (Regulator.attempt), racing requests never verify more than
 * `max_retries` secrets per window, on every replica together.
 *
 * Only guesses reserve attempts: a secret the secret cache remembers (it holds verified secrets
 * only) and `none` are answered without the reservation's writes, so a busy client pays none. A
 * ban still applies to a remembered secret: were it honoured during a ban, a banned guesser would
 * be told "right" (200) or "wrong" (a refusal that costs no digest check) for every guess, an
 * oracle faster than no regulation at all. Whether the client_id or address is banned is read from
 * storage at most once per `BAN_RECHECK_MS` per client_id and address, and at once again after
 * this process refused or banned anyone. A ban therefore locks out the holder of the secret too,
 * as a sign-in ban locks out the person (Authelia's regulation).
 *
 * Equal guesses in flight are one guess: requests presenting the same client_id and secret from the
 * same address while one of them holds a reservation wait for its verdict instead of reserving
 * attempts of their own.
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

/** How long "not banned" is believed for a remembered secret's client_id and address before storage is asked again. */
export const BAN_RECHECK_MS = 1000;
/** Client_id and address pairs whose "not banned" is remembered; beyond this the memory starts afresh. */
const MAX_BAN_CHECKS = 10_000;

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
  /** The secret verified recently (a secret cache hit). */
  remembered: boolean;
  /** The refusal then carries the Basic challenge, as a wrong secret's does. */
  basicTried: boolean;
  /** `none` (a public client): nothing to guess. */
  none: boolean;
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
  return { client_id, guess, remembered, basicTried: presented.module.name === 'client_secret_basic', none: presented.module.name === 'none' };
}

export function regulateClientAuthentication(authenticate: AuthenticateClient, deps: ClientAuthRegulationDeps): RegulatedAuthenticateClient {
  /** The regulated attempt of each guess in flight, by address and the secret cache's key. */
  const guesses = new Map<string, Promise<AuthenticatedClient>>();
  /** When storage last said this client_id and address were not banned (clock ms). */
  const notBanned = new Map<string, number>();

  const bannedNow = async (claim: Claim, ip: string): Promise<boolean> => {
    const key = `${claim.client_id}\u0000${ip}`;
    const nowMs = deps.clock.nowMs();
    const checkedAtMs = notBanned.get(key);
    if (checkedAtMs !== undefined && nowMs >= checkedAtMs && nowMs - checkedAtMs < BAN_RECHECK_MS) return false;
    if ((await deps.regulator.banned(claim.client_id, ip, nowMs)) !== null) {
      notBanned.delete(key);
      return true;
    }
    if (notBanned.size >= MAX_BAN_CHECKS) notBanned.clear();
    notBanned.set(key, nowMs);
    return false;
  };

  const regulated = async (request: ClientAuthRequest, ip: string, claim: Claim): Promise<AuthenticatedClient> => {
    const attempt = await deps.regulator.attempt<AuthenticatedClient | OAuthError>({ username: claim.client_id, ip, auth_type: 'client', nowMs: deps.clock.nowMs() }, async () => {
      try {
        return { successful: true, value: await authenticate(request) };
      } catch (err) {
        if (err instanceof OAuthError && err.error === 'invalid_client') return { successful: false, value: err };
        throw err; // not a verdict on the credentials: the reservation is released
      }
    });
    // A ban this process saw (refused by one, or placed one): every "not banned" is asked again.
    if (attempt.refused || attempt.banned) notBanned.clear();
    if (attempt.refused) throw clientAuthFailure(CLIENT_AUTH_FAILED, claim.basicTried);
    if (attempt.value instanceof OAuthError) throw attempt.value;
    return attempt.value;
  };

  return async (request, ip) => {
    const claim = claimOf(request, deps);
    if (claim === null || claim.none) return authenticate(request);
    // A secret the cache remembers is no guess (only verified secrets are cached): answered without
    // the reservation's two writes, the common case of a busy client or resource server (5× the
    // introspection throughput), unless the client_id or address is banned.
    if (claim.remembered) {
      if (await bannedNow(claim, ip)) throw clientAuthFailure(CLIENT_AUTH_FAILED, claim.basicTried);
      return authenticate(request);
    }
    if (claim.guess === null) return regulated(request, ip, claim);
    const guess = `${ip}\u0000${claim.guess}`;
    const earlier = guesses.get(guess);
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
    guesses.set(guess, attempt);
    const settle = (): void => {
      if (guesses.get(guess) === attempt) guesses.delete(guess);
    };
    attempt.then(settle, settle);
    return attempt;
  };
}
