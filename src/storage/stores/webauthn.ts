/**
 * WebAuthn credentials (public key encrypted, bound to its id and owner), user handles, single-use
 * ceremony challenges and each user's preferred second factor (webauthn-types.ts).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { flag, list, listText, ms, msOrNull, type Database, type WebAuthnCredentialTable } from '../schema.js';
import type {
  AuthenticatorTransport,
  SecondFactorMethod,
  UserPreferences,
  WebAuthnCeremony,
  WebAuthnChallenges,
  WebAuthnCredentialRecord,
  WebAuthnCredentials,
} from '../webauthn-types.js';

/** The sealed key is bound to its credential and owner: a row's key moved to another row does not open. */
const aad = (username: string, credentialId: string): string => `webauthn:${username}:${credentialId}`;

export function createWebAuthnCredentials(db: Kysely<Database>, cipher: FieldCipher): WebAuthnCredentials {
  const record = (row: Selectable<WebAuthnCredentialTable>): WebAuthnCredentialRecord => ({
    credential_id: row.credential_id,
    username: row.username,
    description: row.description,
    rp_id: row.rp_id,
    aaguid: row.aaguid,
    public_key: cipher.open(row.public_key, aad(row.username, row.credential_id)),
    sign_count: ms(row.sign_count),
    transports: list(row.transports) as AuthenticatorTransport[],
    discoverable: row.discoverable === 1,
    user_verified: row.user_verified === 1,
    backup_eligible: row.backup_eligible === 1,
    backup_state: row.backup_state === 1,
    attestation_format: row.attestation_format,
    created_at_ms: ms(row.created_at_ms),
    last_used_at_ms: msOrNull(row.last_used_at_ms),
  });

  return {
    async userHandle(username, proposed) {
      await db.insertInto('webauthn_users').values({ username, user_handle: proposed }).onConflict((oc) => oc.column('username').doNothing()).execute();
      const row = await db.selectFrom('webauthn_users').select('user_handle').where('username', '=', username).executeTakeFirstOrThrow();
      return row.user_handle;
    },

    async usernameForHandle(handle) {
      const row = await db.selectFrom('webauthn_users').select('username').where('user_handle', '=', handle).executeTakeFirst();
      return row?.username ?? null;
    },

    async add(c) {
      await insertOnce('webauthn credential', () =>
        db
          .insertInto('webauthn_credentials')
          .values({
            credential_id: c.credential_id,
            username: c.username,
            description: c.description,
            rp_id: c.rp_id,
            aaguid: c.aaguid,
            public_key: cipher.seal(c.public_key, aad(c.username, c.credential_id)),
            sign_count: c.sign_count,
            transports: listText(c.transports),
            discoverable: flag(c.discoverable),
            user_verified: flag(c.user_verified),
            backup_eligible: flag(c.backup_eligible),
            backup_state: flag(c.backup_state),
            attestation_format: c.attestation_format,
            created_at_ms: c.created_at_ms,
            last_used_at_ms: null,
          })
          .execute(),
      );
    },

    async list(username) {
      const rows = await db.selectFrom('webauthn_credentials').selectAll().where('username', '=', username).orderBy('created_at_ms').orderBy('credential_id').execute();
      return rows.map(record);
    },

    async get(credentialId) {
      const row = await db.selectFrom('webauthn_credentials').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return row ? record(row) : null;
    },

    async recordUse(credentialId, signCount, backupState, usedAtMs) {
      // One statement: of two assertions racing with the same counter, one moves it and the other is refused.
      const result = await db
        .updateTable('webauthn_credentials')
        .set({ sign_count: signCount, backup_state: flag(backupState), last_used_at_ms: usedAtMs })
        .where('credential_id', '=', credentialId)
        .where((eb) => eb.or([eb('sign_count', '<', signCount), eb.and([eb('sign_count', '=', 0), eb(sql.lit(signCount), '=', 0)])]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async delete(username, credentialId) {
      const result = await db.deleteFrom('webauthn_credentials').where('username', '=', username).where('credential_id', '=', credentialId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async deleteAll(username) {
      const result = await db.deleteFrom('webauthn_credentials').where('username', '=', username).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function createWebAuthnChallenges(db: Kysely<Database>): WebAuthnChallenges {
  return {
    async create(c) {
      await insertOnce('webauthn challenge', () => db.insertInto('webauthn_challenges').values({ ...c }).execute());
    },

    async consume(challenge, ceremony, binding, nowMs) {
      // DELETE … RETURNING on both engines: the row goes to exactly one caller.
      const row = await db
        .deleteFrom('webauthn_challenges')
        .where('challenge', '=', challenge)
        .where('ceremony', '=', ceremony)
        .where('binding', '=', binding)
        .returningAll()
        .executeTakeFirst();
      if (!row || ms(row.expires_at_ms) <= nowMs) return null;
      return { challenge: row.challenge, ceremony: row.ceremony as WebAuthnCeremony, binding: row.binding, username: row.username, expires_at_ms: ms(row.expires_at_ms) };
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('webauthn_challenges').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function createUserPreferences(db: Kysely<Database>): UserPreferences {
  return {
    async secondFactorMethod(username) {
      const row = await db.selectFrom('user_preferences').select('second_factor_method').where('username', '=', username).executeTakeFirst();
      const method = row?.second_factor_method;
      return method === 'totp' || method === 'webauthn' ? method : null;
    },

    async setSecondFactorMethod(username, method: SecondFactorMethod) {
      await db
        .insertInto('user_preferences')
        .values({ username, second_factor_method: method })
        .onConflict((oc) => oc.column('username').doUpdateSet({ second_factor_method: method }))
        .execute();
    },
  };
}
