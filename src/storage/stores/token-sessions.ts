/**
 * OAuth 2.0 token and grant records, keyed by kind and signature (fosite's token storage).
 * Given a revocation notice (PostgreSQL), revoking access tokens and announcing them to the other
 * replicas is one transaction (revocation-notice.ts); without one, a revocation is a single UPDATE.
 * A code exchange or a refresh rotation is `redeem`: one write transaction (write-transaction.ts)
 * whose decision is the pure `decideRedemption` (redemption.ts) over rows it has locked.
 */
import type { Kysely, Selectable } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { createGroupCommit } from '../group-commit.js';
import { sendRevocationNotice } from '../revocation-notice.js';
import type { RevocationNotice } from '../revocation-types.js';
import { flag, list, listText, ms, msOrNull, type Database, type TokenSessionTable } from '../schema.js';
import type { JsonObject, NewTokenSession, Redemption, RedemptionResult, TokenKind, TokenRef, TokenSessionRecord, TokenSessions } from '../types.js';
import { StorageContentionError, engineOf, writeTransaction } from '../write-transaction.js';
import { decideRedemption, type RedemptionRow } from './redemption.js';

/** The associated data binds a session blob to its kind and signature. */
const aad = (kind: TokenKind, signature: string): string => `${kind}:${signature}`;

const accessTokensOf = (family: readonly TokenRef[]): string[] =>
  family.filter((t) => t.kind === 'access_token').map((t) => t.signature);

