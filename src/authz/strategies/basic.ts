/**
 * `Authorization: Basic base64(user:pass)` (RFC 7617), opt-in with `schemes: [Basic]`: a users
 * backend password check under brute-force regulation (auth_type `basic`), one factor.
 * Verified credentials are remembered briefly so the password hash is not paid per request; the
 * cache key is an HMAC under a per-process random key, so the cache never holds a password or a
 * digest that could be attacked offline. Failures are never cached.
 * Known window: a ban placed elsewhere (portal, another replica) applies to cached credentials
 * only once their entry expires (`ttlSeconds`, 60 s by default); a ban this verifier places
 * drops the user's entries at once, and a users-file reload drops them all.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../observability/log.js';
import { DEFAULT_UNIFORM_TIMING, withUniformTiming, type Regulator, type UniformTimingOptions } from '../../authn/regulation.js';
import type { UserDetails, UsersBackend } from '../../users/user.js';
import type { AuthzIdentity, BasicVerifier, StrategyInput, VerifierResult } from './types.js';

export const BASIC_CHALLENGE = 'Basic realm="Gatehouse"';

export interface BasicCacheOptions {
  ttlSeconds: number;
  maxEntries: number;
}

export const DEFAULT_BASIC_CACHE: Readonly<BasicCacheOptions> = Object.freeze({ ttlSeconds: 60, maxEntries: 1000 });

export interface BasicVerifierDeps {
  users: Pick<UsersBackend, 'lookup' | 'checkPassword' | 'version'>;
  regulator: Regulator;
  logger: Logger;
  /** maxEntries 0 disables the cache. */
  cache?: BasicCacheOptions;
  /** Uniform answer time on the uncached path (default: the portal's 500 ms floor). */
  timing?: UniformTimingOptions;
}

export type BasicFailure = 'malformed' | 'banned' | 'invalid_credentials';

interface CachedCredential {
  username: string;
  usersVersion: number;
  expiresAtMs: number;
}

/** RFC 7617 §2: user-id ':' password, base64; the user-id cannot contain ':'. Null when malformed. */
export function decodeBasicCredentials(credentials: string): { username: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials) || credentials.length % 4 !== 0) return null;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const identityOf = (user: UserDetails): AuthzIdentity => ({
  subject: { username: user.username, groups: user.groups },
  level: 'one_factor',
  username: user.username,
  groups: user.groups,
  displayName: user.display_name,
  email: user.emails[0] ?? '',
  strategy: 'basic',
});

export function createBasicVerifier(deps: BasicVerifierDeps): BasicVerifier {
  const { users, regulator, logger } = deps;
  const cacheOptions = deps.cache ?? DEFAULT_BASIC_CACHE;
  const timing = deps.timing ?? DEFAULT_UNIFORM_TIMING;
  const key = randomBytes(32);
  const cache = cacheOptions.maxEntries > 0 ? new LRUCache<string, CachedCredential>({ max: cacheOptions.maxEntries }) : null;
  const cacheKey = (username: string, password: string): string => createHmac('sha256', key).update(`${username}\0${password}`).digest('base64url');

  const invalid = (failure: BasicFailure, username?: string): VerifierResult => {
    logger.debug('basic credentials refused', { reason: failure, username });
    return { kind: 'invalid', challenge: BASIC_CHALLENGE, reason: failure };
  };

  // Storage (regulation) or the users directory down: not a pass, and not the user's fault either.
  const unavailable = (err: unknown): VerifierResult => {
    logger.warn('basic credentials could not be checked', { error: err instanceof Error ? err.message : String(err) });
    return { kind: 'unavailable', reason: 'the credentials could not be checked' };
  };

  const forgetUser = (username: string): void => {
    if (cache === null) return;
    for (const [k, entry] of cache.entries()) if (entry.username === username) cache.delete(k);
  };

  /** A cached success, if still valid now: unexpired, same users file, user still enabled. */
  const fromCache = async (k: string, nowMs: number): Promise<UserDetails | null> => {
    const entry = cache?.get(k);
    if (entry === undefined) return null;
    const user = entry.expiresAtMs > nowMs && entry.usersVersion === users.version ? await users.lookup(entry.username) : null;
    if (user === null || user.disabled) {
      cache?.delete(k);
      return null;
    }
    return user;
  };

  const check = async (username: string, password: string, input: StrategyInput): Promise<UserDetails | BasicFailure> => {
    const { clientIp: ip, nowMs } = input;
    // A banned user or IP is refused without a password check, and not recorded (as the portal does).
    const attempt = await regulator.attempt({ username, ip, auth_type: 'basic', nowMs, request_uri: input.target.href }, async () => {
      const matches = await users.checkPassword(username, password);
      const user = matches ? await users.lookup(username) : null;
      return user !== null && !user.disabled ? { successful: true, value: user } : { successful: false, value: null };
    });
    if (attempt.refused) return 'banned';
    if (attempt.banned) forgetUser(username);
    return attempt.value ?? 'invalid_credentials';
  };

  return {
    async verify(credentials, input) {
      const decoded = decodeBasicCredentials(credentials);
      if (decoded === null) return invalid('malformed');
      const { username, password } = decoded;
      const k = cacheKey(username, password);
      let cached: UserDetails | null;
      try {
        cached = await fromCache(k, input.nowMs);
      } catch (err) {
        return unavailable(err);
      }
      if (cached !== null) return { kind: 'authenticated', identity: identityOf(cached) };

      const usersVersion = users.version;
      let outcome: UserDetails | BasicFailure;
      try {
        outcome = await withUniformTiming(() => check(username, password, input), timing);
      } catch (err) {
        return unavailable(err);
      }
      if (typeof outcome === 'string') return invalid(outcome, username);
      cache?.set(k, { username, usersVersion, expiresAtMs: input.nowMs + cacheOptions.ttlSeconds * 1000 });
      return { kind: 'authenticated', identity: identityOf(outcome) };
    },
  };
}
