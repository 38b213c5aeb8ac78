/** OIDC consent sessions and pre-configured (remembered) consents. */
import type { Kysely, Selectable } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { flag, list, listText, ms, msOrNull, type ConsentTable, type Database } from '../schema.js';
import type { ConsentSession, Consents } from '../types.js';

const aad = (challengeId: string): string => `consent:${challengeId}`;

/**
 * How long a consent challenge may still be answered (`/consent?id=`) or resumed
 * (`consent_id` at the authorization endpoint). Nothing else bounds it: the flow itself is one
 * browser round trip of seconds to minutes, so a day is far beyond any real flow while keeping
 * the table to about a day of prompts. Past it, `getAnswerable` finds nothing, so both pages say
 * "unknown or expired" whether or not the sweep has deleted the row yet.
 */
export const CONSENT_CHALLENGE_LIFESPAN_MS = 24 * 60 * 60_000;


/** Order-insensitive set equality: a remembered consent covers exactly what it granted. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}

export function createConsents(db: Kysely<Database>, cipher: FieldCipher): Consents {
  const toSession = (row: Selectable<ConsentTable>): ConsentSession => ({
    challenge_id: row.challenge_id,
    client_id: row.client_id,
    subject: row.subject,
    requested_at_ms: ms(row.requested_at_ms),
    responded_at_ms: msOrNull(row.responded_at_ms),
    expires_at_ms: msOrNull(row.expires_at_ms),
    authorized: row.authorized === 1,
    granted: row.granted === 1,
    requested_scopes: list(row.requested_scopes),
    granted_scopes: list(row.granted_scopes),
    requested_audience: list(row.requested_audience),
    granted_audience: list(row.granted_audience),
    pre_configured: row.pre_configured === 1,
    form: openJson<string>(cipher, row.form_data, aad(row.challenge_id)),
  });

  return {
    async create(session) {
      await insertOnce(`consent session ${session.challenge_id}`, () => db
        .insertInto('oauth2_consent_sessions')
        .values({
          challenge_id: session.challenge_id,
          client_id: session.client_id,
          subject: session.subject,
          requested_at_ms: session.requested_at_ms,
          responded_at_ms: null,
          expires_at_ms: null,
          authorized: 0,
          granted: 0,
          requested_scopes: listText(session.requested_scopes),
          granted_scopes: listText([]),
          requested_audience: listText(session.requested_audience),
          granted_audience: listText([]),
          pre_configured: 0,
          form_data: sealJson(cipher, session.form, aad(session.challenge_id)),
        })
        .execute());
    },

    async get(challengeId) {
      const row = await db.selectFrom('oauth2_consent_sessions').selectAll().where('challenge_id', '=', challengeId).executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async getAnswerable(challengeId, nowMs) {
      // An older row may still be stored (until the next sweep, or for good as a remembered consent),
      // but its challenge is over.
      const row = await db
        .selectFrom('oauth2_consent_sessions')
        .selectAll()
        .where('challenge_id', '=', challengeId)
        .where('requested_at_ms', '>', nowMs - CONSENT_CHALLENGE_LIFESPAN_MS)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async respond(challengeId, response) {
      const preConfigured = response.authorized && response.pre_configured_until_ms !== undefined;
      const result = await db
        .updateTable('oauth2_consent_sessions')
        .set({
          authorized: flag(response.authorized),
          responded_at_ms: response.responded_at_ms,
          granted_scopes: listText(response.authorized ? response.granted_scopes : []),
          granted_audience: listText(response.authorized ? response.granted_audience : []),
          pre_configured: flag(preConfigured),
          expires_at_ms: preConfigured ? response.pre_configured_until_ms! : null,
        })
        .where('challenge_id', '=', challengeId)
        .where('responded_at_ms', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markGranted(challengeId) {
      const result = await db
        .updateTable('oauth2_consent_sessions')
        .set({ granted: 1 })
        .where('challenge_id', '=', challengeId)
        .where('authorized', '=', 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async findPreConfigured({ client_id, subject, scopes, audience, nowMs }) {
      const rows = await db
        .selectFrom('oauth2_consent_sessions')
        .selectAll()
        .where('client_id', '=', client_id)
        .where('subject', '=', subject)
        .where('pre_configured', '=', 1)
        .where('authorized', '=', 1)
        .where('expires_at_ms', '>', nowMs)
        .orderBy('responded_at_ms', 'desc')
        .execute();
      // Exact set matching is done here: JSON text order would make an SQL comparison order-sensitive.
      const match = rows.find((row) => sameSet(list(row.granted_scopes), scopes) && sameSet(list(row.granted_audience), audience));
      return match ? toSession(match) : null;
    },

    async deleteExpired(nowMs) {
      // A pre-configured consent also starts as a challenge, so it goes only when both uses are over.
      const result = await db
        .deleteFrom('oauth2_consent_sessions')
        .where('requested_at_ms', '<=', nowMs - CONSENT_CHALLENGE_LIFESPAN_MS)
        .where((eb) => eb.or([eb('pre_configured', '=', 0), eb('expires_at_ms', '<=', nowMs)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
