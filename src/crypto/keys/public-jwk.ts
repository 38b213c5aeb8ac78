/**
 * The public half of an issuer key as served at /jwks.json (RFC 7517), and its default key id.
 * Only public members are copied, by name, so a private member can never slip through.
 */
import { createHash, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { base64url, type JWK } from 'jose';
import type { SigningAlg } from './algorithms.js';

/** RFC 7518 sections 6.2.1 and 6.3.1: the public parameters of EC and RSA keys. */
const PUBLIC_MEMBERS = { EC: ['crv', 'x', 'y'], RSA: ['n', 'e'] } as const;

export interface PublicJwkInput {
  kid: string;
  /** Absent when the key signs with several algorithms (RFC 7517 section 4.4: "alg" is optional). */
  alg: SigningAlg | undefined;
  /** Leaf first. */
  chain: readonly X509Certificate[];
}

export function publicJwkOf(privateKey: KeyObject, input: PublicJwkInput): JWK {
  const keyMembers = publicKeyMembers(privateKey);
  const jwk: JWK = { kty: keyMembers.kty, kid: input.kid, use: 'sig' };
  if (input.alg) jwk.alg = input.alg;
  Object.assign(jwk, keyMembers);
  const leaf = input.chain[0];
  if (leaf) {
    // RFC 7517 section 4.7: standard base64 (not base64url) DER, leaf first.
    jwk.x5c = input.chain.map((cert) => cert.raw.toString('base64'));
    // Section 4.8 (SHA-1, still read by older relying parties) and 4.9 (SHA-256) thumbprints of the leaf.
    jwk.x5t = base64url.encode(createHash('sha1').update(leaf.raw).digest());
    jwk['x5t#S256'] = base64url.encode(createHash('sha256').update(leaf.raw).digest());
  }
  return Object.freeze(jwk);
}

/**
 * The key type and its public parameters, nothing else: for EC and RSA keys exactly the members
 * RFC 7638 section 3.2 requires in a thumbprint.
 */
function publicKeyMembers(privateKey: KeyObject): JWK {
  const full = createPublicKey(privateKey).export({ format: 'jwk' });
  const names = full.kty === 'EC' ? PUBLIC_MEMBERS.EC : full.kty === 'RSA' ? PUBLIC_MEMBERS.RSA : undefined;
  if (!names) throw new Error(`cannot publish a key of type '${String(full.kty)}'`);
  const out: JWK = { kty: full.kty };
  for (const name of names) out[name] = full[name];
  return out;
}

/**
 * A short key id derived from the key itself (the first 12 hex digits of its RFC 7638 SHA-256
 * thumbprint), so that it stays the same across restarts and replicas without configuration.
 * Synchronous (jose's calculateJwkThumbprint is not) because the config checks derive it too.
 */
export function defaultKeyId(privateKey: KeyObject): string {
  return createHash('sha256').update(thumbprintInput(publicKeyMembers(privateKey))).digest('hex').slice(0, 12);
}

/** RFC 7638 section 3.3: the required members in lexicographic order, as JSON without whitespace. */
function thumbprintInput(members: JWK): string {
  const sorted = Object.entries(members).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(Object.fromEntries(sorted));
}
