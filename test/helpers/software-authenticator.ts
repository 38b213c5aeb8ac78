/**
 * A software WebAuthn authenticator for unit tests: an ES256 credential (a fixture key) and
 * assertions built by hand (W3C WebAuthn §6.1 authenticator data, §5.8.1 client data, §6.3.3
 * signature over authenticatorData || SHA-256(clientDataJSON)), with any counter and flags —
 * so a test can forge what a real authenticator would never send, such as a counter going back.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { fixtureKeyPair } from './fixture-keys.js';

export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;

export interface SoftwareAuthenticator {
  credentialId: string;
  /** The COSE_Key (RFC 9053 §7.1.1, EC2 P-256, alg -7) the relying party stores. */
  cosePublicKey: Buffer;
  assert(input: { challenge: string; origin: string; rpId: string; counter: number; flags?: number; userHandle?: string }): unknown;
}

export function softwareAuthenticator(credentialId = 'c29mdHdhcmUtY3JlZGVudGlhbA'): SoftwareAuthenticator {
  const { privateKey, publicKey } = fixtureKeyPair('p256');
  return { credentialId, cosePublicKey: coseKey(publicKey), assert: (input) => assertion(privateKey, credentialId, input) };
}

function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  // CBOR map(5): 1 (kty): 2 (EC2), 3 (alg): -7 (ES256), -1 (crv): 1 (P-256), -2 (x): bytes(32), -3 (y): bytes(32)
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]), x, Buffer.from([0x22, 0x58, 0x20]), y]);
}

function assertion(privateKey: KeyObject, credentialId: string, input: Parameters<SoftwareAuthenticator['assert']>[0]): unknown {
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: input.challenge, origin: input.origin, crossOrigin: false }));
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(input.counter);
  const authenticatorData = Buffer.concat([createHash('sha256').update(input.rpId).digest(), Buffer.from([input.flags ?? FLAG_UP | FLAG_UV]), counter]);
  const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), privateKey);
  return {
    id: credentialId,
    rawId: credentialId,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: clientDataJSON.toString('base64url'),
      authenticatorData: authenticatorData.toString('base64url'),
      signature: signature.toString('base64url'),
      ...(input.userHandle === undefined ? {} : { userHandle: input.userHandle }),
    },
  };
}