/** How many rows the UPDATE revoked (a row revoked before counts again). */
async function revokeRow(db: Kysely<Database>, kind: TokenKind, signature: string): Promise<number> {
  const result = await db
    .updateTable('oauth2_token_sessions')
    .set({ active: 0, revoked: 1 })
    .where('kind', '=', kind)
    .where('signature', '=', signature)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * One UPDATE … RETURNING: the family is revoked and listed atomically, even while it grows. With
 * `liveOnly`, only its live members (active): what a rotation retires, leaving used tokens as they
 * were (a used, unrevoked refresh token is what the reuse grace recognises).
 */
async function revokeFamily(db: Kysely<Database>, requestId: string, liveOnly = false): Promise<TokenRef[]> {
  let update = db.updateTable('oauth2_token_sessions').set({ active: 0, revoked: 1 }).where('request_id', '=', requestId);
  if (liveOnly) update = update.where('active', '=', 1);
  const family = await update.returning(['kind', 'signature']).execute();
  return family.map((row) => ({ kind: row.kind as TokenKind, signature: row.signature }));
}

const OUTCOME_OF = { issue: 'issued', reissue: 'reissued', replay: 'replayed' } as const;

const REDEMPTION_COLUMNS = ['kind', 'signature', 'active', 'revoked', 'used_at_ms', 'expires_at_ms'] as const;
type RedemptionSelect = Pick<Selectable<TokenSessionTable>, (typeof REDEMPTION_COLUMNS)[number]>;
const redemptionRow = (row: RedemptionSelect): RedemptionRow => ({
  kind: row.kind,
  signature: row.signature,
  active: row.active === 1,
  revoked: row.revoked === 1,
  used_at_ms: msOrNull(row.used_at_ms),
  expires_at_ms: ms(row.expires_at_ms),
});

export function createTokenSessions(db: Kysely<Database>, cipher: FieldCipher, notice?: RevocationNotice): TokenSessions {
  const toRecord = (row: Selectable<TokenSessionTable>): TokenSessionRecord => ({
    signature: row.signature,
    request_id: row.request_id,
    client_id: row.client_id,
    subject: row.subject,
    requested_at_ms: ms(row.requested_at_ms),
    expires_at_ms: ms(row.expires_at_ms),
    requested_scopes: list(row.requested_scopes),
    granted_scopes: list(row.granted_scopes),
    requested_audience: list(row.requested_audience),
    granted_audience: list(row.granted_audience),
    active: row.active === 1,
    revoked: row.revoked === 1,
    session: openJson<JsonObject>(cipher, row.session_data, aad(row.kind as TokenKind, row.signature)),
  });

  const engine = engineOf(db);

  /**
   * Redemptions of one credential in this process run one after another, so the ones waiting hold
   * no pooled connection (a hundred parallel replays would otherwise hold the whole pool waiting
   * for one row lock, and time out). The row lock still serialises other processes and replicas.
   */
  const inFlight = new Map<string, Promise<void>>();
  const oneAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (inFlight.get(key) ?? Promise.resolve()).then(work);
    const settled = run.then(() => undefined, () => undefined);
    inFlight.set(key, settled);
    void settled.then(() => {
      if (inFlight.get(key) === settled) inFlight.delete(key);
    });
    return run;
  };

  const insert = (trx: Kysely<Database>, kind: TokenKind, record: NewTokenSession): Promise<void> =>
    insertOnce(`${kind} ${record.signature}`, () => trx
      .insertInto('oauth2_token_sessions')
      .values({
        kind,
        signature: record.signature,
        request_id: record.request_id,
        client_id: record.client_id,
        subject: record.subject,
        requested_at_ms: record.requested_at_ms,
        expires_at_ms: record.expires_at_ms,
        used_at_ms: null,
        requested_scopes: listText(record.requested_scopes),
        granted_scopes: listText(record.granted_scopes),
        requested_audience: listText(record.requested_audience),
        granted_audience: listText(record.granted_audience),
        active: flag(true),
        revoked: flag(false),
        session_data: sealJson(cipher, record.session, aad(kind, record.signature)),
      })
      .execute());

  /** The lock order every redemption follows: the presented row first, then its family by (kind, signature). */
  const lockPresented = async (trx: Kysely<Database>, kind: TokenKind, signature: string) => {
    const query = trx
      .selectFrom('oauth2_token_sessions')
      .select([...REDEMPTION_COLUMNS, 'request_id'])
      .where('kind', '=', kind)
      .where('signature', '=', signature);
    return (engine === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  };
  const lockFamily = async (trx: Kysely<Database>, requestId: string): Promise<RedemptionRow[]> => {
    const query = trx
      .selectFrom('oauth2_token_sessions')
      .select([...REDEMPTION_COLUMNS])
      .where('request_id', '=', requestId)
      .orderBy('kind')
      .orderBy('signature');
    return (await (engine === 'postgres' ? query.forUpdate() : query).execute()).map(redemptionRow);
  };

  const redeemOnce = async (trx: Kysely<Database>, r: Redemption): Promise<RedemptionResult> => {
    const presented = await lockPresented(trx, r.kind, r.signature);
    const family = presented ? await lockFamily(trx, presented.request_id) : [];
    const decision = decideRedemption(presented ? redemptionRow(presented) : null, family, r);
    if (decision === 'unknown' || !presented) return { outcome: 'unknown' };
    let revoked: TokenRef[];
    if (decision === 'replay') {
      revoked = await revokeFamily(trx, presented.request_id);
    } else {
      if (decision === 'issue') {
        await trx
          .updateTable('oauth2_token_sessions')
          .set({ active: 0, used_at_ms: r.nowMs })
          .where('kind', '=', r.kind)
          .where('signature', '=', r.signature)
          .execute();
      }
      revoked = await revokeFamily(trx, presented.request_id, true);
      for (const { kind, record } of r.issue) await insert(trx, kind, record);
    }
    if (notice) await sendRevocationNotice(trx, notice, accessTokensOf(revoked));
    return { outcome: OUTCOME_OF[decision], revoked };
  };

  const find = async (kind: TokenKind, signature: string): Promise<TokenSessionRecord | null> => {
    const row = await db
      .selectFrom('oauth2_token_sessions')
      .selectAll()
      .where('kind', '=', kind)
      .where('signature', '=', signature)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  };

  // Tokens issued at once (concurrent client_credentials requests) share one commit.
  const store = createGroupCommit<{ kind: TokenKind; record: NewTokenSession }>(db, 'store tokens', (trx, { kind, record }) => insert(trx, kind, record));

  return {
    create: (kind, record) => store({ kind, record }),

    get: find,

    async consume(kind, signature, nowMs) {
      // The conditional UPDATE is the decision: exactly one caller can flip `active` to 0.
      const result = await db
        .updateTable('oauth2_token_sessions')
        .set({ active: 0, used_at_ms: nowMs })
        .where('kind', '=', kind)
        .where('signature', '=', signature)
        .where('active', '=', 1)
        .where('revoked', '=', 0)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      const record = await find(kind, signature);
      if (!record || record.expires_at_ms <= nowMs) return null;
      return { record, firstUse: Number(result.numUpdatedRows) === 1 };
    },

    redeem: (redemption) => oneAtATime(`${redemption.kind}:${redemption.signature}`, async (): Promise<RedemptionResult> => {
      try {
        return await writeTransaction(db, `redeem ${redemption.kind}`, (trx) => redeemOnce(trx, redemption));
      } catch (err) {
        if (err instanceof StorageContentionError) return { outcome: 'contended' };
        throw err;
      }
    }),

    async revoke(kind, signature) {
      // Only access tokens are cached by other replicas, so only they are announced.
      if (!notice || kind !== 'access_token') return (await revokeRow(db, kind, signature)) > 0;
      return writeTransaction(db, 'revoke a token', async (trx) => {
        if ((await revokeRow(trx, kind, signature)) === 0) return false;
        // Announced again when revoked again: an earlier revocation may never have been (revoked by
        // hand in SQL, or by a release that sent its NOTIFY after the commit), and this one is rare.
        await sendRevocationNotice(trx, notice, [signature]);
        return true;
      });
    },

    async revokeByRequestId(requestId) {
      return writeTransaction(db, 'revoke a grant', async (trx) => {
        // PostgreSQL (READ COMMITTED): wait for a redemption of this grant that is under way (it
        // holds the family's rows); the UPDATE, a statement of its own, then sees the pair it
        // issued, which an UPDATE alone would miss. SQLite serialises writers already.
        if (engine === 'postgres') await lockFamily(trx, requestId);
        const family = await revokeFamily(trx, requestId);
        if (notice) await sendRevocationNotice(trx, notice, accessTokensOf(family));
        return family;
      });
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('oauth2_token_sessions').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
