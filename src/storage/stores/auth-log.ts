/**
 * The authentication log and bans behind regulation (Authelia's `regulation` section), and the
 * reservation that makes regulation hold under concurrency: an attempt is logged as a pending
 * failure, in a transaction serialised per key, before its secret is checked (types.ts).
 */
import { sql, type Kysely } from 'kysely';
import { flag, ms, type Database } from '../schema.js';
import type { AuthType, AuthenticationLog, BanKind, RegulationKey, StorageEngine } from '../types.js';
import { writeTransaction } from '../write-transaction.js';

/** The kinds whose failures a success forgives. */
const RESET_BY_SUCCESS: ReadonlySet<BanKind> = new Set<BanKind>(['user', 'client']);

/** Which log rows each ban kind counts: the column holding its value, and the auth types. */
const COUNTED_BY: Readonly<Record<BanKind, { column: 'username' | 'remote_ip'; auth_types: readonly AuthType[] }>> = {
  user: { column: 'username', auth_types: ['1fa', '2fa', 'basic'] },
  ip: { column: 'remote_ip', auth_types: ['1fa', '2fa', 'basic'] },
  client: { column: 'username', auth_types: ['client'] },
  client_ip: { column: 'remote_ip', auth_types: ['client'] },
};

/** PostgreSQL advisory locks are (class, key) pairs: this class is ours ('GH'), the key a hash of (kind, value). */
const LOCK_CLASS = 0x4748;

interface Tally {
  /** Settled failures since the last success. */
  failures: number;
  /** Attempts still being checked (reserved, not settled). */
  pending: number;
}

