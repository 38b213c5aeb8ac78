/**
 * Test keys read from test/fixtures/keys (made once with OpenSSL, see its README) instead of
 * generated at run time: an RSA key generation costs 50–500 ms of a shared core, and under load
 * one file's took minutes. Each name is a different key, so a test that needs "another key" takes
 * another name.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILES = {
  rsa: 'rsa-2048.key.pem',
  rsaB: 'rsa-2048-b.key.pem',
  rsaC: 'rsa-2048-c.key.pem',
  p256: 'ec-p256.key.pem',
  p256B: 'ec-p256-b.key.pem',
  p384: 'ec-p384.key.pem',
  p521: 'ec-p521.key.pem',
} as const;

export type FixtureKeyName = keyof typeof FILES;

/** The PKCS#8 PEM of a fixture private key, as a config's `jwks[].key` takes it. */
export function fixturePem(name: FixtureKeyName): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/keys/${FILES[name]}`, import.meta.url)), 'utf8');
}

/** A fixture key pair: the private and public KeyObject. */
export function fixtureKeyPair(name: FixtureKeyName): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey(fixturePem(name));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
