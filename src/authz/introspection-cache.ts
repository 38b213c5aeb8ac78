/**
 * The verify hot path's one look-up: what a bearer token is (RFC 7662 §2.2 fields), cached by the
 * token's signature — never the token itself, so a heap dump yields no usable token.
 * - an active entry lives until the token's `exp`, and at most `max_ttl`;
 * - an inactive (unknown, expired, revoked) answer is cached for `negative_ttl`, so a flood of bad
 *   tokens does not reach storage or the remote OP;
 * - one introspection in flight per key: concurrent requests with the same token share it;
 * - `IntrospectionUnavailable` is never cached: the next request asks again;
 * - revocation evicts at once (revocation-bus.ts).
 * A hit costs no HMAC: the entry is found by the signature the token claims, and confirmed by a
 * SHA-256 of the whole presented token, stored with the entry when the token was first verified.
 * A forged token that carries a known signature therefore misses, and the miss path (HMAC first)
 * refuses it without touching the entry. Only verified keys ever enter the cache or the in-flight map.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { findActiveAccessToken, type AccessTokenProof } from '../oauth/access-token.js';
import type { Storage } from '../storage/types.js';
import type { RevocationBus } from './revocation-bus.js';

export interface IntrospectionResult {
  active: boolean;
  client_id?: string;
  scope?: string[];
  aud?: string[];
  exp_ms?: number;
  /** The person the token was issued for; null (or absent) for a client_credentials token. */
  username?: string | null;
  amr?: string[];
}

export interface IntrospectionSource {
  /** Throws `IntrospectionUnavailable` when the source cannot answer. */
  introspect(token: string, nowMs: number): Promise<IntrospectionResult>;
}

/** The source could not say whether the token is active: the verify endpoint answers 503, never a pass. */
export class IntrospectionUnavailable extends Error {
  readonly code = 'ERR_INTROSPECTION_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IntrospectionUnavailable';
  }
}

export const INACTIVE: IntrospectionResult = Object.freeze({ active: false });

/** Our own tokens, through the one access-token look-up (HMAC or JWT signature, then the stored record). */
export function createLocalIntrospection(deps: AccessTokenProof & { storage: Pick<Storage, 'tokens'> }): IntrospectionSource {
  return {
    async introspect(token, nowMs) {
      let found;
      try {
        found = await findActiveAccessToken(deps, token, nowMs);
      } catch (err) {
        throw new IntrospectionUnavailable('the token storage could not be read', { cause: err });
      }
      if (found === null) return INACTIVE;
      const { record, session } = found;
      return Object.freeze({
        active: true,
        client_id: record.client_id,
        scope: Object.freeze([...record.granted_scopes]) as string[],
        aud: Object.freeze([...record.granted_audience]) as string[],
        exp_ms: record.expires_at_ms,
        username: session.username,
        amr: Object.freeze([...session.amr]) as string[],
      });
    },
  };
}

export interface IntrospectionCacheMetrics {
  hit(): void;
  miss(): void;
  /** An entry pushed out by `max_entries` / the size bound (not expiry, not revocation). */
  eviction(): void;
}

export interface IntrospectionCacheOptions {
  maxTtlSeconds: number;
  negativeTtlSeconds: number;
  /** 0 disables caching (one-in-flight still applies). */
  maxEntries: number;
  /** Bound on the summed size estimates; default 2 KiB per entry. */
  maxSizeBytes?: number;
  /**
   * The verified cache key, run on a miss: the token's signature (local: `accessTokenSignatureOf`,
   * HMAC checked, or a JWT's signature verified, asynchronously), for remote tokens a SHA-256 of
   * the token. Null means "not a token we could have issued": inactive at once, without asking
   * the source or filling the cache.
   */
  keyOf(token: string): string | null | Promise<string | null>;
  /**
   * The key a token claims without verification (local: `claimedAccessTokenSignatureOf`),
   * run on every look-up. When given, a hit also needs the SHA-256 of the whole token to match the
   * entry's. When absent, `keyOf` serves both (it must then be cheap and synchronous, and is its own proof).
   */
  claimedKeyOf?(token: string): string | null;
  metrics?: IntrospectionCacheMetrics;
  /** When given, revoked signatures are evicted as soon as they are emitted. */
  revocations?: RevocationBus;
}

export interface IntrospectionCache {
  /** A live cached answer for exactly this token, at once; undefined means "ask `lookup`". */
  peek(token: string, nowMs: number): IntrospectionResult | undefined;
  /** The answer, from the cache or the source. */
  lookup(token: string, nowMs: number): Promise<IntrospectionResult>;
  evict(signature: string): void;
  evictAll(signatures: readonly string[]): void;
  /** Forgets every entry and in-flight look-up: for when revocations may have been missed (a lost LISTEN connection). */
  clear(): void;
  readonly size: number;
  /** Stops listening to the revocation bus. */
  close(): void;
}

interface Entry {
  result: IntrospectionResult;
  expiresAtMs: number;
  /** SHA-256 of the token the entry was made for; null when the key is itself that proof. */
  tokenDigest: string | null;
}

