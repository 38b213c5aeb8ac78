/**
 * The challenge a response answers, read from its clientDataJSON (§5.8.1) and consumed from
 * storage for this ceremony and binding: single use (of two racing responses one gets it),
 * expiring, and useless from another session or for another ceremony. The library then checks
 * that the signed clientData carries exactly this challenge.
 */
import type { WebAuthnCeremony, WebAuthnChallenge, WebAuthnChallenges } from '../../storage/types.js';
import { WebAuthnError } from './errors.js';

const BASE64URL = /^[A-Za-z0-9_-]{16,512}$/;

export async function consumeChallenge(store: WebAuthnChallenges, response: unknown, ceremony: WebAuthnCeremony, binding: string, nowMs: number): Promise<WebAuthnChallenge> {
  const sent = challengeOf(response);
  const challenge = sent === null ? null : await store.consume(sent, ceremony, binding, nowMs);
  if (challenge === null) throw new WebAuthnError('challenge_invalid', 'unknown, used, expired or foreign challenge');
  return challenge;
}

function challengeOf(response: unknown): string | null {
  const clientDataJSON = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return null;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && BASE64URL.test(data.challenge) ? data.challenge : null;
  } catch {
    return null;
  }
}
