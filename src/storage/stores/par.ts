/** Pushed authorization requests (RFC 9126): single use, bound to the pushing client. */
import type { Kysely } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { ms, type Database } from '../schema.js';
import type { PushedAuthorizationRequests } from '../types.js';

const aad = (requestUri: string): string => `par:${requestUri}`;

export function createPushedAuthorizationRequests(db: Kysely<Database>, cipher: FieldCipher): PushedAuthorizationRequests {
  return {
    async create(request) {
      await insertOnce(`pushed authorization request ${request.request_uri}`, () => db
        .insertInto('oauth2_par_requests')
        .values({
          request_uri: request.request_uri,
          client_id: request.client_id,
          expires_at_ms: request.expires_at_ms,
          used: 0,
          parameters: sealJson(cipher, request.parameters, aad(request.request_uri)),
        })
        .execute());
    },

    async consume(requestUri, clientId, nowMs) {
      // One conditional UPDATE decides: unknown, expired, used and foreign requests all match no row.
      const result = await db
        .updateTable('oauth2_par_requests')
        .set({ used: 1 })
        .where('request_uri', '=', requestUri)
        .where('client_id', '=', clientId)
        .where('used', '=', 0)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      const row = await db.selectFrom('oauth2_par_requests').selectAll().where('request_uri', '=', requestUri).executeTakeFirstOrThrow();
      return {
        request_uri: row.request_uri,
        client_id: row.client_id,
        expires_at_ms: ms(row.expires_at_ms),
        parameters: openJson<Record<string, string>>(cipher, row.parameters, aad(row.request_uri)),
      };
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('oauth2_par_requests').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
