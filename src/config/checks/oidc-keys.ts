/**
 * The provider's signing keys (Authelia's OpenID Connect provider configuration, "issuer_private_key" / "issuer_certificate_chain"; the integration guide's
 * Response Object table) and a client's own `jwks`. Which issuer key a client's signed responses
 * use is checked in signed-response-keys.ts.
 */
import { createPublicKey } from 'node:crypto';
import { checkCertificateChain, readPrivateKey, type KeyKind } from '../../crypto/key-checks.js';
import type { ConfigPath } from '../errors.js';
import type { ResponseObjectAlg } from '../schema/common.js';
import type { ModelKey } from './issuer-key-model.js';
import { OIDC_PATH, type CheckProblem, type ParsedClient, type ParsedOidc } from './types.js';

const CURVE_FOR: Partial<Record<ResponseObjectAlg, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Why `alg` cannot be used with a key of `kind`, or null when it fits. */
export function algorithmMismatch(alg: ResponseObjectAlg, kind: KeyKind): string | null {
  const curve = CURVE_FOR[alg];
  if (curve === undefined) return kind.kty === 'RSA' ? null : `is '${alg}' which needs an RSA key but the key is an ECDSA ${kind.curve} key`;
  if (kind.kty !== 'EC') return `is '${alg}' which needs an ECDSA ${curve} key but the key is an RSA key`;
  return kind.curve === curve ? null : `is '${alg}' which needs an ECDSA ${curve} key but the key is on ${kind.curve}`;
}

export function checkIssuerKeys(oidc: ParsedOidc, nowMs: number, keys: readonly ModelKey[]): CheckProblem[] {
  const path = [...OIDC_PATH, 'jwks'];
  const problems: CheckProblem[] = [];
  const keyIds = new Map<string, number>();
  const withoutId = new Map<string, number>();
  oidc.jwks.forEach((jwk, i) => {
    const at = [...path, i];
    let read: ReturnType<typeof readPrivateKey> | undefined;
    try {
      read = readPrivateKey(jwk.key);
    } catch (err) {
      problems.push({ path: [...at, 'key'], message: (err as Error).message });
    }
    if (read) {
      const mismatch = algorithmMismatch(jwk.algorithm, read.kind);
      if (mismatch) problems.push({ path: [...at, jwk.algorithm_set ? 'algorithm' : 'key'], message: mismatch });
      if (jwk.certificate_chain !== undefined) {
        for (const message of checkCertificateChain(jwk.certificate_chain, read.key, nowMs)) {
          problems.push({ path: [...at, 'certificate_chain'], message });
        }
      }
    }
    if (jwk.key_id !== undefined) {
      const first = keyIds.get(jwk.key_id);
      if (first !== undefined) problems.push({ path: [...at, 'key_id'], message: `'${jwk.key_id}' is already used by identity_providers.oidc.jwks[${first}]` });
      else keyIds.set(jwk.key_id, i);
    } else {
      const first = withoutId.get(jwk.algorithm);
      if (first !== undefined) {
        problems.push({ path: at, message: `needs a key_id: identity_providers.oidc.jwks[${first}] is already the ${jwk.algorithm} key without one` });
      } else withoutId.set(jwk.algorithm, i);
    }
  });
  // OpenID Connect Core §15.1: a provider must support RS256 for ID Tokens.
  if (oidc.jwks.length > 0 && !oidc.jwks.some((jwk) => jwk.algorithm === 'RS256')) {
    problems.push({ path, message: 'must include an RS256 key: OpenID Connect requires RS256 support' });
  }
  problems.push(...derivedKeyIdClashes(oidc, keys));
  return problems;
}

/**
 * Start-up refuses two keys with one id (keys.ts `checkDistinctKids`), and a key without a key_id
 * gets the id derived from its key. Repeated key_ids and two keys of one algorithm without key_id
 * are reported above; this adds the clashes that involve a derived id.
 */
function derivedKeyIdClashes(oidc: ParsedOidc, keys: readonly ModelKey[]): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const firstWith = new Map<string, number>();
  keys.forEach((key, i) => {
    if (key.kid === undefined) return;
    const first = firstWith.get(key.kid);
    if (first === undefined) {
      firstWith.set(key.kid, i);
      return;
    }
    const [earlier, later] = [oidc.jwks[first], oidc.jwks[i]];
    if (earlier.key_id !== undefined && later.key_id !== undefined) return;
    if (earlier.key_id === undefined && later.key_id === undefined && earlier.algorithm === later.algorithm) return;
    const at = [...OIDC_PATH, 'jwks', i];
    problems.push(
      later.key_id === undefined
        ? { path: at, message: `needs a key_id: the id derived from its key, '${key.kid}', is already the key id of identity_providers.oidc.jwks[${first}]` }
        : { path: [...at, 'key_id'], message: `'${key.kid}' is already the id derived from the key of identity_providers.oidc.jwks[${first}]` },
    );
  });
  return problems;
}

/** A client's own `jwks`: public keys (or certificates), unique ids, algorithms that fit. */
export function checkClientJwks(client: ParsedClient, path: ConfigPath): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const seen = new Map<string, number>();
  (client.jwks ?? []).forEach((jwk, i) => {
    const at = [...path, 'jwks', i];
    const first = seen.get(jwk.key_id);
    if (first !== undefined) problems.push({ path: [...at, 'key_id'], message: `'${jwk.key_id}' is already used by jwks[${first}]` });
    else seen.set(jwk.key_id, i);
    let kind: KeyKind | undefined;
    try {
      const key = createPublicKey({ key: jwk.key, format: 'pem' });
      const details = key.asymmetricKeyDetails ?? {};
      if (key.asymmetricKeyType === 'rsa') kind = { kty: 'RSA', bits: details.modulusLength ?? 0 };
      else if (key.asymmetricKeyType === 'ec') {
        const curve = ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as const)[details.namedCurve as 'prime256v1'];
        if (curve) kind = { kty: 'EC', curve };
      }
      if (!kind) problems.push({ path: [...at, 'key'], message: 'must be an RSA or ECDSA P-256/P-384/P-521 public key' });
      else if (kind.kty === 'RSA' && kind.bits < 2048) problems.push({ path: [...at, 'key'], message: `is an RSA key of ${kind.bits} bits but must have at least 2048 bits` });
    } catch {
      problems.push({ path: [...at, 'key'], message: 'is not a PEM encoded public key or certificate' });
    }
    if (kind && jwk.algorithm !== undefined) {
      const mismatch = algorithmMismatch(jwk.algorithm, kind);
      if (mismatch) problems.push({ path: [...at, 'algorithm'], message: mismatch });
    }
  });
  return problems;
}
