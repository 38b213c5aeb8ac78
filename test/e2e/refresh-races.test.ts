/**
 * Parallel redemptions of one credential (issue #13): N requests at once with one refresh token, or
 * one authorization code, on SQLite and PostgreSQL, give exactly one 200 and only 400 invalid_grant
 * otherwise (RFC 6749 §5.2), never a 500; afterwards the strict rules hold (a reused refresh token
 * revokes its family, a replayed code what it issued). CI runs a few trials; GATEHOUSE_RACE_TRIALS=10
 * with GATEHOUSE_RACE_SIZES=20,50,100 is the full measure, printed per engine.
 */
import t from 'tap';
import type { StorageEngine } from '../../src/storage/types.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startGrantServer, tally, type GrantServer, type TokenAnswer } from './grant-setup.js';

/** size → trials: three of 20 and one of 100 unless the environment asks for more. */
function plan(): Array<{ size: number; trials: number }> {
  const sizes = process.env['GATEHOUSE_RACE_SIZES']?.split(',').map(Number);
  const trials = Number(process.env['GATEHOUSE_RACE_TRIALS'] ?? 0);
  if (sizes && trials > 0) return sizes.map((size) => ({ size, trials }));
  return [{ size: 20, trials: 3 }, { size: 100, trials: 1 }];
}

const database: TestPostgres = await startPostgres();
t.teardown(() => database.stop());

const ONE_WINNER = (size: number): Record<string, number> => ({ '200': 1, '400 invalid_grant': size - 1 });

/** What the server logged at error level, distinct messages with counts: the cause of any 500. */
function errorsLogged(server: GrantServer): string {
  const seen = new Map<string, number>();
  for (const r of server.logger.records()) {
    if (r.level !== 'error') continue;
    const key = JSON.stringify(r).replace(/"time":[^,]*,?/, '').slice(0, 400);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].map(([k, n]) => `${n} × ${k}`).join('\n');
}

async function race(size: number, request: () => Promise<TokenAnswer>): Promise<TokenAnswer[]> {
  return Promise.all(Array.from({ length: size }, () => request()));
}

const ENGINES = (process.env['GATEHOUSE_RACE_ENGINES']?.split(',') ?? ['sqlite', 'postgres']) as StorageEngine[];

for (const engine of ENGINES) {
  t.test(`${engine}: parallel redemptions of one credential`, async (t) => {
    const server: GrantServer = await startGrantServer(t, engine, { database });
    const figures: string[] = [];

    for (const { size, trials } of plan()) {
      t.test(`${size} parallel refreshes with one refresh token: one 200, ${size - 1} × 400 invalid_grant (${trials} trials)`, async (t) => {
        let clean = 0;
        for (let trial = 0; trial < trials; trial++) {
          const pair = await server.firstPair();
          const answers = await race(size, () => server.refresh(pair.refresh_token));
          const counts = tally(answers);
          if (t.same(counts, ONE_WINNER(size), `trial ${trial + 1}: ${JSON.stringify(counts)}`)) clean++;
          else t.comment(errorsLogged(server));
          // The losers presented a used token: reuse, so the family (the winner's pair too) is revoked.
          t.same(await server.liveInFamily(pair.refresh_token), [], 'nothing of the family stays live');
        }
        figures.push(`refresh ${size}×${trials}: ${clean}/${trials} trials exactly one 200 and ${size - 1} invalid_grant`);
      });

      t.test(`${size} parallel exchanges of one code: one 200, ${size - 1} × 400 invalid_grant (${trials} trials)`, async (t) => {
        let clean = 0;
        for (let trial = 0; trial < trials; trial++) {
          const code = await server.seedCode();
          const answers = await race(size, () => server.exchange(code));
          const counts = tally(answers);
          if (t.same(counts, ONE_WINNER(size), `trial ${trial + 1}: ${JSON.stringify(counts)}`)) clean++;
          else t.comment(errorsLogged(server));
          const winner = answers.find((a) => a.status === 200)!;
          t.same([await server.state(winner.body.access_token!), await server.state(winner.body.refresh_token!)], ['revoked', 'revoked'], 'the replays revoked what the code issued');
        }
        figures.push(`code ${size}×${trials}: ${clean}/${trials} trials exactly one 200 and ${size - 1} invalid_grant`);
      });
    }

    t.test('with a reuse interval, parallel retries each replace the unused successor: all 200, one pair live', async (t) => {
      const graceful = await startGrantServer(t, engine, { database, reuseInterval: '1m' });
      const pair = await graceful.firstPair();
      const answers = await race(20, () => graceful.refresh(pair.refresh_token));
      t.same(tally(answers), { '200': 20 });
      const live = await graceful.liveInFamily(pair.refresh_token);
      t.equal(live.length, 2, 'exactly one access token and one refresh token live');
      const states = await Promise.all(answers.map((a) => graceful.state(a.body.refresh_token!)));
      t.same(states.filter((s) => s === 'live').length, 1, 'the last answer\'s refresh token');
    });

    t.teardown(() => {
      if (figures.length > 0) t.comment(`${engine}: ${figures.join('; ')}`);
    });
  });
}
