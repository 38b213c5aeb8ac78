/**
 * A client's public signing keys (private_key_jwt, OIDC Core §9; later request objects): from
 * its config `jwks` (PEM keys or certificates) or fetched from its `jwks_uri`, cached per client
 * and fetched again when an assertion names a `kid` we do not know (the client rotated its keys),
 * at most once per refetch interval so an attacker's random kids cannot make us hammer the URI.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { OidcClientConfig } from '../config/index.js';
import { fetchJwks, JwksFetchError, type FetchJwks } from './fetch-jwks.js';

export interface ClientKey {
  kid?: string;
  /** The one algorithm the key is registered for, when it names one. */
  alg?: string;
  key: KeyObject;
}

/** Why no key could be chosen; the message is meant for the client (error_description). */
export class ClientKeyError extends Error {
  override readonly name = 'ClientKeyError';
}

export interface ClientKeyStoreOptions {
  fetch?: FetchJwks;
  /** How long fetched keys are used before they are fetched again. */
  cacheTtlMs?: number;
  /** The least time between two fetches for one client, when a `kid` is unknown. */
  refetchIntervalMs?: number;
}

export const DEFAULT_KEYS_CACHE_TTL_MS = 5 * 60_000;
export const DEFAULT_KEYS_REFETCH_INTERVAL_MS = 30_000;

export interface JwsHeaderLike {
  alg?: string;
  kid?: string;
}

export interface ClientKeyStore {
  /** The key of `client` that verifies a JWS with this header; throws ClientKeyError. */
  keyFor(client: OidcClientConfig, header: JwsHeaderLike, nowMs: number): Promise<KeyObject>;
}

/** RFC 7518 §3.1: the key type each asymmetric algorithm needs. */
export function keyFitsAlg(key: KeyObject, alg: string): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS')) return type === 'rsa';
  if (alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  const curve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg];
  if (curve) return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve;
  if (alg === 'EdDSA' || alg === 'Ed25519') return type === 'ed25519';
  return false;
}

/** The keys of a config `jwks` list: `key` is a PEM public key or certificate (a private key yields its public half). */
export function configuredKeys(jwks: NonNullable<OidcClientConfig['jwks']>): ClientKey[] {
  return jwks.map((entry) => ({
    kid: entry.key_id,
    ...(entry.algorithm ? { alg: entry.algorithm } : {}),
    key: createPublicKey(entry.key),
  }));
}

/** The usable signing keys of a fetched JWK Set: public asymmetric keys; others are skipped. */
export function keysOfJwks(jwks: readonly unknown[]): ClientKey[] {
  const keys: ClientKey[] = [];
  for (const entry of jwks) {
    if (typeof entry !== 'object' || entry === null) continue;
    const jwk = entry as JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown };
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    // A JWK with a private part ('d') or a symmetric key ('oct') has no place in a public key set.
    if (jwk.d !== undefined || jwk.kty === 'oct') continue;
    try {
      keys.push({
        ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}),
        ...(typeof jwk.alg === 'string' ? { alg: jwk.alg } : {}),
        key: createPublicKey({ key: jwk, format: 'jwk' }),
      });
    } catch {
      // An unsupported or malformed key is skipped, as RFC 7517 §5 allows.
    }
  }
  return keys;
}

/** The one key for this header among `keys`, or null when none fits. */
export function selectKey(keys: readonly ClientKey[], header: JwsHeaderLike): KeyObject | null {
  const alg = header.alg ?? '';
  const fitting = keys.filter((k) => (header.kid === undefined || k.kid === header.kid) && (k.alg === undefined || k.alg === alg) && keyFitsAlg(k.key, alg));
  if (fitting.length > 1) throw new ClientKeyError(`The client has several keys for '${alg}'; the JWS header must name one with 'kid'.`);
  return fitting[0]?.key ?? null;
}

interface CacheEntry {
  keys: readonly ClientKey[];
  fetchedAtMs: number;
}

export function createClientKeyStore(options: ClientKeyStoreOptions = {}): ClientKeyStore {
  const fetch = options.fetch ?? ((uri) => fetchJwks(uri));
  const ttlMs = options.cacheTtlMs ?? DEFAULT_KEYS_CACHE_TTL_MS;
  const refetchMs = options.refetchIntervalMs ?? DEFAULT_KEYS_REFETCH_INTERVAL_MS;
  const configured = new Map<string, readonly ClientKey[]>();
  const fetched = new Map<string, CacheEntry>();
  // One fetch at a time per client: concurrent requests share it.
  const inFlight = new Map<string, Promise<CacheEntry>>();

  const refresh = (client_id: string, uri: string, nowMs: number): Promise<CacheEntry> => {
    const running = inFlight.get(client_id);
    if (running) return running;
    const started = fetch(uri)
      .then((jwks) => {
        const entry = { keys: keysOfJwks(jwks), fetchedAtMs: nowMs };
        fetched.set(client_id, entry);
        return entry;
      })
      .finally(() => inFlight.delete(client_id));
    inFlight.set(client_id, started);
    return started;
  };

  const fetchedKeys = async (client_id: string, uri: string, header: JwsHeaderLike, nowMs: number): Promise<KeyObject | null> => {
    let entry = fetched.get(client_id);
    if (!entry || nowMs - entry.fetchedAtMs >= ttlMs) entry = await refreshOrStale(client_id, uri, nowMs, entry);
    const found = selectKey(entry.keys, header);
    if (found || nowMs - entry.fetchedAtMs < refetchMs) return found;
    // An unknown kid: the client may have rotated its keys since we fetched them.
    return selectKey((await refreshOrStale(client_id, uri, nowMs, entry)).keys, header);
  };

  const refreshOrStale = async (client_id: string, uri: string, nowMs: number, stale: CacheEntry | undefined): Promise<CacheEntry> => {
    try {
      return await refresh(client_id, uri, nowMs);
    } catch (err) {
      // Keys we already hold stay better than none while the client's endpoint is down.
      if (stale) return stale;
      const reason = err instanceof JwksFetchError ? err.message : 'the jwks_uri could not be fetched';
      throw new ClientKeyError(`The client's keys are not available: ${reason}.`, { cause: err });
    }
  };

  return {
    async keyFor(client, header, nowMs) {
      let found: KeyObject | null;
      if (client.jwks !== undefined) {
        let keys = configured.get(client.client_id);
        if (!keys) {
          keys = configuredKeys(client.jwks);
          configured.set(client.client_id, keys);
        }
        found = selectKey(keys, header);
      } else if (client.jwks_uri !== undefined) {
        found = await fetchedKeys(client.client_id, client.jwks_uri, header, nowMs);
      } else {
        throw new ClientKeyError('The client has no registered keys (jwks or jwks_uri).');
      }
      if (!found) {
        const kid = header.kid === undefined ? '' : ` with kid '${header.kid}'`;
        throw new ClientKeyError(`The client has no key${kid} for the algorithm '${header.alg ?? ''}'.`);
      }
      return found;
    },
  };
}
