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
 *
 * Entries are compact (issue #14: 100,000 cached tokens took ~2.1 KB of heap each, measured after a
 * full GC, against a 0.5 KB estimate): what tokens of one grant share — client, scopes, audiences,
 * user, amr, subject — is one frozen *grant* object, interned while any entry uses it, so the bearer
 * strategy's per-answer memos (compiled audiences, the admitted identity) are made once per grant,
 * not per token. An entry holds only that grant, its expiry, the token's exp and iat (seconds) and a
 * 132-bit digest of the token. Its size estimate is the measured per-entry heap, plus the grant's
 * own size when the entry interned it, so `maxSizeBytes` bounds what the cache really holds.
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
  /** When the token was issued (RFC 7662 `iat`); local tokens only. */
  iat_ms?: number;
  /** The person the token was issued for; null (or absent) for a client_credentials token. */
  username?: string | null;
  amr?: string[];
  /** RFC 7662 `sub`: the user's subject identifier, or the client_id for a client_credentials token (RFC 9068 §2.2); local tokens only. */
  sub?: string;
}

/** An answer with its token's own times, to the second (RFC 7662 §2.2 `exp`, `iat`): what the introspection endpoint renders. */
export interface TokenIntrospection {
  /** Without `exp_ms` and `iat_ms` when it came from the cache: they are below. */
  result: IntrospectionResult;
  exp_s: number | null;
  iat_s: number | null;
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
        iat_ms: record.requested_at_ms,
        username: session.username,
        amr: Object.freeze([...session.amr]) as string[],
        sub: record.subject ?? record.client_id,
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
  /** Bound on the summed size estimates (entrySizeEstimate); default 1 KiB per entry. */
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
  /**
   * A live cached answer for exactly this token, at once; undefined means "ask `lookup`". It is the
   * entry's grant, shared by the tokens of one grant, without `exp_ms`: the entry expires no later
   * than the token, so a hit is unexpired.
   */
  peek(token: string, nowMs: number): IntrospectionResult | undefined;
  /** The answer, from the cache (as `peek`) or the source. */
  lookup(token: string, nowMs: number): Promise<IntrospectionResult>;
  /**
   * The answer with the token's exp and iat, from the cache or the source; null when the key says
   * it is not a token of the kind this cache holds (the caller may look for another kind).
   */
  introspect(token: string, nowMs: number): Promise<TokenIntrospection | null>;
  evict(signature: string): void;
  evictAll(signatures: readonly string[]): void;
  /** Forgets every entry and in-flight look-up: for when revocations may have been missed (a lost LISTEN connection). */
  clear(): void;
  readonly size: number;
  /** The summed size estimates of the entries, in bytes (what `maxSizeBytes` bounds). */
  readonly sizeBytes: number;
  /** Stops listening to the revocation bus. */
  close(): void;
}

/** Fields only: a class keeps every entry on one hidden class, its numbers small integers where they fit. */
class Entry {
  constructor(
    readonly grant: IntrospectionResult,
    /** Milliseconds since the cache's epoch (small integers, not boxed doubles, for 24 days). */
    readonly expiresAt: number,
    readonly expS: number | null,
    readonly iatS: number | null,
    /** 132 bits of SHA-256 of the token the entry was made for; null when the key is itself that proof. */
    readonly tokenDigest: string | null,
    /** The estimate charged for this entry. */
    readonly size: number,
  ) {}
}

/** Characters of the token's SHA-256 (base64url) an entry keeps: 132 bits. */
const DIGEST_CHARS = 22;

/**
 * The first 132 bits of the token's SHA-256, base64url: a forgery would need a second preimage of
 * them for a token carrying a known signature. Neither side is secret-dependent in a way an attacker
 * can steer, so a plain comparison leaks nothing useful. On the hit path the slice is compared and
 * dropped (crypto.hash's string output is its fast path: a Buffer output costs 3.7 µs, not 1).
 */
const digestOf = (token: string): string => hash('sha256', token, 'base64url').slice(0, DIGEST_CHARS);

