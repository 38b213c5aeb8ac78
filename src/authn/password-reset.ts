/**
 * Password reset (Authelia's `identity_validation.reset_password`): a link with a signed JWT
 * (`jwt_algorithm`, keyed by `jwt_secret`, valid `jwt_lifespan`) whose `jti` is stored hashed as a
 * one-time code: the link works once, and a changed password revokes every link still unused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { OneTimeCodes } from '../storage/types.js';
import type { UserDetails } from '../users/user.js';
import { html } from '../util/html.js';
import { codeHash } from './identity-verification.js';

export interface ResetPasswordSettings {
  jwt_lifespan: number;
  jwt_algorithm: 'HS256' | 'HS384' | 'HS512';
  jwt_secret: string;
}

/** The JWT's audience: a token made for anything else is never a reset link. */
export const RESET_AUDIENCE = 'gatehouse:reset_password';

export interface PasswordResets {
  /** Makes a single-use token for the user: stored (hashed) before it is returned. */
  issue(user: Pick<UserDetails, 'username'>, nowMs: number): Promise<string>;
  /** The username the token is for, or null (forged, expired, another purpose); does not use it. */
  check(token: string, nowMs: number): Promise<string | null>;
  /** Uses the token: the username once, then null. */
  consume(token: string, nowMs: number): Promise<string | null>;
  /** Every unused link of the user stops working (after a password change). */
  revokeAll(username: string, nowMs: number): Promise<void>;
}

export function createPasswordResets(settings: Readonly<ResetPasswordSettings>, deps: { codes: OneTimeCodes; key: Buffer }): PasswordResets {
  const secret = new TextEncoder().encode(settings.jwt_secret);
  const verify = async (token: string, nowMs: number): Promise<{ username: string; jti: string } | null> => {
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: [settings.jwt_algorithm], audience: RESET_AUDIENCE, currentDate: new Date(nowMs), requiredClaims: ['sub', 'jti', 'exp'] });
      return { username: payload.sub!, jti: payload.jti! };
    } catch {
      return null;
    }
  };
  return {
    async issue(user, nowMs) {
      const jti = randomBytes(16).toString('base64url');
      const iat = Math.floor(nowMs / 1000);
      await deps.codes.create({
        id: randomUUID(),
        username: user.username,
        intent: 'reset_password',
        code_hash: codeHash(deps.key, 'reset_password', user.username, jti),
        created_at_ms: nowMs,
        expires_at_ms: nowMs + settings.jwt_lifespan * 1000,
      });
      return new SignJWT({}).setProtectedHeader({ alg: settings.jwt_algorithm, typ: 'JWT' }).setSubject(user.username).setJti(jti).setAudience(RESET_AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + settings.jwt_lifespan).sign(secret);
    },
    async check(token, nowMs) {
      return (await verify(token, nowMs))?.username ?? null;
    },
    async consume(token, nowMs) {
      const claims = await verify(token, nowMs);
      if (claims === null) return null;
      const used = await deps.codes.consume({ username: claims.username, intent: 'reset_password', code_hash: codeHash(deps.key, 'reset_password', claims.username, claims.jti), nowMs });
      return used ? claims.username : null;
    },
    async revokeAll(username, nowMs) {
      await deps.codes.revokeAll(username, 'reset_password', nowMs);
    },
  };
}

/** The message with the link: plain text and HTML. */
export function resetPasswordMessage(user: Pick<UserDetails, 'display_name'>, link: string, lifespanSeconds: number): { title: string; text: string; html: string } {
  const minutes = Math.max(1, Math.round(lifespanSeconds / 60));
  const title = 'Reset your password';
  const text = [
    `Hi ${user.display_name},`,
    '',
    `Someone asked to reset the password of your account. If it was you, open this link within ${minutes} minute${minutes === 1 ? '' : 's'}; it works once:`,
    '',
    link,
    '',
    'If it was not you, ignore this message: your password stays as it is.',
  ].join('\n');
  const markup = html`<!doctype html><html lang="en"><body>
<p>Hi ${user.display_name},</p>
<p>Someone asked to reset the password of your account. If it was you, open this link within ${minutes} minute${minutes === 1 ? '' : 's'}; it works once:</p>
<p><a href="${link}">Reset your password</a></p>
<p>If it was not you, ignore this message: your password stays as it is.</p>
</body></html>`;
  return { title, text, html: markup.toString() };
}