/**
 * Neither side is secret-dependent in a way an attacker can steer (they would need a SHA-256
 * preimage), so a plain comparison leaks nothing useful.
 */
const digestOf = (token: string): string => hash('sha256', token, 'base64url');

const ENTRY_OVERHEAD_BYTES = 128;
const DEFAULT_BYTES_PER_ENTRY = 2048;

/** A rough heap size: enough to keep a token with thousands of audiences from crowding the cache. */
export function entrySizeEstimate(key: string, result: IntrospectionResult, tokenDigest: string | null = null): number {
  const strings = [...(result.scope ?? []), ...(result.aud ?? []), ...(result.amr ?? []), result.client_id ?? '', result.username ?? ''];
  return ENTRY_OVERHEAD_BYTES + 2 * (key.length + (tokenDigest?.length ?? 0) + strings.reduce((sum, s) => sum + s.length + 16, 0));
}

/** How long a fresh answer may be reused from `nowMs`: ≤ exp, ≤ max_ttl; negative_ttl when inactive. */
export function entryTtlMs(result: IntrospectionResult, nowMs: number, opts: Pick<IntrospectionCacheOptions, 'maxTtlSeconds' | 'negativeTtlSeconds'>): number {
  if (!result.active) return opts.negativeTtlSeconds * 1000;
  const maxMs = opts.maxTtlSeconds * 1000;
  return result.exp_ms === undefined ? maxMs : Math.min(maxMs, result.exp_ms - nowMs);
}

export function createIntrospectionCache(source: IntrospectionSource, opts: IntrospectionCacheOptions): IntrospectionCache {
  const { keyOf, metrics } = opts;
  // Without claimedKeyOf, keyOf is its own proof; one that must wait (a JWT's signature) finds no hit.
  const claimedKeyOf = opts.claimedKeyOf ?? ((token: string): string | null => {
    const key = keyOf(token);
    return typeof key === 'string' ? key : null;
  });
  const confirmsDigest = opts.claimedKeyOf !== undefined;
  const entries =
    opts.maxEntries > 0
      ? new LRUCache<string, Entry>({
          max: opts.maxEntries,
          maxSize: opts.maxSizeBytes ?? opts.maxEntries * DEFAULT_BYTES_PER_ENTRY,
          sizeCalculation: (entry, key) => entrySizeEstimate(key, entry.result, entry.tokenDigest),
          dispose: (_entry, _key, reason) => {
            if (reason === 'evict') metrics?.eviction();
          },
        })
      : null;
  const inFlight = new Map<string, Promise<IntrospectionResult>>();

  const evict = (signature: string): void => {
    entries?.delete(signature);
    // A look-up that started before the revocation must not store its (now stale) answer.
    inFlight.delete(signature);
  };

  const introspect = (key: string, token: string, nowMs: number): Promise<IntrospectionResult> => {
    const pending = source.introspect(token, nowMs).then((result) => {
      if (inFlight.get(key) === pending) {
        inFlight.delete(key);
        const ttlMs = entryTtlMs(result, nowMs, opts);
        if (entries !== null && ttlMs > 0) entries.set(key, { result, expiresAtMs: nowMs + ttlMs, tokenDigest: confirmsDigest ? digestOf(token) : null });
      }
      return result;
    });
    // Errors are not cached: drop the shared promise so the next request asks again.
    pending.catch(() => {
      if (inFlight.get(key) === pending) inFlight.delete(key);
    });
    inFlight.set(key, pending);
    return pending;
  };

  const unsubscribe = opts.revocations?.subscribe((signatures) => signatures.forEach(evict));

  const peek = (token: string, nowMs: number): IntrospectionResult | undefined => {
    if (entries === null) return undefined;
    const key = claimedKeyOf(token);
    if (key === null) return undefined;
    const entry = entries.get(key);
    // Not the token this entry was made for: the miss path decides (a forgery fails its HMAC there).
    if (entry === undefined || (entry.tokenDigest !== null && entry.tokenDigest !== digestOf(token))) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      entries.delete(key);
      return undefined;
    }
    metrics?.hit();
    return entry.result;
  };

  return {
    peek,
    async lookup(token, nowMs) {
      const cached = peek(token, nowMs);
      if (cached !== undefined) return cached;
      // A synchronous key joins the in-flight map at once, so a revocation emitted from now on evicts
      // this look-up; one awaited (a JWT's signature) starts reading only after it, so sees the revocation.
      const keyed = keyOf(token);
      const key = typeof keyed === 'string' || keyed === null ? keyed : await keyed;
      if (key === null) return INACTIVE;
      metrics?.miss();
      return inFlight.get(key) ?? introspect(key, token, nowMs);
    },
    evict,
    evictAll: (signatures) => signatures.forEach(evict),
    clear() {
      entries?.clear();
      inFlight.clear();
    },
    get size() {
      return entries?.size ?? 0;
    },
    close: () => unsubscribe?.(),
  };
}
