/**
 * RFC 8176 §2 authentication method references for a WebAuthn proof, and the level it reaches.
 * - `hwk`: proof of possession of a hardware-secured key (every WebAuthn assertion);
 * - `user`: the authenticator tested the user (the UV flag, §6.1): reported only when it did;
 * - `pop`: proof of possession of a key, named for a passkey sign-in, where the key is the whole proof;
 * - `mfa`: more than one factor: a password then a key, or (only with
 *   `experimental_enable_passkey_uv_two_factors`) a passkey with user verification, which Authelia
 *   4.39 counts as possession plus a PIN or biometric.
 */
import type { AmrValue } from '../session/index.js';
import type { FactorLevel } from '../level.js';

export function secondFactorAmr(before: readonly AmrValue[], userVerified: boolean): AmrValue[] {
  const added: AmrValue[] = ['hwk', ...(userVerified ? (['user'] as const) : []), 'mfa'];
  return [...new Set([...before, ...added])];
}

export function passkeyOutcome(userVerified: boolean, uvCountsAsTwoFactors: boolean): { level: FactorLevel; amr: AmrValue[] } {
  const twoFactors = userVerified && uvCountsAsTwoFactors;
  return { level: twoFactors ? 'two_factor' : 'one_factor', amr: ['pop', 'hwk', ...(userVerified ? (['user'] as const) : []), ...(twoFactors ? (['mfa'] as const) : [])] };
}
