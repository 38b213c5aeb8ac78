/**
 * OAuth 2.0 token and grant records, keyed by kind and signature (fosite's token storage).
 * Given a revocation notice (PostgreSQL), revoking access tokens and announcing them to the other
 * replicas is one transaction (revocation-notice.ts); without one, a revocation is a single UPDATE.
 */
import type { Kysely, Selectable } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { sendRevocationNotice, type RevocationNotice } from '../revocation-notice.js';
import { flag, list, listText, ms, type Database, type TokenSessionTable } from '../schema.js';
import type { JsonObject, TokenKind, TokenSessionRecord, TokenSessions } from '../types.js';

/** The associated data binds a session blob to its kind and signature. */
const aad = (kind: TokenKind, signature: string): string => `${kind}:${signature}`;

/** Runs `work` in a new transaction, or in the caller's when `db` already is one. */
const inTransaction = <T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

const accessTokensOf = (family: ReadonlyArray<{ kind: TokenKind; signature: string }>): string[] =>
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

/** One UPDATE … RETURNING: the family is revoked and listed atomically, even while it grows. */
async function revokeFamily(db: Kysely<Database>, requestId: string): Promise<Array<{ kind: TokenKind; signature: string }>> {
  const family = await db
    .updateTable('oauth2_token_sessions')
    .set({ active: 0, revoked: 1 })
    .where('request_id', '=', requestId)
    .returning(['kind', 'signature'])
    .execute();
  return family.map((row) => ({ kind: row.kind as TokenKind, signature: row.signature }));
}

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

  const find = async (kind: TokenKind, signature: string): Promise<TokenSessionRecord | null> => {
    const row = await db
      .selectFrom('oauth2_token_sessions')
      .selectAll()
      .where('kind', '=', kind)
      .where('signature', '=', signature)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  };

  return {
    async create(kind, record) {
      await insertOnce(`${kind} ${record.signature}`, () => db
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
    },

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

    async revoke(kind, signature) {
      // Only access tokens are cached by other replicas, so only they are announced.
      if (!notice || kind !== 'access_token') return (await revokeRow(db, kind, signature)) > 0;
      return inTransaction(db, async (trx) => {
        if ((await revokeRow(trx, kind, signature)) === 0) return false;
        // Announced again when revoked again: an earlier revocation may never have been (revoked by
        // hand in SQL, or by a release that sent its NOTIFY after the commit), and this one is rare.
        await sendRevocationNotice(trx, notice, [signature]);
        return true;
      });
    },

    async revokeByRequestId(requestId) {
      if (!notice) return revokeFamily(db, requestId);
      return inTransaction(db, async (trx) => {
        const family = await revokeFamily(trx, requestId);
        await sendRevocationNotice(trx, notice, accessTokensOf(family));
        return family;
      });
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('oauth2_token_sessions').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
