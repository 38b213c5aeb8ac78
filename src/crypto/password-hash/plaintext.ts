/**
 * Plaintext secrets: `$plaintext$<value>`, or any value that does not start with `$`. Still
 * accepted (Authelia does), always `deprecated` so config validation can warn.
 */
import { constantTimeEqual } from '../constant-time.js';
import { DigestFormatError } from './errors.js';
import type { DigestFormat } from './format.js';
import type { PasswordDigest } from './types.js';

const PREFIX = '$plaintext$';

export const plaintextFormat: DigestFormat = { ids: ['plaintext'], parse: parsePlaintext };

function parsePlaintext(encoded: string): PasswordDigest {
  const secret = encoded.startsWith(PREFIX) ? encoded.slice(PREFIX.length) : encoded;
  if (secret.length === 0) throw new DigestFormatError('the plaintext secret is empty');
  return Object.freeze({
    algorithm: 'plaintext',
    encoded,
    deprecated: true,
    // Hashing both sides first hides the secret's length as well as its content.
    verify: (password: string) => Promise.resolve(constantTimeEqual(password, secret)),
  });
}
