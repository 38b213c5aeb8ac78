/**
 * The issuer's signing keys: loaded once at start-up from `identity_providers.oidc.jwks`, then
 * asked which key signs with which algorithm, and rendered as the public JWKS (RFC 7517).
 *
 * Each configured key signs with its `algorithm` (default: RS256 for RSA, the curve's ES* for EC).
 * RSA algorithms that no key is configured for are served by one RSA key (the first RS256 one,
 * else the first RSA one), as Authelia does; such a key is published without "alg" so that
 * verifiers accept it for each of them.
 */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { readCertificateChain, readPrivateKey, type KeyKind } from './key-checks.js';
import { SIGNING_ALGS, algsFor, defaultAlgFor, describeKind, isSigningAlg, type SigningAlg } from './keys/algorithms.js';
import { defaultKeyId, publicJwkOf } from './keys/public-jwk.js';
import { servedAlgorithms } from './keys/served-algorithms.js';

export type { SigningAlg } from './keys/algorithms.js';
export { SIGNING_ALGS } from './keys/algorithms.js';

/** One entry of `identity_providers.oidc.jwks`, snake_case as configured. */
export interface JwkConfig {
  key_id?: string;
  algorithm?: SigningAlg;
  use?: 'sig';
  /** PEM private key. */
  key: string;
  /** PEM bundle, leaf first. */
  certificate_chain?: string;
}

export interface IssuerKey {
  kid: string;
  /** The configured (or default) algorithm. */
  alg: SigningAlg;
  /** Every algorithm this key signs with: `alg`, plus the RSA algorithms it serves for no one else. */
  algorithms: readonly SigningAlg[];
  privateKey: KeyObject;
  /** kid, use 'sig', alg (when there is one), kty and public members, x5c / x5t / x5t#S256 with a chain. */
  publicJwk: JWK;
}

export interface IssuerKeySet {
  keys: readonly IssuerKey[];
  /** The key for an algorithm, optionally a specific key id (the client's *_signed_response_key_id); throws if none. */
  select(alg: SigningAlg, kid?: string): IssuerKey;
  /** Every algorithm that some key can sign with (for discovery's *_signing_alg_values_supported). */
  algorithms(): SigningAlg[];
  /** The public JWKS document served at /jwks.json. */
  jwks(): { keys: JWK[] };
}

export class KeySelectionError extends Error {
  override readonly name = 'KeySelectionError';
}

interface ParsedKey {
  kid: string | undefined;
  alg: SigningAlg;
  kind: KeyKind;
  privateKey: KeyObject;
  chainPem: string | undefined;
}

/** Async so that a bad entry reaches the caller as a rejection, as start-up awaits it. */
// eslint-disable-next-line @typescript-eslint/require-await -- async on purpose: a throw must become a rejection (see above)
export async function loadIssuerKeys(jwks: ReadonlyArray<JwkConfig>): Promise<IssuerKeySet> {
  if (jwks.length === 0) throw new Error('jwks: at least one signing key is required');
  const parsed = jwks.map((entry, i) => parseEntry(entry, `jwks[${i}]`));
  const served = servedAlgorithms(parsed.map((key) => ({ alg: key.alg, kty: key.kind.kty })));

  const keys = parsed.map((key, i): IssuerKey => {
    const algorithms = served[i];
    const kid = key.kid ?? defaultKeyId(key.privateKey);
    const chain = key.chainPem === undefined ? [] : readChain(key.chainPem, key.privateKey, `jwks[${i}]`);
    const publicJwk = publicJwkOf(key.privateKey, { kid, alg: algorithms.length === 1 ? key.alg : undefined, chain });
    return Object.freeze({ kid, alg: key.alg, algorithms, privateKey: key.privateKey, publicJwk });
  });
  checkDistinctKids(keys);
  return createIssuerKeySet(keys);
}

/** The set over already-built keys: selection rules and the JWKS document. */
export function createIssuerKeySet(keys: readonly IssuerKey[]): IssuerKeySet {
  const byAlg = new Map<SigningAlg, IssuerKey>();
  for (const key of keys) {
    for (const alg of key.algorithms) if (!byAlg.has(alg)) byAlg.set(alg, key);
  }
  const frozen = Object.freeze([...keys]);
  return {
    keys: frozen,
    select(alg, kid) {
      if (kid === undefined) {
        const key = byAlg.get(alg);
        if (!key) throw new KeySelectionError(`no issuer key signs with ${alg}`);
        return key;
      }
      const key = frozen.find((k) => k.kid === kid);
      if (!key) throw new KeySelectionError(`no issuer key has the key id '${kid}'`);
      if (!key.algorithms.includes(alg)) {
        throw new KeySelectionError(`the issuer key '${kid}' signs with ${key.algorithms.join(', ')}, not ${alg}`);
      }
      return key;
    },
    algorithms: () => SIGNING_ALGS.filter((alg) => byAlg.has(alg)),
    jwks: () => ({ keys: frozen.map((k) => k.publicJwk) }),
  };
}

function parseEntry(entry: JwkConfig, at: string): ParsedKey {
  if (entry.use !== undefined && entry.use !== 'sig') throw new Error(`${at}.use must be 'sig', got '${String(entry.use)}'`);
  if (entry.key_id !== undefined && (typeof entry.key_id !== 'string' || entry.key_id === '')) {
    throw new Error(`${at}.key_id must be a non-empty string`);
  }
  let read: { key: KeyObject; kind: KeyKind };
  try {
    read = readPrivateKey(entry.key);
  } catch (err) {
    throw new Error(`${at}.key ${(err as Error).message}`);
  }
  const alg = entry.algorithm ?? defaultAlgFor(read.kind);
  if (!isSigningAlg(alg)) throw new Error(`${at}.algorithm '${String(alg)}' is not one of ${SIGNING_ALGS.join(', ')}`);
  const fitting = algsFor(read.kind);
  if (!fitting.includes(alg)) {
    throw new Error(`${at}.algorithm '${alg}' does not fit ${describeKind(read.kind)}: use ${fitting.join(', ')}`);
  }
  return { kid: entry.key_id, alg, kind: read.kind, privateKey: read.key, chainPem: entry.certificate_chain };
}

function readChain(pem: string, privateKey: KeyObject, at: string): ReturnType<typeof readCertificateChain> {
  let chain: ReturnType<typeof readCertificateChain>;
  try {
    chain = readCertificateChain(pem);
  } catch (err) {
    throw new Error(`${at}.certificate_chain ${(err as Error).message}`);
  }
  // A leaf for another key would make relying parties that check x5c reject every signature.
  if (!chain[0].checkPrivateKey(privateKey)) {
    throw new Error(`${at}.certificate_chain: the first certificate does not match the private key`);
  }
  return chain;
}

function checkDistinctKids(keys: readonly IssuerKey[]): void {
  const seen = new Map<string, number>();
  keys.forEach((key, i) => {
    const first = seen.get(key.kid);
    if (first !== undefined) {
      throw new Error(`jwks[${i}] has the same key id '${key.kid}' as jwks[${first}]: set distinct key_id values`);
    }
    seen.set(key.kid, i);
  });
}