/** The digest an entry keeps: a flat copy, as a slice would keep its 43-character parent alive. */
const keptDigestOf = (token: string): string => Buffer.from(digestOf(token), 'latin1').toString('latin1');

/**
 * Heap of one entry beyond its strings, measured (bench/cache-memory.js, Node 20 x64, 100,000
 * entries after a full GC: 187 bytes with a 43-character key and a 22-character digest): the Entry
 * object, the LRU's slots and its key map's share.
 */
export const ENTRY_BYTES = 90;
const DEFAULT_BYTES_PER_ENTRY = 1024;
/** V8's sequential one-byte string: a 16-byte header, then the characters, 8-byte aligned. */
const stringBytes = (s: string): number => 16 + Math.ceil(s.length / 8) * 8;
/** A frozen array of strings, and the strings. */
const listBytes = (list: readonly string[] | undefined): number => (list === undefined ? 0 : 32 + 8 * list.length + list.reduce((sum, s) => sum + stringBytes(s), 0));

/** What an interned grant holds: the object, its strings and lists, and the interning's own share. */
export function grantSizeEstimate(grant: IntrospectionResult): number {
  return 200 + listBytes(grant.scope) + listBytes(grant.aud) + listBytes(grant.amr) + stringBytes(grant.client_id ?? '') + stringBytes(grant.username ?? '') + stringBytes(grant.sub ?? '');
}

/** An entry's estimate: its fixed part and strings, and its grant when this entry interned it. */
export function entrySizeEstimate(key: string, tokenDigest: string | null, internedGrant: IntrospectionResult | null): number {
  return ENTRY_BYTES + stringBytes(key) + (tokenDigest === null ? 0 : stringBytes(tokenDigest)) + (internedGrant === null ? 0 : grantSizeEstimate(internedGrant));
}

/**
 * One frozen object per distinct grant while an entry uses it: tokens of one client and scope (or
 * one user's session) share it, and so do the bearer strategy's memos keyed by it.
 */
function createGrantInterning(): (result: IntrospectionResult) => { grant: IntrospectionResult; fresh: boolean } {
  const grants = new Map<string, WeakRef<IntrospectionResult>>();
  const forget = new FinalizationRegistry<string>((id) => {
    if (grants.get(id)?.deref() === undefined) grants.delete(id);
  });
  return (result) => {
    if (!result.active) return { grant: INACTIVE, fresh: false };
    const { exp_ms: _exp, iat_ms: _iat, ...fields } = result;
    const id = JSON.stringify([fields.client_id, fields.scope, fields.aud, fields.username, fields.amr, fields.sub]);
    const known = grants.get(id)?.deref();
    if (known !== undefined) return { grant: known, fresh: false };
    const grant = Object.freeze(fields);
    grants.set(id, new WeakRef(grant));
    forget.register(grant, id);
    return { grant, fresh: true };
  };
}

const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.floor(ms / 1000));

/** How long a fresh answer may be reused from `nowMs`: ≤ exp, ≤ max_ttl; negative_ttl when inactive. */
export function entryTtlMs(result: IntrospectionResult, nowMs: number, opts: Pick<IntrospectionCacheOptions, 'maxTtlSeconds' | 'negativeTtlSeconds'>): number {
  if (!result.active) return opts.negativeTtlSeconds * 1000;
  const maxMs = opts.maxTtlSeconds * 1000;
  return result.exp_ms === undefined ? maxMs : Math.min(maxMs, result.exp_ms - nowMs);
}

