/**
 * TOTP second factor (RFC 6238) through `otpauth`: secrets, the Key URI an authenticator app
 * scans, and code matching within a ±skew window. Pure apart from the random secret: time comes
 * in as `nowMs`, and replay refusal is the caller's (it records the matched step).
 */
import { randomBytes } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import { constantTimeEqual } from '../crypto/constant-time.js';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpPolicy {
  issuer: string;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  /** Seconds per time step (RFC 6238 section 4.1 "X"). */
  period: number;
  /** Time steps accepted either side of now, for clock drift (RFC 6238 section 5.2). */
  skew: number;
  /** Bytes; at least 20 (160 bits, RFC 4226 section 4 R6). */
  secret_size: number;
}

export type TotpCodePolicy = Pick<TotpPolicy, 'algorithm' | 'digits' | 'period'>;
export type TotpMatchPolicy = Pick<TotpPolicy, 'algorithm' | 'digits' | 'period' | 'skew'>;

export const MIN_TOTP_SECRET_BYTES = 20;

export function generateTotpSecret(policy: Pick<TotpPolicy, 'secret_size'>): Buffer {
  if (!Number.isInteger(policy.secret_size) || policy.secret_size < MIN_TOTP_SECRET_BYTES) {
    throw new RangeError(`secret_size must be an integer of at least ${MIN_TOTP_SECRET_BYTES} bytes`);
  }
  return randomBytes(policy.secret_size);
}

/**
 * The Key URI (Google Authenticator's "Key Uri Format"): the label is `issuer:username` and the
 * issuer is repeated as a parameter; the secret is unpadded base32.
 */
export function totpUri(secret: Buffer, username: string, policy: Omit<TotpPolicy, 'skew' | 'secret_size'>): string {
  const e = encodeURIComponent;
  const label = `${e(policy.issuer)}:${e(username)}`;
  const query = [
    `secret=${toSecret(secret).base32}`,
    `issuer=${e(policy.issuer)}`,
    `algorithm=${policy.algorithm}`,
    `digits=${policy.digits}`,
    `period=${policy.period}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** The time step (RFC 6238 "T") that `nowMs` falls in. */
export function totpStep(nowMs: number, period: number): number {
  return Math.floor(nowMs / 1000 / period);
}

/** The code for the time step `nowMs` falls in. */
export function totpCodeAt(secret: Buffer, policy: TotpCodePolicy, nowMs: number): string {
  return TOTP.generate({ secret: toSecret(secret), algorithm: policy.algorithm, digits: policy.digits, period: policy.period, timestamp: nowMs });
}

/**
 * The time step the code matches, within ±skew steps of `nowMs`, or null. Callers record the step
 * to refuse a replay. A code of the wrong length or with non-digits is refused before any HMAC.
 * Every step in the window is computed and compared in constant time (no early exit), so timing
 * does not tell which step matched or how close a guess came.
 */
export function matchTotp(code: string, secret: Buffer, policy: TotpMatchPolicy, nowMs: number): number | null {
  if (code.length !== policy.digits || !/^[0-9]+$/.test(code)) return null;
  const key = toSecret(secret);
  const now = totpStep(nowMs, policy.period);
  let matched: number | null = null;
  // Nearest steps first, so the (astronomically unlikely) double match picks the current step.
  for (const offset of windowOffsets(policy.skew)) {
    const step = now + offset;
    if (step < 0) continue;
    const expected = HOTP.generate({ secret: key, algorithm: policy.algorithm, digits: policy.digits, counter: step });
    if (constantTimeEqual(code, expected) && matched === null) matched = step;
  }
  return matched;
}

/** 0, −1, +1, −2, +2, … ±skew */
function windowOffsets(skew: number): number[] {
  const offsets = [0];
  for (let i = 1; i <= skew; i += 1) offsets.push(-i, i);
  return offsets;
}

function toSecret(secret: Buffer): Secret {
  // Copy: a small Buffer may be a view into Node's shared pool, and `buffer` would expose all of it.
  return new Secret({ buffer: Uint8Array.from(secret).buffer });
}
