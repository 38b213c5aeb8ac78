/**
 * Brute-force regulation (Authelia's `regulation` section) and the first-factor check that applies
 * it: too many failures since the last success within `find_time` ban the user and/or the client
 * IP for `ban_time`; every answer takes the same time whatever the outcome.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../observability/log.js';
import type { AuthenticationLog, AuthType, BanKind, RegulationKey, RegulationWindow } from '../storage/types.js';
import type { UserDetails, UsersBackend } from '../users/user.js';

export type RegulationMode = 'user' | 'ip';

export interface RegulationSettings {
  /** Failures that trigger a ban; 0 disables regulation (attempts are still logged). */
  max_retries: number;
  /** Seconds: how far back failures count. */
  find_time: number;
  /** Seconds a ban lasts. */
  ban_time: number;
  modes: ReadonlyArray<RegulationMode>;
}

/** Who attempts what: for `auth_type: 'client'`, `username` is the client_id. */
export interface AttemptInput {
  username: string;
  ip: string;
  auth_type: AuthType;
  nowMs: number;
  request_uri?: string;
  request_method?: string;
}

/** What a check tells regulation: whether the secret was right, and what the caller wants back. */
export interface CheckResult<T> {
  successful: boolean;
  value: T;
}

export type RegulatedAttempt<T> =
  /** The check did not run: a ban is active (`until_ms`), or `max_retries` attempts already failed or are under way (null). */
  | { refused: true; until_ms: number | null }
  /** The check ran; `banned` when its failure placed a ban. */
  | { refused: false; successful: boolean; value: T; banned: boolean };

export interface Regulator {
  /** Whether the username (mode user) or the IP (mode ip) is banned now: the latest ban's expiry, or null. */
  banned(username: string, ip: string, nowMs: number): Promise<{ until_ms: number } | null>;
  /**
   * One regulated attempt. The attempt is reserved in storage first (AuthenticationLog.reserveAttempt):
   * refused, without running `check`, while the user and/or IP (per modes) is banned or when
   * `max_retries` attempts within `find_time` already failed or are still being checked; so
   * however many attempts race, at most `max_retries` secrets are checked before the ban. Then
   * `check` runs and its outcome is settled: a failure that reaches `max_retries` places the ban,
   * once. A refused attempt is not logged: the ban already runs to its expiry, and counting attempts
   * made during it would re-ban the user the moment it ends. If `check` throws, the reservation is
   * dropped (nothing was decided) and the error rethrown.
   */
  attempt<T>(input: AttemptInput, check: () => Promise<CheckResult<T>>): Promise<RegulatedAttempt<T>>;
}

export interface RegulatorDeps {
  authLog: AuthenticationLog;
  logger: Logger;
  /**
   * What is regulated: people (`user`, `ip` bans; the default) or OAuth clients (`client`,
   * `client_ip` bans, where mode `user` means the client_id). Clients' successes are logged only
   * when they reset a count, so a busy client does not grow the log.
   */
  subject?: 'person' | 'client';
  /** Told once per attempt that placed a ban (metrics). */
  onBan?: () => void;
}

const BAN_REASON = 'too many failed authentication attempts';

const BAN_KINDS: Readonly<Record<NonNullable<RegulatorDeps['subject']>, Readonly<Record<RegulationMode, BanKind>>>> = {
  person: { user: 'user', ip: 'ip' },
  client: { user: 'client', ip: 'client_ip' },
};

export function createRegulator(settings: RegulationSettings, deps: RegulatorDeps): Regulator {
  const { authLog, logger } = deps;
  const subject = deps.subject ?? 'person';
  const enabled = settings.max_retries > 0 && settings.modes.length > 0;
  const modes = [...new Set(settings.modes)];
  /** The value each mode bans and counts by. */
  const keysOf = (username: string, ip: string): RegulationKey[] =>
    modes.map((mode) => ({ kind: BAN_KINDS[subject][mode], value: mode === 'user' ? username : ip }));
  const windowOf = (input: AttemptInput): RegulationWindow => ({
    keys: keysOf(input.username, input.ip),
    sinceMs: input.nowMs - settings.find_time * 1000,
    max_retries: settings.max_retries,
  });
  const logged = (input: AttemptInput) => ({
    username: input.username,
    remote_ip: input.ip,
    auth_type: input.auth_type,
    time_ms: input.nowMs,
    ...(input.request_uri === undefined ? {} : { request_uri: input.request_uri }),
    ...(input.request_method === undefined ? {} : { request_method: input.request_method }),
  });

  return {
    async banned(username, ip, nowMs) {
      if (!enabled) return null;
      let untilMs: number | null = null;
      for (const { kind, value } of keysOf(username, ip)) {
        const ban = await authLog.activeBan(kind, value, nowMs);
        if (ban !== null && (untilMs === null || ban.expires_at_ms > untilMs)) untilMs = ban.expires_at_ms;
      }
      return untilMs === null ? null : { until_ms: untilMs };
    },

    async attempt<T>(input: AttemptInput, check: () => Promise<CheckResult<T>>): Promise<RegulatedAttempt<T>> {
      if (!enabled) {
        // No regulation: every attempt is checked and logged (people only), nothing is banned.
        const result = await check();
        if (subject === 'person') await authLog.record({ ...logged(input), successful: result.successful });
        return { refused: false, ...result, banned: false };
      }
      const window = windowOf(input);
      const reservation = await authLog.reserveAttempt(logged(input), window, input.nowMs);
      if (!reservation.reserved) return { refused: true, until_ms: reservation.banned_until_ms };
      let result: CheckResult<T>;
      try {
        result = await check();
      } catch (err) {
        await authLog.releaseAttempt(reservation.id).catch(() => undefined);
        throw err;
      }
      const expiresAtMs = input.nowMs + settings.ban_time * 1000;
      let banned: Awaited<ReturnType<AuthenticationLog['settleAttempt']>>['banned'];
      try {
        ({ banned } = await authLog.settleAttempt(
          reservation.id,
          { successful: result.successful, forget: subject === 'client' },
          window,
          { expires_at_ms: expiresAtMs, reason: BAN_REASON, nowMs: input.nowMs },
        ));
      } catch (err) {
        // The verdict stands: a right password is not turned into a 500 by the log. A failure stays
        // pending, so it still counts against max_retries until it leaves find_time; a success's
        // reservation is given back (best effort).
        logger.warn('regulation: an attempt could not be settled', { username: input.username, remote_ip: input.ip, successful: result.successful, error: (err as Error).message });
        if (result.successful) await authLog.releaseAttempt(reservation.id).catch(() => undefined);
        return { refused: false, ...result, banned: false };
      }
      for (const ban of banned) {
        logger.warn('regulation: banned after repeated authentication failures', {
          ban_kind: ban.kind,
          username: input.username,
          remote_ip: input.ip,
          failures: ban.failures,
          until_ms: expiresAtMs,
        });
      }
      if (banned.length > 0) deps.onBan?.();
      return { refused: false, ...result, banned: banned.length > 0 };
    },
  };
}

