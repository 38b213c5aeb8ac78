/**
 * Storage failures at every point of a code exchange and of a refresh rotation (issue #13), on
 * SQLite and PostgreSQL: the Nth statement of the grant fails before it reaches the database, or
 * after the database ran it (on SQLite the last one is the COMMIT), for every N; and the answer is
 * lost after the commit. The grant handlers run as the token endpoint runs them, over a real store
 * whose Kysely carries the fault plugin (test/helpers/storage-faults.ts). After each fault:
 * - a failure before the commit is a 500 that changed nothing: the client's code or refresh token
 *   still works, its previous access token is still live, nothing new is live, nothing is revoked;
 * - only a failure after the commit leaves the redemption done with an answer the client never
 *   got; its retry then either recovers (refresh_token_reuse_interval: the unused successor is
 *   replaced) or, strict, is reuse and revokes the family (RFC 9700 §4.14.2) — never a live orphan;
 * - a 200 means the client holds exactly the live tokens, and they work.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { loadIssuerKeys } from '../../src/crypto/keys.js';
import { createOpaqueTokenStrategy } from '../../src/crypto/opaque-token.js';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code.js';
import { grantIdTokenSigner } from '../../src/oidc/grant-id-token.js';
import { systemRandom } from '../../src/util/random.js';
import { createClientRegistry } from '../../src/oauth/clients.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { authorizationCodeGrant } from '../../src/oauth/grants/authorization-code.js';
import { refreshTokenGrant } from '../../src/oauth/grants/refresh-token.js';
import type { GrantDeps, TokenResponse } from '../../src/oauth/grants/index.js';
import { silentLogger } from '../../src/observability/log.js';
import { createFieldCipher } from '../../src/storage/encryption.js';
import { connect, openStorage, type StorageLocation } from '../../src/storage/index.js';
import { revocationNoticeFor } from '../../src/storage/revocation-notice.js';
import { createTokenSessions } from '../../src/storage/stores/token-sessions.js';
import type { PostgresConfig, StorageEngine } from '../../src/storage/types.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { baseConfig, merge, tempDir } from '../helpers/server.js';
import { failingAfterCommit, StatementFaults, type FaultTiming } from '../helpers/storage-faults.js';
import { APP_CALLBACK, oauthConfig } from '../e2e/oauth-setup.js';
import { VERIFIER } from '../e2e/grant-setup.js';
import * as client from 'openid-client';

const KEY = 'a-fault-injection-test-encryption-key-0123';
const database = await startPostgres();
t.teardown(() => database.stop());

interface Answer {
  status: number;
  error?: string;
  body?: TokenResponse;
}

/** As src/http renders it: an OAuthError with its status, anything else a 500 server_error. */
async function answerOf(call: Promise<TokenResponse>): Promise<Answer> {
  try {
    return { status: 200, body: await call };
  } catch (err) {
    if (err instanceof OAuthError) return { status: err.status, error: err.error };
    return { status: 500, error: 'server_error' };
  }
}

