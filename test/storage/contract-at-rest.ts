/** Storage contract: what is stored at rest (no plaintext, no raw token) and the AAD binding of each blob. */
import { StorageDecryptError } from '../../src/storage/index.js';
import { NOW, sha256, token, type ContractHarness, type ContractSection } from './contract.js';

/** Every value of every row, as text (binary columns as latin1), to search for plaintext. */
async function dump(h: ContractHarness, table: string): Promise<string> {
  const rows = await h.query(`SELECT * FROM ${table}`);
  return rows
    .flatMap((row) => Object.values(row))
    .map((v) => (Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)))
    .join('\n');
}

export const atRestContract: ContractSection = (t, h, s) => {
  t.test('encryption at rest: no plaintext session value and no raw token in any row', async (t) => {
    const marker = 'plaintext-marker-7f3a';
    const rawToken = 'gh_at_rawtokenvalue.hmacpart';
    const signature = sha256(rawToken);
    await s().tokens.create('access_token', token(signature, { session: { claims: { secret_claim: marker } } }));
    await s().par.create({ request_uri: 'urn:par:rest', client_id: 'c', expires_at_ms: NOW + 1000, parameters: { login_hint: marker } });
    await s().interactions.create({ id: 'i-rest', client_id: 'c', expires_at_ms: NOW + 1000, auth_time_min_s: null, parameters: { login_hint: marker } });
    await s().consents.create({ challenge_id: 'c-rest', client_id: 'c', subject: 's', requested_at_ms: NOW, requested_scopes: [], requested_audience: [], form: `state=${marker}` });
    await s().totp.save({ username: 'rest', issuer: 'G', algorithm: 'SHA1', digits: 6, period: 30, secret: Buffer.from(marker), created_at_ms: NOW });
    await s().sessions.put(sha256('cookie-rest'), { username: 'rest', note: marker }, NOW + 1000);

    for (const table of ['oauth2_token_sessions', 'oauth2_par_requests', 'oidc_interactions', 'oauth2_consent_sessions', 'totp_configurations', 'portal_sessions']) {
      const text = await dump(h, table);
      t.notOk(text.includes(marker), `${table} holds no plaintext`);
      t.notOk(text.includes(rawToken), `${table} holds no raw token`);
    }
    const row = await h.query('SELECT signature FROM oauth2_token_sessions WHERE signature = ?', [signature]);
    t.equal(row.length, 1, 'the token is stored by its signature');
    t.same((await s().tokens.get('access_token', signature))?.session, { claims: { secret_claim: marker } }, 'and reads back decrypted');
  });

  t.test('encryption AAD: a blob copied to another row fails to decrypt', async (t) => {
    await s().tokens.create('access_token', token('aad-src', { session: { who: 'victim' } }));
    await s().tokens.create('access_token', token('aad-dst', { session: { who: 'attacker' } }));
    await s().tokens.create('refresh_token', token('aad-src', { session: { who: 'victim' } }));
    await h.query(
      'UPDATE oauth2_token_sessions SET session_data = (SELECT session_data FROM oauth2_token_sessions WHERE kind = ? AND signature = ?) WHERE kind = ? AND signature = ?',
      ['access_token', 'aad-src', 'access_token', 'aad-dst'],
    );
    await t.rejects(s().tokens.get('access_token', 'aad-dst'), StorageDecryptError);
    await t.rejects(s().tokens.get('access_token', 'aad-dst'), { code: 'ERR_STORAGE_DECRYPT' });
    await h.query(
      'UPDATE oauth2_token_sessions SET session_data = (SELECT session_data FROM oauth2_token_sessions WHERE kind = ? AND signature = ?) WHERE kind = ? AND signature = ?',
      ['access_token', 'aad-src', 'refresh_token', 'aad-src'],
    );
    await t.rejects(s().tokens.get('refresh_token', 'aad-src'), StorageDecryptError, 'the kind is bound too');

    const from = sha256('cookie-from');
    const to = sha256('cookie-to');
    await s().sessions.put(from, { username: 'admin' }, NOW + 1000);
    await s().sessions.put(to, { username: 'guest' }, NOW + 1000);
    await h.query('UPDATE portal_sessions SET data = (SELECT data FROM portal_sessions WHERE id_hash = ?) WHERE id_hash = ?', [from, to]);
    await t.rejects(s().sessions.get(to, NOW), StorageDecryptError);
  });};
