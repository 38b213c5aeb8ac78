/**
 * Issue #13's reproduction, end to end on SQLite and PostgreSQL: a database trigger refuses every
 * new refresh token row. Before grants were transactions the refresh answered 500 with the old
 * token already used, the family revoked and an access token nobody received left live. Now the
 * refresh (and a code exchange) fails as a 500 that changed nothing, and once the trigger is gone
 * the same refresh token and code work.
 */
import t from 'tap';
import { sql } from 'kysely';
import { startPostgres } from '../helpers/postgres.js';
import { startGrantServer, type GrantServer } from './grant-setup.js';

const database = await startPostgres();
t.teardown(() => database.stop());

async function refuseRefreshTokens(server: GrantServer): Promise<void> {
  if (server.engine === 'sqlite') {
    await sql`CREATE TRIGGER refuse_refresh_tokens BEFORE INSERT ON oauth2_token_sessions WHEN NEW.kind = 'refresh_token'
      BEGIN SELECT RAISE(ABORT, 'injected: refresh token insert refused'); END`.execute(server.db);
    return;
  }
  await sql`CREATE FUNCTION refuse_refresh_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected: refresh token insert refused'; END $$`.execute(server.db);
  await sql`CREATE TRIGGER refuse_refresh_tokens BEFORE INSERT ON oauth2_token_sessions
      FOR EACH ROW WHEN (NEW.kind = 'refresh_token') EXECUTE FUNCTION refuse_refresh_tokens()`.execute(server.db);
}

async function allowRefreshTokens(server: GrantServer): Promise<void> {
  if (server.engine === 'sqlite') await sql`DROP TRIGGER refuse_refresh_tokens`.execute(server.db);
  else await sql`DROP TRIGGER refuse_refresh_tokens ON oauth2_token_sessions`.execute(server.db);
}

for (const engine of ['sqlite', 'postgres'] as const) {
  t.test(`${engine}: a refused refresh token insert loses nothing`, async (t) => {
    const server = await startGrantServer(t, engine, { database });
    const pair = await server.firstPair();
    const code = await server.seedCode();
    await refuseRefreshTokens(server);

    const refreshed = await server.refresh(pair.refresh_token);
    t.same([refreshed.status, refreshed.body.error], [500, 'server_error'], 'the refresh fails as a storage failure');
    t.same([await server.state(pair.refresh_token), await server.state(pair.access_token)], ['live', 'live'], 'the refresh token is not used, the access token not revoked');
    t.equal((await server.liveInFamily(pair.refresh_token)).length, 2, 'no access token nobody received: the pair alone is live');

    const exchanged = await server.exchange(code);
    t.same([exchanged.status, exchanged.body.error], [500, 'server_error'], 'a code exchange fails the same way');
    t.same(await server.liveInFamily(code), [`authorization_code/${server.app.context.oidc!.tokens.signatureOf(code, 'ac')}`], 'the code is still live, alone');

    await allowRefreshTokens(server);
    const retried = await server.refresh(pair.refresh_token);
    t.equal(retried.status, 200, 'the same refresh token works afterwards');
    t.same([await server.state(pair.refresh_token), await server.state(pair.access_token), await server.state(retried.body.refresh_token!)], ['used', 'revoked', 'live']);
    t.equal((await server.exchange(code)).status, 200, 'and the same code');
    const logged = server.logger.records().filter((r) => r.level === 'error').map((r) => JSON.stringify(r));
    t.ok(logged.some((line) => line.includes('injected: refresh token insert refused')), 'the cause is logged');
  });
}
