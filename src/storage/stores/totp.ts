/** TOTP configurations (secret encrypted) and the used-step history that stops code replays (RFC 6238 §5.2). */
import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher } from '../encryption.js';
import { ms, type Database, type TotpTable } from '../schema.js';
import type { TotpAlgorithm, TotpConfiguration, TotpConfigurations } from '../types.js';

const aad = (username: string): string => `totp:${username}`;

export function createTotpConfigurations(db: Kysely<Database>, cipher: FieldCipher): TotpConfigurations {
  const fromRow = (row: Selectable<TotpTable>): TotpConfiguration => ({
    username: row.username,
    issuer: row.issuer,
    algorithm: row.algorithm as TotpAlgorithm,
    digits: row.digits,
    period: row.period,
    secret: cipher.open(row.secret, aad(row.username)),
    created_at_ms: ms(row.created_at_ms),
  });
  return {
    async save(config) {
      const values = {
        username: config.username,
        issuer: config.issuer,
        algorithm: config.algorithm,
        digits: config.digits,
        period: config.period,
        secret: cipher.seal(config.secret, aad(config.username)),
        created_at_ms: config.created_at_ms,
      };
      await db.transaction().execute(async (trx) => {
        // A new secret starts a new history: steps used with the old one say nothing about it.
        await trx.deleteFrom('totp_history').where('username', '=', config.username).execute();
        await trx
          .insertInto('totp_configurations')
          .values(values)
          .onConflict((oc) => oc.column('username').doUpdateSet({ ...values }))
          .execute();
      });
    },

    async get(username) {
      const row = await db.selectFrom('totp_configurations').selectAll().where('username', '=', username).executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async list() {
      return (await db.selectFrom('totp_configurations').selectAll().orderBy('username').execute()).map(fromRow);
    },

    async delete(username) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('totp_history').where('username', '=', username).execute();
        const result = await trx.deleteFrom('totp_configurations').where('username', '=', username).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async markUsed(username, step, usedAtMs) {
      const result = await db
        .insertInto('totp_history')
        .values({ username, step, used_at_ms: usedAtMs })
        .onConflict((oc) => oc.columns(['username', 'step']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async deleteHistoryBefore(msLimit) {
      const result = await db.deleteFrom('totp_history').where('used_at_ms', '<', msLimit).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
