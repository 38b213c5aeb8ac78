/**
 * Remembers client secrets that verified recently. A digest check (PBKDF2, argon2, bcrypt) costs
 * 60–260 ms of CPU, which a busy client would otherwise pay on every token or introspection call.
 *
 * The key is `client_id` + HMAC-SHA-256(per-process random key, presented secret): the secret
 * itself is never held, and the HMAC key dies with the process. Only successes are cached, so a
 * wrong guess always pays the full verification (no cheap oracle for brute force).
 *
 * Concurrent checks of the same presented secret share one verification: a client's burst at a
 * cold cache (32 connections at once) would otherwise run 32 digest checks, queued behind one
 * another on the thread pool for seconds. Sharing tells a guesser nothing: the guesses are equal.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PasswordDigest } from '../crypto/password-hash/index.js';

/** Checks a presented secret against the stored digest. Tests inject a counting one. */
export type SecretVerifier = (digest: PasswordDigest, secret: string) => Promise<boolean>;

export interface SecretCacheOptions {
  ttlSeconds?: number;
  maxEntries?: number;
  verify?: SecretVerifier;
}

export interface SecretCache {
  /** True when `secret` matches `digest`; served from the cache after a recent success. */
  verify(client_id: string, digest: PasswordDigest, secret: string): Promise<boolean>;
  /** Whether `secret` verified against `digest` recently (a cache hit): no digest is checked. */
  remembers(client_id: string, digest: PasswordDigest, secret: string): boolean;
  /** Forgets every success (e.g. after a configuration reload). */
  clear(): void;
}

export const DEFAULT_SECRET_CACHE_TTL_SECONDS = 60;
export const DEFAULT_SECRET_CACHE_MAX_ENTRIES = 1000;

const verifyDigest: SecretVerifier = (digest, secret) => digest.verify(secret);

export function createSecretCache(options: SecretCacheOptions = {}): SecretCache {
  const verify = options.verify ?? verifyDigest;
  const hmacKey = randomBytes(32);
  const cache = new LRUCache<string, true>({
    max: options.maxEntries ?? DEFAULT_SECRET_CACHE_MAX_ENTRIES,
    ttl: (options.ttlSeconds ?? DEFAULT_SECRET_CACHE_TTL_SECONDS) * 1000,
  });
  // The digest is part of the key so that a changed secret in the configuration never hits.
  const keyOf = (client_id: string, digest: PasswordDigest, secret: string): string =>
    `${client_id}\u0000${createHmac('sha256', hmacKey).update(digest.encoded).update('\u0000').update(secret).digest('base64url')}`;

  const inFlight = new Map<string, Promise<boolean>>();

  return {
    async verify(client_id, digest, secret) {
      const key = keyOf(client_id, digest, secret);
      if (cache.get(key) === true) return true;
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = verify(digest, secret).then((ok) => {
          if (ok) cache.set(key, true);
          return ok;
        });
        const done = (): void => void inFlight.delete(key);
        pending.then(done, done);
        inFlight.set(key, pending);
      }
      return pending;
    },
    remembers: (client_id, digest, secret) => cache.get(keyOf(client_id, digest, secret)) === true,
    clear: () => cache.clear(),
  };
}
