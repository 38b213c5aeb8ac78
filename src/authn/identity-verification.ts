/**
 * Identity verification (Authelia's `identity_validation.elevated_session`): before a second factor
 * is registered or removed, the person proves they read their mail — a one-time code sent by the
 * notifier elevates their session for `elevation_lifespan`. Codes are random over an unambiguous
 * alphabet, stored only as a keyed hash, used once, expire after `code_lifespan`; sending is
 * rate-limited per user and checking is regulated like a password.
 */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { Notifier } from '../notifier/index.js';
import type { OneTimeCodeIntent, OneTimeCodes } from '../storage/types.js';
import type { UserDetails } from '../users/user.js';
import { html } from '../util/html.js';
import type { Regulator } from './regulation.js';
import type { PortalSession } from './session/index.js';

export interface ElevationSettings {
  /** Seconds a sent code may be used. */
  code_lifespan: number;
  /** Seconds the session stays elevated. */
  elevation_lifespan: number;
  characters: number;
  require_second_factor: boolean;
  skip_second_factor: boolean;
}

/** No 0/O, 1/I/L: a code read from a phone and typed on a laptop. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** At most this many codes are sent to one user per `code_lifespan` (a mailbox is not a flood target). */
export const MAX_CODES_PER_LIFESPAN = 3;

export function newVerificationCode(characters: number): string {
  let code = '';
  for (let i = 0; i < characters; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the person typed, as it was sent: upper case, without spaces or dashes. */
export function normaliseCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

/** The stored form: HMAC-SHA-256 over intent, user and code, so a leaked table cannot be tried offline. */
export function codeHash(key: Buffer, intent: OneTimeCodeIntent, username: string, code: string): string {
  // JSON keeps the fields apart whatever they contain (a separator could appear inside one).
  return createHmac('sha256', key).update(JSON.stringify([intent, username, code])).digest('hex');
}

/** True while the session is elevated: by a code, or (skip_second_factor) by its second factor. */
export function isElevated(session: Pick<PortalSession, 'level' | 'elevated_until_ms'>, settings: Pick<ElevationSettings, 'skip_second_factor'>, nowMs: number): boolean {
  if (settings.skip_second_factor && session.level === 'two_factor') return true;
  return session.elevated_until_ms !== undefined && session.elevated_until_ms > nowMs;
}

/** The message with the code: plain text and HTML. */
export function elevationMessage(user: Pick<UserDetails, 'display_name'>, code: string, lifespanSeconds: number): { title: string; text: string; html: string } {
  const minutes = Math.max(1, Math.round(lifespanSeconds / 60));
  const title = 'Confirm it is you';
  const text = [
    `Hi ${user.display_name},`,
    '',
    'Someone signed in to your account asked to change how you sign in (a second factor).',
    `If it was you, enter this code; it works once, for ${minutes} minute${minutes === 1 ? '' : 's'}:`,
    '',
    `    ${code}`,
    '',
    'If it was not you, do not share the code, and change your password: someone knows it.',
  ].join('\n');
  const markup = html`<!doctype html><html lang="en"><body>
<p>Hi ${user.display_name},</p>
<p>Someone signed in to your account asked to change how you sign in (a second factor).
If it was you, enter this code; it works once, for ${minutes} minute${minutes === 1 ? '' : 's'}:</p>
<p style="font-size:1.5em;font-family:monospace;letter-spacing:0.2em"><strong>${code}</strong></p>
<p>If it was not you, do not share the code, and change your password: someone knows it.</p>
</body></html>`;
  return { title, text, html: markup.toString() };
}

export type SendOutcome = 'sent' | 'rate_limited' | 'no_address';
export type CheckOutcome = 'valid' | 'invalid' | 'banned';

export interface IdentityVerifier {
  readonly settings: Readonly<ElevationSettings>;
  /** Sends a new code to the user's first address, unless MAX_CODES_PER_LIFESPAN were sent within `code_lifespan`. */
  sendCode(user: UserDetails, nowMs: number): Promise<SendOutcome>;
  /** One regulated attempt: the code is used (once) when valid. */
  checkCode(input: { username: string; code: string; ip: string; nowMs: number; request_uri: string }): Promise<CheckOutcome>;
}

export interface IdentityVerifierDeps {
  codes: OneTimeCodes;
  notifier: Notifier;
  regulator: Regulator;
  /** The HMAC key of codeHash. */
  key: Buffer;
  newCode?: (characters: number) => string;
}

export function createIdentityVerifier(settings: Readonly<ElevationSettings>, deps: IdentityVerifierDeps): IdentityVerifier {
  const newCode = deps.newCode ?? newVerificationCode;
  return {
    settings,
    async sendCode(user, nowMs) {
      const address = user.emails[0];
      if (address === undefined) return 'no_address';
      const sent = await deps.codes.countSince(user.username, 'elevation', nowMs - settings.code_lifespan * 1000);
      if (sent >= MAX_CODES_PER_LIFESPAN) return 'rate_limited';
      const code = newCode(settings.characters);
      await deps.codes.create({
        id: randomUUID(),
        username: user.username,
        intent: 'elevation',
        code_hash: codeHash(deps.key, 'elevation', user.username, code),
        created_at_ms: nowMs,
        expires_at_ms: nowMs + settings.code_lifespan * 1000,
      });
      await deps.notifier.send({ to: { address, name: user.display_name }, ...elevationMessage(user, code, settings.code_lifespan) });
      return 'sent';
    },
    async checkCode({ username, code, ip, nowMs, request_uri }) {
      const typed = normaliseCode(code);
      const attempt = await deps.regulator.attempt({ username, ip, auth_type: '2fa', nowMs, request_uri, request_method: 'POST' }, async () => {
        const ok = /^[A-Z0-9]{1,64}$/.test(typed) && (await deps.codes.consume({ username, intent: 'elevation', code_hash: codeHash(deps.key, 'elevation', username, typed), nowMs }));
        return { successful: ok, value: ok };
      });
      if (attempt.refused) return 'banned';
      return attempt.value ? 'valid' : 'invalid';
    },
  };
}