export function createIntrospectionCache(source: IntrospectionSource, opts: IntrospectionCacheOptions): IntrospectionCache {
  const { metrics } = opts;
  const keyOf = opts.keyOf.bind(opts);
  // Without claimedKeyOf, keyOf is its own proof; one that must wait (a JWT's signature) finds no hit.
  const claimedKeyOf = opts.claimedKeyOf?.bind(opts) ?? ((token: string): string | null => {
    const key = keyOf(token);
    return typeof key === 'string' ? key : null;
  });
  const confirmsDigest = opts.claimedKeyOf !== undefined;
  const intern = createGrantInterning();
  let epochMs: number | undefined;
  const sinceEpoch = (ms: number): number => ms - (epochMs ??= ms);
  const entries =
    opts.maxEntries > 0
      ? new LRUCache<string, Entry>({
          max: opts.maxEntries,
          maxSize: opts.maxSizeBytes ?? opts.maxEntries * DEFAULT_BYTES_PER_ENTRY,
          sizeCalculation: (entry) => entry.size,
          dispose: (_entry, _key, reason) => {
            if (reason === 'evict') metrics?.eviction();
          },
        })
      : null;
  const inFlight = new Map<string, Promise<TokenIntrospection>>();

  const evict = (signature: string): void => {
    entries?.delete(signature);
    // A look-up that started before the revocation must not store its (now stale) answer.
    inFlight.delete(signature);
  };

  const introspect = (key: string, token: string, nowMs: number): Promise<TokenIntrospection> => {
    const pending = source.introspect(token, nowMs).then((result): TokenIntrospection => {
      // Stored, the answer is the entry's grant (what later hits return); otherwise the source's own.
      const answer: TokenIntrospection = { result, exp_s: seconds(result.exp_ms), iat_s: seconds(result.iat_ms) };
      if (inFlight.get(key) === pending) {
        inFlight.delete(key);
        const ttlMs = entryTtlMs(result, nowMs, opts);
        if (entries !== null && ttlMs > 0) {
          const { grant, fresh } = intern(result);
          const tokenDigest = confirmsDigest ? keptDigestOf(token) : null;
          const size = entrySizeEstimate(key, tokenDigest, fresh ? grant : null);
          entries.set(key, new Entry(grant, sinceEpoch(nowMs + ttlMs), answer.exp_s, answer.iat_s, tokenDigest, size));
          answer.result = grant;
        }
      }
      return answer;
    });
    // Errors are not cached: drop the shared promise so the next request asks again.
    pending.catch(() => {
      if (inFlight.get(key) === pending) inFlight.delete(key);
    });
    inFlight.set(key, pending);
    return pending;
  };

  const unsubscribe = opts.revocations?.subscribe((signatures) => signatures.forEach(evict));

  const peekEntry = (token: string, nowMs: number): Entry | undefined => {
    if (entries === null) return undefined;
    const key = claimedKeyOf(token);
    if (key === null) return undefined;
    const entry = entries.get(key);
    // Not the token this entry was made for: the miss path decides (a forgery fails its HMAC there).
    if (entry === undefined || (entry.tokenDigest !== null && entry.tokenDigest !== digestOf(token))) return undefined;
    if (entry.expiresAt <= sinceEpoch(nowMs)) {
      entries.delete(key);
      return undefined;
    }
    metrics?.hit();
    return entry;
  };
  const peek = (token: string, nowMs: number): IntrospectionResult | undefined => peekEntry(token, nowMs)?.grant;

  return {
    peek,
    async introspect(token, nowMs) {
      const entry = peekEntry(token, nowMs);
      if (entry !== undefined) return { result: entry.grant, exp_s: entry.expS, iat_s: entry.iatS };
      const keyed = keyOf(token);
      const key = typeof keyed === 'string' || keyed === null ? keyed : await keyed;
      if (key === null) return null;
      metrics?.miss();
      return inFlight.get(key) ?? introspect(key, token, nowMs);
    },
    async lookup(token, nowMs) {
      const cached = peek(token, nowMs);
      if (cached !== undefined) return cached;
      // A synchronous key joins the in-flight map at once, so a revocation emitted from now on evicts
      // this look-up; one awaited (a JWT's signature) starts reading only after it, so sees the revocation.
      const keyed = keyOf(token);
      const key = typeof keyed === 'string' || keyed === null ? keyed : await keyed;
      if (key === null) return INACTIVE;
      metrics?.miss();
      return (await (inFlight.get(key) ?? introspect(key, token, nowMs))).result;
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
    get sizeBytes() {
      return entries?.calculatedSize ?? 0;
    },
    close: () => unsubscribe?.(),
  };
}
