/**
 * Pure checks of configured key material (PEM), shared by config validation and key loading.
 * Each returns the problems it found as sentences; an empty list means the material is usable.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

export type KeyKind =
  | { kty: 'RSA'; bits: number }
  | { kty: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' };

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

export const MIN_RSA_BITS = 2048;

/** Reads a PEM private key; throws an Error with a sentence when it is not an RSA or ECDSA P-256/384/521 key. */
export function readPrivateKey(pem: string): { key: KeyObject; kind: KeyKind } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('is not a PEM encoded private key');
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new Error(`is an RSA key of ${bits} bits but must have at least ${MIN_RSA_BITS} bits`);
    return { key, kind: { kty: 'RSA', bits } };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[details.namedCurve ?? ''];
    if (!curve) throw new Error(`is an ECDSA key on curve '${details.namedCurve}' but must be on P-256, P-384 or P-521`);
    return { key, kind: { kty: 'EC', curve } };
  }
  throw new Error(`is a key of type '${key.asymmetricKeyType}' but must be an RSA or ECDSA key`);
}

/** Splits a PEM bundle into its certificates, first (leaf) first. */
export function readCertificateChain(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('holds no PEM encoded certificate');
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new Error(`certificate #${i + 1} is not a valid PEM encoded certificate`);
    }
  });
}

/**
 * The spec's rules for a certificate chain: the first certificate carries the private key's public
 * key, every certificate is valid at `nowMs`, and each is signed by the one that follows it.
 */
export function checkCertificateChain(chainPem: string, privateKey: KeyObject, nowMs: number): string[] {
  let chain: X509Certificate[];
  try {
    chain = readCertificateChain(chainPem);
  } catch (err) {
    return [(err as Error).message];
  }
  const problems: string[] = [];
  if (!chain[0].checkPrivateKey(privateKey)) {
    problems.push('the first certificate does not match the private key');
  }
  chain.forEach((cert, i) => {
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (nowMs < from || nowMs > to) {
      problems.push(`certificate #${i + 1} (${cert.subject.replace(/\n/g, ', ')}) is not valid now: valid from ${cert.validFrom} to ${cert.validTo}`);
    }
    const next = chain[i + 1];
    if (next && !cert.verify(next.publicKey)) {
      problems.push(`certificate #${i + 1} is not signed by certificate #${i + 2}`);
    }
  });
  return problems;
}
