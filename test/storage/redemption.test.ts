/** decideRedemption (src/storage/stores/redemption.ts): what redeeming does, from the locked rows alone. */
import t from 'tap';
import { decideRedemption, type RedemptionRow } from '../../src/storage/stores/redemption.js';

const NOW = 1_700_000_000_000;
const GRACE = 60_000;
const row = (signature: string, fields: Partial<RedemptionRow> = {}): RedemptionRow => ({
  kind: 'refresh_token', signature, active: true, revoked: false, used_at_ms: null, expires_at_ms: NOW + 3_600_000, ...fields,
});
const rotated = row('rt-0', { active: false, used_at_ms: NOW - 1_000 });
const successor = row('rt-1');
const successorAt = row('at-1', { kind: 'access_token' });

const cases: Array<{ rule: string; presented: RedemptionRow | null; family: RedemptionRow[]; kind?: 'refresh_token' | 'authorization_code'; graceMs?: number; nowMs?: number; expected: string }> = [
  { rule: 'unknown → unknown', presented: null, family: [], expected: 'unknown' },
  { rule: 'expired at its expiry instant → unknown', presented: row('rt-0', { expires_at_ms: NOW }), family: [], expected: 'unknown' },
  { rule: 'expired and used → unknown, not a replay', presented: row('rt-0', { active: false, used_at_ms: NOW - 5, expires_at_ms: NOW - 1 }), family: [], expected: 'unknown' },
  { rule: 'live → issue', presented: row('rt-0'), family: [row('rt-0')], expected: 'issue' },
  { rule: 'a live code → issue', kind: 'authorization_code', presented: row('ac', { kind: 'authorization_code' }), family: [], expected: 'issue' },
  { rule: 'rotated, grace off → replay', graceMs: 0, presented: rotated, family: [rotated, successor, successorAt], expected: 'replay' },
  { rule: 'rotated within the grace, successor unused → reissue', presented: rotated, family: [rotated, successor, successorAt], expected: 'reissue' },
  { rule: 'a used code never has a grace → replay', kind: 'authorization_code', presented: row('ac', { kind: 'authorization_code', active: false, used_at_ms: NOW - 1 }), family: [successor], expected: 'replay' },
  { rule: 'rotated, the window just closed → replay', nowMs: NOW - 1_000 + GRACE, presented: rotated, family: [rotated, successor], expected: 'replay' },
  { rule: 'rotated, the window about to close → reissue', nowMs: NOW - 1_000 + GRACE - 1, presented: rotated, family: [rotated, successor], expected: 'reissue' },
  { rule: 'the successor was used → replay', presented: rotated, family: [rotated, row('rt-1', { active: false, used_at_ms: NOW - 500 }), row('rt-2')], expected: 'replay' },
  { rule: 'a tie in used_at_ms takes the strict answer → replay', presented: rotated, family: [rotated, row('rt-1', { active: false, used_at_ms: NOW - 1_000 }), row('rt-2')], expected: 'replay' },
  { rule: 'an older predecessor used before → reissue', presented: rotated, family: [row('rt-p', { active: false, used_at_ms: NOW - 2_000 }), rotated, successor], expected: 'reissue' },
  { rule: 'a successor replaced by an earlier grace (revoked, never used) does not count → reissue', presented: rotated, family: [rotated, row('rt-1', { active: false, revoked: true }), row('rt-2')], expected: 'reissue' },
  { rule: 'no live successor (the family was revoked) → replay', presented: rotated, family: [rotated, row('rt-1', { active: false, revoked: true })], expected: 'replay' },
  { rule: 'revoked (revocation endpoint, or an earlier reuse) → replay', presented: { ...rotated, revoked: true }, family: [successor], expected: 'replay' },
];

for (const c of cases) {
  t.test(c.rule, async (t) => {
    t.equal(decideRedemption(c.presented, c.family, { kind: c.kind ?? 'refresh_token', nowMs: c.nowMs ?? NOW, reuseGraceMs: c.graceMs ?? GRACE }), c.expected);
  });
}
