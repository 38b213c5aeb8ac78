/**
 * Encryption at rest for session data: AES-256-GCM with the key SHA-256(encryption_key), as
 * Authelia derives it. Each value gets a random 96-bit nonce and is stored as one blob
 * `nonce || ciphertext || tag`. The associated data names the row (`<row type>:<row key>`), so a
 * blob copied into another row fails to decrypt instead of impersonating it.
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey } from 'node:crypto';
import { pooledRandomBytes } from '../util/random-pool.js';
import type { JsonObject } from './types.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class StorageDecryptError extends Error {
  override readonly name = 'StorageDecryptError';
  readonly code = 'ERR_STORAGE_DECRYPT';
  constructor(readonly aad: string) {
    super(`stored value for ${aad} could not be decrypted: wrong encryption key, or the value was tampered with or moved`);
  }
}

export interface FieldCipher {
  seal(plaintext: Buffer, aad: string): Buffer;
  /** Throws StorageDecryptError when the key, the data or the associated data does not match. */
  open(blob: Uint8Array, aad: string): Buffer;
}

export function deriveKey(encryptionKey: string): Buffer {
  return createHash('sha256').update(encryptionKey, 'utf8').digest();
}

export function createFieldCipher(encryptionKey: string): FieldCipher {
  // A KeyObject made once: raw bytes would be imported again by every cipher (the token hot path).
  const key = createSecretKey(deriveKey(encryptionKey));
  return {
    seal(plaintext, aad) {
      const nonce = pooledRandomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    open(blob, aad) {
      const bytes = Buffer.from(blob);
      if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new StorageDecryptError(aad);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new StorageDecryptError(aad);
      }
    },
  };
}

export function sealJson(cipher: FieldCipher, value: unknown, aad: string): Buffer {
  return cipher.seal(Buffer.from(JSON.stringify(value), 'utf8'), aad);
}

export function openJson<T = JsonObject>(cipher: FieldCipher, blob: Uint8Array, aad: string): T {
  return JSON.parse(cipher.open(blob, aad).toString('utf8')) as T;
}