async function harness(t: Test, engine: StorageEngine) {
  const dir = tempDir(t);
  const { config } = parseConfig(stringify(merge(baseConfig(dir), oauthConfig())), { env: {}, nowMs: Date.now() });
  const oidc = config.identity_providers!.oidc!;
  const postgres: PostgresConfig = { host: database.host, port: database.port, database: database.database, schema: randomSchema('faults'), username: database.user, password: database.password, timeout: 10 };
  const location: StorageLocation = engine === 'sqlite' ? { local: { path: join(dir, 'faults.sqlite3') } } : { postgres };
  const storage = await openStorage({ ...location, encryption_key: KEY }, { logger: silentLogger });
  t.teardown(() => storage.close());
  const { db } = await connect(location);
  t.teardown(() => db.destroy());
  const faults = new StatementFaults();
  const notice = engine === 'postgres' ? revocationNoticeFor(postgres, randomUUID()) : undefined;
  const store = failingAfterCommit(createTokenSessions(db.withPlugin(faults), createFieldCipher(KEY), notice));
  const opaque = createOpaqueTokenStrategy(oidc.hmac_secret!);
  const keys = await loadIssuerKeys(oidc.jwks);
  const clients = createClientRegistry(oidc.clients);
  const spa = clients.get('spa')!;
  let nowMs = Date.now();
  const tick = (): number => (nowMs += 1_000);
  const deps = (graceS: number): GrantDeps => ({
    storage: { tokens: store },
    tokens: opaque,
    config: { ...oidc, refresh_token_reuse_interval: graceS },
    issuer: oidc.issuer!,
    keys,
    users: null,
    logger: silentLogger,
    random: systemRandom,
    signIdToken: grantIdTokenSigner({ keys, issuer: oidc.issuer!, config: oidc, users: null }),
  });

  const challenge = await client.calculatePKCECodeChallenge(VERIFIER);
  const seedCode = (): Promise<string> => issueAuthorizationCode(
    { storage, tokens: opaque, config: oidc, clients, random: systemRandom },
    {
      client_id: 'spa',
      subject: 'f1c2a7e0-0000-4000-8000-000000000001',
      scopes: ['openid', 'offline_access'],
      audience: [],
      session: { username: 'john', auth_time_s: Math.floor(nowMs / 1000), amr: ['pwd'], requested_at_s: Math.floor(nowMs / 1000), redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' },
      nowMs: tick(),
    },
  );
  const exchange = (code: string, graceS = 0): Promise<Answer> => answerOf(authorizationCodeGrant.handle(deps(graceS), {
    client: spa,
    params: new URLSearchParams({ code, redirect_uri: APP_CALLBACK, code_verifier: VERIFIER }),
    nowMs: tick(),
  }));
  const refresh = (refreshToken: string, graceS: number): Promise<Answer> => answerOf(refreshTokenGrant.handle(deps(graceS), {
    client: spa,
    params: new URLSearchParams({ refresh_token: refreshToken }),
    nowMs: tick(),
  }));

  const kindOf = (token: string) => (token.includes('_ac_') ? ['authorization_code', 'ac'] as const : token.includes('_rt_') ? ['refresh_token', 'rt'] as const : ['access_token', 'at'] as const);
  const recordOf = async (token: string) => {
    const [kind, short] = kindOf(token);
    return storage.tokens.get(kind, opaque.signatureOf(token, short)!);
  };
  /** The family's tokens by state, as `kind/signature`, read past the fault plugin. */
  const family = async (token: string): Promise<{ live: string[]; revoked: number }> => {
    const record = await recordOf(token);
    const rows = await db.selectFrom('oauth2_token_sessions').select(['kind', 'signature', 'active', 'revoked']).where('request_id', '=', record!.request_id).execute();
    return {
      live: rows.filter((r) => Number(r.active) === 1 && Number(r.revoked) === 0).map((r) => `${r.kind}/${r.signature}`).sort(),
      revoked: rows.filter((r) => Number(r.revoked) === 1).length,
    };
  };
  /** The rows a client holding these tokens may have live: exactly these. */
  const held = (...tokens: string[]): string[] => tokens.map((token) => {
    const [kind, short] = kindOf(token);
    return `${kind}/${opaque.signatureOf(token, short)}`;
  }).sort();
  const firstPair = async (): Promise<{ access_token: string; refresh_token: string }> => {
    const answer = await exchange(await seedCode());
    if (answer.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(answer)}`);
    return { access_token: answer.body!.access_token, refresh_token: answer.body!.refresh_token! };
  };
  return { engine, faults, store, seedCode, exchange, refresh, family, held, firstPair, recordOf };
}

type Harness = Awaited<ReturnType<typeof harness>>;

/** Runs `operation` with the Nth statement failing, for N = 1, 2, … until an N past its last statement. */
async function everyStatement(h: Harness, timing: FaultTiming, setUp: () => Promise<void>, operation: () => Promise<void>, check: (fired: string, n: number) => Promise<void>): Promise<string[]> {
  const points: string[] = [];
  for (let n = 1; n < 50; n++) {
    await setUp();
    h.faults.arm(n, timing);
    await operation();
    h.faults.disarm();
    const fired = h.faults.fired;
    if (fired === null) return points;
    points.push(fired);
    await check(fired, n);
  }
  throw new Error('the operation never ended');
}

for (const engine of ['sqlite', 'postgres'] as const) {
  t.test(`${engine}: refresh_token with a storage failure at each statement`, async (t) => {
    const h = await harness(t, engine);
    for (const graceS of [0, 60]) {
      for (const timing of ['before', 'after'] as const) {
        let pair = { access_token: '', refresh_token: '' };
        let answer: Answer = { status: 0 };
        const points = await everyStatement(h, timing, async () => { pair = await h.firstPair(); }, async () => { answer = await h.refresh(pair.refresh_token, graceS); }, async (fired, n) => {
          const at = `${fired} (statement ${n}, reuse interval ${graceS}s)`;
          t.not(answer.status, 200, `${at}: the failure is answered as a failure`);
          t.equal(answer.status, 500, `${at}: a storage failure is a 500, not a grant error`);
          const after = await h.family(pair.refresh_token);
          if (after.live.includes(h.held(pair.refresh_token)[0])) {
            t.same(after, { live: h.held(pair.access_token, pair.refresh_token), revoked: 0 }, `${at}: nothing changed, nothing revoked`);
            const retry = await h.refresh(pair.refresh_token, graceS);
            t.equal(retry.status, 200, `${at}: the client's refresh token still works`);
            t.same((await h.family(pair.refresh_token)).live, h.held(retry.body!.access_token, retry.body!.refresh_token!), `${at}: then exactly what it holds is live`);
            return;
          }
          t.match(fired, /^after RawNode COMMIT/, `${at}: only a failure after the commit leaves the rotation done`);
          const retry = await h.refresh(pair.refresh_token, graceS);
          if (graceS > 0) {
            t.equal(retry.status, 200, `${at}: within the reuse interval the retry recovers`);
            t.same((await h.family(pair.refresh_token)).live, h.held(retry.body!.access_token, retry.body!.refresh_token!), `${at}: the unused successor is gone, exactly what the client holds is live`);
          } else {
            t.same([retry.status, retry.error], [400, 'invalid_grant'], `${at}: strict, the retry is reuse`);
            t.same((await h.family(pair.refresh_token)).live, [], `${at}: and the family is revoked: no live orphan`);
          }
        });
        t.ok(points.length >= 6, `reuse interval ${graceS}s, ${timing}: ${points.length} injection points: ${points.join(', ')}`);
        t.equal(answer.status, 200, 'past the last statement the refresh succeeds');
      }
    }
  });

  t.test(`${engine}: authorization_code with a storage failure at each statement`, async (t) => {
    const h = await harness(t, engine);
    for (const timing of ['before', 'after'] as const) {
      let code = '';
      let answer: Answer = { status: 0 };
      const points = await everyStatement(h, timing, async () => { code = await h.seedCode(); }, async () => { answer = await h.exchange(code); }, async (fired, n) => {
        const at = `${fired} (statement ${n})`;
        t.equal(answer.status, 500, `${at}: a storage failure is a 500`);
        const after = await h.family(code);
        if (after.live.includes(h.held(code)[0])) {
          t.same(after, { live: h.held(code), revoked: 0 }, `${at}: the code as it was, nothing issued, nothing revoked`);
          const retry = await h.exchange(code);
          t.equal(retry.status, 200, `${at}: the code still works`);
          t.same((await h.family(code)).live, h.held(retry.body!.access_token, retry.body!.refresh_token!), `${at}: then exactly what the client holds is live`);
          return;
        }
        t.match(fired, /^after RawNode COMMIT/, `${at}: only a failure after the commit leaves the exchange done`);
        const retry = await h.exchange(code);
        t.same([retry.status, retry.error], [400, 'invalid_grant'], `${at}: the retry is a replay (RFC 6749 §4.1.2)`);
        t.same((await h.family(code)).live, [], `${at}: which revokes what was issued: no live orphan`);
      });
      t.ok(points.length >= 6, `${timing}: ${points.length} injection points: ${points.join(', ')}`);
      t.equal(answer.status, 200, 'past the last statement the exchange succeeds');
    }
  });

  t.test(`${engine}: the answer lost after the commit`, async (t) => {
    const h = await harness(t, engine);
    t.test('refresh, strict: the retry is reuse; the family is revoked, nothing stays live', async (t) => {
      const pair = await h.firstPair();
      h.store.armed = true;
      t.equal((await h.refresh(pair.refresh_token, 0)).status, 500);
      const retry = await h.refresh(pair.refresh_token, 0);
      t.same([retry.status, retry.error], [400, 'invalid_grant']);
      t.same(await h.family(pair.refresh_token), { live: [], revoked: 5 }, 'the code, the first pair and the undelivered pair');
    });
    t.test('refresh, reuse interval 60s: the retry gets a fresh pair, the undelivered one is revoked', async (t) => {
      const pair = await h.firstPair();
      h.store.armed = true;
      t.equal((await h.refresh(pair.refresh_token, 60)).status, 500);
      const retry = await h.refresh(pair.refresh_token, 60);
      t.equal(retry.status, 200);
      t.same((await h.family(pair.refresh_token)).live, h.held(retry.body!.access_token, retry.body!.refresh_token!));
      const next = await h.refresh(retry.body!.refresh_token!, 60);
      t.equal(next.status, 200, 'the chain continues');
      t.same([(await h.refresh(pair.refresh_token, 60)).status], [400], 'once the successor is used, the old token is reuse again');
      t.same((await h.family(pair.refresh_token)).live, [], 'and the family is revoked');
    });
    t.test('code: the retry is a replay; what was issued is revoked', async (t) => {
      const code = await h.seedCode();
      h.store.armed = true;
      t.equal((await h.exchange(code)).status, 500);
      const retry = await h.exchange(code);
      t.same([retry.status, retry.error], [400, 'invalid_grant']);
      t.same((await h.family(code)).live, []);
    });
  });
}