export interface UniformTimingOptions {
  /** The floor every answer waits for, from the start of the attempt. */
  minimumMs: number;
  /** Up to this much more, drawn uniformly per attempt, so the floor itself cannot be measured to the millisecond. */
  jitterMs: number;
  /** A monotonic clock in ms; `performance.now` unless a test injects one. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The default floor: 500 ms (+ up to 100 ms). It must exceed the slowest legitimate verification,
 * or a banned answer (no verification at all) would come back measurably faster: argon2id at
 * Authelia's default cost (64 MiB, t=3, p=4) takes ~60–150 ms on a server core and 300+ ms on a
 * small ARM board. Half a second is still unnoticeable after typing a password.
 */
export const DEFAULT_UNIFORM_TIMING: Readonly<Pick<UniformTimingOptions, 'minimumMs' | 'jitterMs'>> = Object.freeze({ minimumMs: 500, jitterMs: 100 });

/**
 * Equal answers in equal time (no user enumeration, no timing oracle): runs `attempt`, then waits
 * until at least `minimumMs` (+ up to `jitterMs` random) have passed since the call, whatever the
 * outcome, a thrown error included (it is rethrown after the wait). An attempt that overruns the
 * floor is not delayed further: raise `minimumMs` when that happens for legitimate checks.
 */
export async function withUniformTiming<T>(attempt: () => Promise<T>, opts: UniformTimingOptions): Promise<T> {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const startedMs = now();
  const targetMs = opts.minimumMs + (opts.jitterMs > 0 ? randomInt(0, Math.floor(opts.jitterMs) + 1) : 0);
  const outcome = await attempt().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const remainingMs = startedMs + targetMs - now();
  if (remainingMs > 0) await sleep(remainingMs);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * `banned` is for logs and metrics only: the endpoint shows it exactly as `invalid_credentials`
 * (Authelia's "Incorrect username or password."), so a ban reveals nothing about the account.
 */
export type FirstFactorOutcome = { ok: true; user: UserDetails } | { ok: false; reason: 'banned' | 'invalid_credentials' };

export interface FirstFactorInput {
  username: string;
  password: string;
  ip: string;
  nowMs: number;
  request_uri?: string;
  request_method?: string;
}

/**
 * The first factor, with every rule in one place:
 * - a banned user or IP is refused without checking the password (a ban must not become a
 *   password oracle), and so is the attempt beyond `max_retries` while others are still being
 *   checked (Regulator.attempt): never more than `max_retries` passwords are verified per window;
 * - an unknown user, a disabled user and a wrong password are one answer, and each is recorded as
 *   a failure (mode `ip` then catches password sprays across usernames);
 * - the whole check, ban look-up included, runs under `withUniformTiming`.
 */
export async function checkFirstFactor(
  input: FirstFactorInput,
  deps: { users: UsersBackend; regulator: Regulator; timing: UniformTimingOptions; logger?: Logger },
): Promise<FirstFactorOutcome> {
  const { username, password, ip, nowMs } = input;
  return withUniformTiming(async (): Promise<FirstFactorOutcome> => {
    const attempt = await deps.regulator.attempt(
      {
        username,
        ip,
        auth_type: '1fa',
        nowMs,
        ...(input.request_uri === undefined ? {} : { request_uri: input.request_uri }),
        ...(input.request_method === undefined ? {} : { request_method: input.request_method }),
      },
      async () => {
        // checkPassword is false for unknown and disabled users too, after verifying one digest either way.
        const matches = await deps.users.checkPassword(username, password);
        const user = matches ? await deps.users.lookup(username) : null;
        return user !== null && !user.disabled ? { successful: true, value: user } : { successful: false, value: null };
      },
    );
    if (attempt.refused) {
      deps.logger?.info('first factor refused: banned', { username, remote_ip: ip, until_ms: attempt.until_ms });
      return { ok: false, reason: 'banned' };
    }
    return attempt.value !== null ? { ok: true, user: attempt.value } : { ok: false, reason: 'invalid_credentials' };
  }, deps.timing);
}
