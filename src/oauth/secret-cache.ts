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
 *
 * A success is remembered for `ttlSeconds`. Once `refreshAfterSeconds` of that have passed (three
 * quarters by default), the next request that presents the secret is still answered from the cache
 * at once, and starts one verification in the background; its success remembers the secret for a
 * new `ttlSeconds`. A client in steady use therefore never waits on a digest check: without this,
 * every request it had in flight when the entry expired waited on one ~230 ms PBKDF2. A background
 * check that fails (the hash queue is full) leaves the entry as it was: the next request retries.
 * The secret is only ever held by the request that presented it, never by the cache.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PasswordDigest } from '../crypto/password-hash/index.js';

/** Checks a presented secret against the stored digest. Tests inject a counting one. */
export type SecretVerifier = (digest: PasswordDigest, secret: string) => Promise<boolean>;

export interface SecretCacheOptions {
  ttlSeconds?: number;
  /** When a hit starts a background verification; default three quarters of `ttlSeconds`. */
  refreshAfterSeconds?: number;
  maxEntries?: number;
  verify?: SecretVerifier;
  /** Milliseconds on a monotonic clock; tests move it. */
  nowMs?: () => number;
}

export interface SecretCache {
  /** True when `secret` matches `digest`; served from the cache after a recent success. */
  verify(client_id: string, digest: PasswordDigest, secret: string): Promise<boolean>;
  /** Whether `secret` verified against `digest` recently (a cache hit): no digest is checked. */
  remembers(client_id: string, digest: PasswordDigest, secret: string): boolean;
  /** The key this presentation is remembered under (client_id and a keyed hash, never the secret): equal presentations, equal keys. */
  keyOf(client_id: string, digest: PasswordDigest, secret: string): string;
  /** Forgets every success (e.g. after a configuration reload). */
  clear(): void;
}

export const DEFAULT_SECRET_CACHE_TTL_SECONDS = 60;
export const DEFAULT_SECRET_CACHE_MAX_ENTRIES = 1000;
const DEFAULT_REFRESH_FRACTION = 0.75;

interface Remembered {
  /** Until when the success counts (monotonic ms). */
  expiresAtMs: number;
  /** From when a hit also starts a background verification. */
  refreshAtMs: number;
}

const verifyDigest: SecretVerifier = (digest, secret) => digest.verify(secret);

export function createSecretCache(options: SecretCacheOptions = {}): SecretCache {
  const verify = options.verify ?? verifyDigest;
  const nowMs = options.nowMs ?? (() => performance.now());
  const ttlMs = (options.ttlSeconds ?? DEFAULT_SECRET_CACHE_TTL_SECONDS) * 1000;
  const refreshAfterMs = Math.min(ttlMs, (options.refreshAfterSeconds ?? (ttlMs / 1000) * DEFAULT_REFRESH_FRACTION) * 1000);
  const hmacKey = randomBytes(32);
  const cache = new LRUCache<string, Remembered>({ max: options.maxEntries ?? DEFAULT_SECRET_CACHE_MAX_ENTRIES });
  // The digest is part of the key so that a changed secret in the configuration never hits.
  const keyOf = (client_id: string, digest: PasswordDigest, secret: string): string =>
    `${client_id}\u0000${createHmac('sha256', hmacKey).update(digest.encoded).update('\u0000').update(secret).digest('base64url')}`;

  const inFlight = new Map<string, Promise<boolean>>();
  /** One verification per key at a time; a success is remembered from when it finishes. */
  const verifyOnce = (key: string, digest: PasswordDigest, secret: string): Promise<boolean> => {
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = verify(digest, secret).then((ok) => {
        const now = nowMs();
        if (ok) cache.set(key, { expiresAtMs: now + ttlMs, refreshAtMs: now + refreshAfterMs });
        return ok;
      });
      const done = (): void => void inFlight.delete(key);
      pending.then(done, done);
      inFlight.set(key, pending);
    }
    return pending;
  };
  /** The live entry for `key`, or undefined (an expired one is dropped). */
  const live = (key: string, now: number): Remembered | undefined => {
    const entry = cache.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > now) return entry;
    cache.delete(key);
    return undefined;
  };

  return {
    async verify(client_id, digest, secret) {
      const key = keyOf(client_id, digest, secret);
      const now = nowMs();
      const entry = live(key, now);
      if (entry === undefined) return verifyOnce(key, digest, secret);
      // Due for a refresh: this request is answered now; the check runs beside it (one per key).
      // A failure (a full hash queue) changes nothing: the entry stays until it expires.
      if (entry.refreshAtMs <= now && !inFlight.has(key)) verifyOnce(key, digest, secret).catch(() => undefined);
      return true;
    },
    remembers: (client_id, digest, secret) => live(keyOf(client_id, digest, secret), nowMs()) !== undefined,
    keyOf,
    clear: () => cache.clear(),
  };
}
