/** The redemption step of the code and refresh grants: each storage outcome becomes its answer (RFC 6749 §5.2). */
import t from 'tap';
import { OAuthError } from '../../../src/oauth/errors.js';
import { redeem, type RedeemWording } from '../../../src/oauth/grants/redeem.js';
import type { GrantDeps } from '../../../src/oauth/grants/index.js';
import { memoryLogger } from '../../../src/observability/log.js';
import type { RedemptionResult, TokenSessionRecord, TokenSessions } from '../../../src/storage/types.js';

const WORDING: RedeemWording = { kind: 'refresh_token', invalid: 'invalid words', replayed: 'replayed words', replayLog: 'refresh token reused: grant revoked' };
const presented = { signature: 'sig', client_id: 'app', request_id: 'req-1' } as TokenSessionRecord;
const minted = { response: { access_token: 'at', token_type: 'Bearer' as const, expires_in: 60, refresh_token: 'rt' }, rows: [] };
const revoked = [{ kind: 'access_token' as const, signature: 'old-at' }];

const cases: Array<{ outcome: RedemptionResult; answer: 'tokens' | { error: string; description: string }; log?: [string, string] }> = [
  { outcome: { outcome: 'issued', revoked }, answer: 'tokens' },
  { outcome: { outcome: 'reissued', revoked }, answer: 'tokens', log: ['info', 'refresh token presented again within its reuse grace: unused successor replaced'] },
  { outcome: { outcome: 'replayed', revoked }, answer: { error: 'invalid_grant', description: 'replayed words' }, log: ['warn', 'refresh token reused: grant revoked'] },
  { outcome: { outcome: 'unknown' }, answer: { error: 'invalid_grant', description: 'invalid words' } },
  { outcome: { outcome: 'contended' }, answer: { error: 'invalid_grant', description: 'invalid words' } },
];

for (const c of cases) {
  t.test(`${c.outcome.outcome} → ${c.answer === 'tokens' ? 'the minted tokens' : `400 ${c.answer.error}`}`, async (t) => {
    const logger = memoryLogger('info');
    const seen: unknown[] = [];
    const tokens = { redeem: (r: unknown) => (seen.push(r), Promise.resolve(c.outcome)) } as unknown as TokenSessions;
    const call = redeem({ storage: { tokens }, logger } as unknown as GrantDeps, presented, WORDING, minted, { nowMs: 5, reuseGraceMs: 7 });
    if (c.answer === 'tokens') t.same(await call, minted.response);
    else {
      const err = await call.then(() => null, (e: unknown) => e);
      t.ok(err instanceof OAuthError);
      t.same({ error: (err as OAuthError).error, description: (err as OAuthError).description, status: (err as OAuthError).status }, { ...c.answer, status: 400 });
    }
    t.same(seen, [{ kind: 'refresh_token', signature: 'sig', issue: [], nowMs: 5, reuseGraceMs: 7 }]);
    t.same(logger.records().map((r) => [r.level, r.msg]), c.log ? [c.log] : []);
  });
}