export function createAuthenticationLog(db: Kysely<Database>, engine: StorageEngine): AuthenticationLog {
  /**
   * Runs `work` in one write transaction (write-transaction.ts: SQLite BEGIN IMMEDIATE, the database
   * write lock; contention retried) that holds every key's lock: on PostgreSQL an advisory lock per
   * key, taken in a fixed order so two attempts on (user, ip) and (ip, user) cannot deadlock.
   */
  const serialised = <T>(keys: readonly RegulationKey[], work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    writeTransaction(db, 'regulation attempt', async (trx) => {
      if (engine === 'postgres') {
        const names = [...new Set(keys.map((k) => `${k.kind}:${k.value}`))].sort();
        for (const name of names) await sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${name}))`.execute(trx);
      }
      return work(trx);
    });

  /** The key's ban row, active or not. */
  const banOf = async (trx: Kysely<Database>, key: RegulationKey): Promise<number | null> => {
    const row = await trx.selectFrom('bans').select('expires_at_ms').where('kind', '=', key.kind).where('value', '=', key.value).executeTakeFirst();
    return row ? ms(row.expires_at_ms) : null;
  };

  /** Attempts count from the window's start, or from the end of the key's last ban when later: a ban pays for the failures that placed it. */
  const countFrom = (sinceMs: number, banEndMs: number | null): number => (banEndMs === null ? sinceMs : Math.max(sinceMs, banEndMs));

  const tally = async (trx: Kysely<Database>, key: RegulationKey, fromMs: number, exceptId = 0): Promise<Tally> => {
    const { column, auth_types } = COUNTED_BY[key.kind];
    const rows = trx
      .selectFrom('authentication_logs')
      .where(column, '=', key.value)
      .where('auth_type', 'in', [...auth_types])
      .where('time_ms', '>=', fromMs)
      .where('id', '!=', exceptId);
    // A success resets a user's (or client's) count; not an address's: one good sign-in to the
    // attacker's own account would otherwise reset a password spray across usernames from that address.
    // Ids grow with insertion, so "after the last success" is "id above its id", even within one millisecond.
    const lastSuccess = RESET_BY_SUCCESS.has(key.kind) ? await rows.select((eb) => eb.fn.max('id').as('id')).where('successful', '=', 1).executeTakeFirst() : undefined;
    const afterId = lastSuccess?.id === null || lastSuccess?.id === undefined ? 0 : Number(lastSuccess.id);
    const groups = await rows
      .select((eb) => ['pending', eb.fn.countAll().as('n')])
      .where('successful', '=', 0)
      .where('id', '>', afterId)
      .groupBy('pending')
      .execute();
    const of = (pending: number): number => Number(groups.find((g) => Number(g.pending) === pending)?.n ?? 0);
    return { failures: of(0), pending: of(1) };
  };

  return {
    async record(attempt) {
      await db
        .insertInto('authentication_logs')
        .values({
          time_ms: attempt.time_ms,
          successful: flag(attempt.successful),
          username: attempt.username,
          remote_ip: attempt.remote_ip,
          auth_type: attempt.auth_type,
          request_uri: attempt.request_uri ?? null,
          request_method: attempt.request_method ?? null,
        })
        .execute();
    },

    async countFailures({ username, remote_ip, sinceMs }) {
      if (username === undefined && remote_ip === undefined) throw new Error('countFailures needs a username or a remote_ip');
      let base = db.selectFrom('authentication_logs').where('time_ms', '>=', sinceMs);
      if (username !== undefined) base = base.where('username', '=', username);
      if (remote_ip !== undefined) base = base.where('remote_ip', '=', remote_ip);
      const lastSuccess = await base.select((eb) => eb.fn.max('id').as('id')).where('successful', '=', 1).executeTakeFirst();
      const afterId = lastSuccess?.id === null || lastSuccess?.id === undefined ? 0 : Number(lastSuccess.id);
      const failures = await base
        .select((eb) => eb.fn.countAll().as('n'))
        .where('successful', '=', 0)
        .where('pending', '=', 0)
        .where('id', '>', afterId)
        .executeTakeFirst();
      return Number(failures?.n ?? 0);
    },

    async reserveAttempt(attempt, window, nowMs) {
      // A flood against a banned key is refused by a plain read, without queueing for the lock;
      // only settleAttempt places bans, so a stale read merely takes the locked path below.
      let activeUntilMs: number | null = null;
      for (const key of window.keys) {
        const endMs = await banOf(db, key);
        if (endMs !== null && endMs > nowMs && (activeUntilMs === null || endMs > activeUntilMs)) activeUntilMs = endMs;
      }
      if (activeUntilMs !== null) return { reserved: false, banned_until_ms: activeUntilMs };
      return serialised(window.keys, async (trx) => {
        const banEnds = new Map<RegulationKey, number | null>();
        let bannedUntilMs: number | null = null;
        for (const key of window.keys) {
          const endMs = await banOf(trx, key);
          banEnds.set(key, endMs);
          if (endMs !== null && endMs > nowMs && (bannedUntilMs === null || endMs > bannedUntilMs)) bannedUntilMs = endMs;
        }
        if (bannedUntilMs !== null) return { reserved: false, banned_until_ms: bannedUntilMs };
        for (const key of window.keys) {
          const { failures, pending } = await tally(trx, key, countFrom(window.sinceMs, banEnds.get(key) ?? null));
          if (failures + pending >= window.max_retries) return { reserved: false, banned_until_ms: null };
        }
        const row = await trx
          .insertInto('authentication_logs')
          .values({
            time_ms: attempt.time_ms,
            successful: 0,
            pending: 1,
            username: attempt.username,
            remote_ip: attempt.remote_ip,
            auth_type: attempt.auth_type,
            request_uri: attempt.request_uri ?? null,
            request_method: attempt.request_method ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { reserved: true, id: Number(row.id) };
      });
    },

    async settleAttempt(id, outcome, window, ban) {
      return serialised(window.keys, async (trx) => {
        if (outcome.successful) {
          let resets = !outcome.forget;
          for (const key of window.keys) {
            if (resets) break;
            const { failures, pending } = await tally(trx, key, countFrom(window.sinceMs, await banOf(trx, key)), id);
            resets = failures + pending > 0;
          }
          if (resets) await trx.updateTable('authentication_logs').set({ successful: 1, pending: 0 }).where('id', '=', id).execute();
          else await trx.deleteFrom('authentication_logs').where('id', '=', id).execute();
          return { banned: [] };
        }
        await trx.updateTable('authentication_logs').set({ successful: 0, pending: 0 }).where('id', '=', id).execute();
        const banned: Array<RegulationKey & { failures: number }> = [];
        for (const key of window.keys) {
          const endMs = await banOf(trx, key);
          if (endMs !== null && endMs > ban.nowMs) continue; // already banned: this failure was in flight when the ban was placed
          const { failures } = await tally(trx, key, countFrom(window.sinceMs, endMs));
          if (failures < window.max_retries) continue;
          await trx
            .insertInto('bans')
            .values({ kind: key.kind, value: key.value, expires_at_ms: ban.expires_at_ms, reason: ban.reason })
            .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ expires_at_ms: ban.expires_at_ms, reason: ban.reason }))
            .execute();
          banned.push({ ...key, failures });
        }
        return { banned };
      });
    },

    async releaseAttempt(id) {
      await db.deleteFrom('authentication_logs').where('id', '=', id).where('pending', '=', 1).execute();
    },

    async ban({ kind, value, expires_at_ms, reason }) {
      await db
        .insertInto('bans')
        .values({ kind, value, expires_at_ms, reason })
        .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ expires_at_ms, reason }))
        .execute();
    },

    async activeBan(kind, value, nowMs) {
      const row = await db
        .selectFrom('bans')
        .select(['expires_at_ms', 'reason'])
        .where('kind', '=', kind)
        .where('value', '=', value)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      return row ? { expires_at_ms: ms(row.expires_at_ms), reason: row.reason } : null;
    },

    async lift(kind, value) {
      const result = await db.deleteFrom('bans').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
