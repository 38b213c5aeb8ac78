/**
 * Which JWS algorithms (RFC 7518 section 3.1) a key of each kind can sign with. Pure: the rules
 * behind the defaults and the checks of a configured `algorithm`.
 */
import type { KeyKind } from '../key-checks.js';

export type SigningAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** Every signing algorithm, in the order discovery lists them (RS256 first: OIDC Core 15.1 requires it). */
export const SIGNING_ALGS: readonly SigningAlg[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512',
]);

export const RSA_ALGS: readonly SigningAlg[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

/** RFC 7518 section 3.4: each ECDSA algorithm names its curve, so an EC key has exactly one. */
const EC_ALG_BY_CURVE: Readonly<Record<'P-256' | 'P-384' | 'P-521', SigningAlg>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** The algorithm a key signs with when none is configured: RS256 for RSA, the curve's for EC. */
export function defaultAlgFor(kind: KeyKind): SigningAlg {
  return kind.kty === 'RSA' ? 'RS256' : EC_ALG_BY_CURVE[kind.curve];
}

/** Every algorithm a key of this kind can sign with. */
export function algsFor(kind: KeyKind): readonly SigningAlg[] {
  return kind.kty === 'RSA' ? RSA_ALGS : [EC_ALG_BY_CURVE[kind.curve]];
}

export function describeKind(kind: KeyKind): string {
  return kind.kty === 'RSA' ? `an RSA key of ${kind.bits} bits` : `an ECDSA key on ${kind.curve}`;
}
