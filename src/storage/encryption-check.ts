/**
 * Detects a changed `encryption_key` at start-up instead of at the first decrypt: the first open
 * stores a known value encrypted with the key; later opens must be able to decrypt it.
 */
import type { Kysely } from 'kysely';
import { StorageDecryptError, type FieldCipher } from './encryption.js';
import type { Database } from './schema.js';

const CHECK_NAME = 'check';
const CHECK_AAD = 'encryption:check';
const CHECK_PLAINTEXT = 'gatehouse storage encryption check';

export const WRONG_KEY_MESSAGE = 'storage.encryption_key does not match the key this database was encrypted with';

export async function verifyEncryptionKey(db: Kysely<Database>, cipher: FieldCipher): Promise<void> {
  // Concurrent first opens both insert; the first value wins and both verify against it.
  await db
    .insertInto('encryption')
    .values({ name: CHECK_NAME, value: cipher.seal(Buffer.from(CHECK_PLAINTEXT, 'utf8'), CHECK_AAD) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('encryption').select('value').where('name', '=', CHECK_NAME).executeTakeFirstOrThrow();
  try {
    if (cipher.open(row.value, CHECK_AAD).toString('utf8') === CHECK_PLAINTEXT) return;
  } catch (err) {
    if (!(err instanceof StorageDecryptError)) throw err;
  }
  throw new Error(WRONG_KEY_MESSAGE);
}
