/**
 * Brute-force regulation (Authelia's `regulation` section) and the first-factor check that applies
 * it: too many failures since the last success within `find_time` ban the user and/or the client
 * IP for `ban_time`; every answer takes the same time whatever the outcome.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../observability/log.js';
import type { AuthenticationLog, AuthType, BanKind } from '../storage/types.js';
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

export interface AttemptRecord {
  username: string;
  ip: string;
  successful: boolean;
  auth_type: AuthType;
  nowMs: number;
  request_uri?: string;
  request_method?: string;
}

export interface Regulator {
  /** Whether the username (mode user) or the IP (mode ip) is banned now: the latest ban's expiry, or null. */
  banned(username: string, ip: string, nowMs: number): Promise<{ until_ms: number } | null>;
  /**
   * Records an attempt; after a failure, bans the user and/or IP (per modes) when the failures
   * since the last success within find_time reach max_retries. Returns whether a ban was placed.
   */
  record(attempt: AttemptRecord): Promise<{ banned: boolean }>;
}

const BAN_REASON = 'too many failed authentication attempts';

/** The value each mode bans and counts by. */
const keyOf = (mode: RegulationMode, username: string, ip: string): { kind: BanKind; value: string; query: { username: string } | { remote_ip: string } } =>
  mode === 'user' ? { kind: 'user', value: username, query: { username } } : { kind: 'ip', value: ip, query: { remote_ip: ip } };

export function createRegulator(settings: RegulationSettings, deps: { authLog: AuthenticationLog; logger: Logger }): Regulator {
  const { authLog, logger } = deps;
  const enabled = settings.max_retries > 0 && settings.modes.length > 0;
  const modes = [...new Set(settings.modes)];

  return {
    async banned(username, ip, nowMs) {
      if (!enabled) return null;
      let untilMs: number | null = null;
      for (const mode of modes) {
        const { kind, value } = keyOf(mode, username, ip);
        const ban = await authLog.activeBan(kind, value, nowMs);
        if (ban !== null && (untilMs === null || ban.expires_at_ms > untilMs)) untilMs = ban.expires_at_ms;
      }
      return untilMs === null ? null : { until_ms: untilMs };
    },

    async record(attempt) {
      const { username, ip, successful, nowMs } = attempt;
      await authLog.record({
        username,
        remote_ip: ip,
        successful,
        auth_type: attempt.auth_type,
        time_ms: nowMs,
        ...(attempt.request_uri === undefined ? {} : { request_uri: attempt.request_uri }),
        ...(attempt.request_method === undefined ? {} : { request_method: attempt.request_method }),
      });
      if (successful || !enabled) return { banned: false };
      const sinceMs = nowMs - settings.find_time * 1000;
      let banned = false;
      for (const mode of modes) {
        const { kind, value, query } = keyOf(mode, username, ip);
        const failures = await authLog.countFailures({ ...query, sinceMs });
        if (failures < settings.max_retries) continue;
        const expiresAtMs = nowMs + settings.ban_time * 1000;
        await authLog.ban({ kind, value, expires_at_ms: expiresAtMs, reason: BAN_REASON });
        logger.warn('regulation: banned after repeated authentication failures', { ban_kind: kind, username, remote_ip: ip, failures, until_ms: expiresAtMs });
        banned = true;
      }
      return { banned };
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
 *   password oracle) and the attempt is not recorded: the ban already runs to its expiry, and
 *   counting attempts made during it would re-ban the user the moment it ends;
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
    const ban = await deps.regulator.banned(username, ip, nowMs);
    if (ban !== null) {
      deps.logger?.info('first factor refused: banned', { username, remote_ip: ip, until_ms: ban.until_ms });
      return { ok: false, reason: 'banned' };
    }
    // checkPassword is false for unknown and disabled users too, after verifying one digest either way.
    const matches = await deps.users.checkPassword(username, password);
    const user = matches ? deps.users.get(username) : null;
    const successful = user !== null && !user.disabled;
    await deps.regulator.record({
      username,
      ip,
      successful,
      auth_type: '1fa',
      nowMs,
      ...(input.request_uri === undefined ? {} : { request_uri: input.request_uri }),
      ...(input.request_method === undefined ? {} : { request_method: input.request_method }),
    });
    return successful ? { ok: true, user } : { ok: false, reason: 'invalid_credentials' };
  }, deps.timing);
}
