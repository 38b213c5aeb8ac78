/**
 * PKCE at the token endpoint (RFC 7636 §4.6): the `code_verifier` must reproduce the challenge
 * stored with the code. A verifier without a stored challenge is refused too, so a client cannot
 * smuggle PKCE into a flow that did not start with it (RFC 9700 §2.1.1, fosite's behaviour).
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { OAuthError } from './errors.js';

/** RFC 7636 §4.1: code-verifier = 43*128unreserved. */
const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

export interface StoredChallenge {
  code_challenge?: string;
  code_challenge_method?: 'S256' | 'plain';
}

/** RFC 7636 §4.2: the challenge a verifier produces with a method. */
export function challengeOf(verifier: string, method: 'S256' | 'plain'): string {
  return method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
}

/** Throws invalid_grant unless `code_verifier` matches what the authorization request committed to. */
export function verifyCodeVerifier(stored: StoredChallenge, code_verifier: string | undefined): void {
  const challenge = stored.code_challenge;
  if (challenge === undefined || challenge === '') {
    if (code_verifier !== undefined) {
      throw new OAuthError('invalid_grant', "The 'code_verifier' parameter was sent but the authorization request carried no code_challenge.");
    }
    return;
  }
  if (code_verifier === undefined) throw new OAuthError('invalid_grant', "The 'code_verifier' parameter is missing (RFC 7636 §4.5).");
  if (!VERIFIER_SYNTAX.test(code_verifier)) {
    throw new OAuthError('invalid_grant', "The 'code_verifier' must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~' (RFC 7636 §4.1).");
  }
  // RFC 7636 §4.3: an absent method means plain.
  const method = stored.code_challenge_method ?? 'plain';
  if (!constantTimeEqual(challengeOf(code_verifier, method), challenge)) {
    throw new OAuthError('invalid_grant', "The 'code_verifier' does not match the code_challenge (RFC 7636 §4.6).");
  }
}
