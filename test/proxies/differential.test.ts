/**
 * Issue #11, "Differential tests at the boundary": real nginx and real Caddy, configured from the
 * shipped proxy-examples/ as in nginx.test.ts and caddy.test.ts, in front of a real Gatehouse with
 * the issue's lab rules and a back end that records the raw request it received. Several hundred
 * hostile requests (hostile-corpus.ts) go through each proxy, one at a time, over raw sockets;
 * for each, what the back end served is compared with what Gatehouse decided
 * (differential-harness.ts `judge`). Then the confirmed bypasses of the issue, as named tests.
 *
 * Set GATEHOUSE_DIFFERENTIAL_REPORT=<file> to get every observation as JSON lines.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { clientCredentialsToken, signIn } from './harness.js';
import {
  fieldText,
  judge,
  logCursor,
  observe,
  startLabGatehouse,
  startRecordingBackend,
  summarize,
  type Lab,
  type Observation,
  type Outcome,
  type ProxyName,
} from './differential-harness.js';
import { APP, hostileCorpus, OTHER, PUBLIC, SPOOF_PREFIX, type Credential, type HostileCase } from './hostile-corpus.js';
import { startCaddy, startNginx, type RunningProxy } from './proxy-process.js';

const REPORT = process.env['GATEHOUSE_DIFFERENTIAL_REPORT'];

type Send = (c: HostileCase) => Promise<Observation>;

const get = (name: string, target: string, host: string | null, credential: Credential = 'anonymous', more: ReadonlyArray<readonly [string, string]> = []): HostileCase => ({
  name,
  method: 'GET',
  target,
  version: 'HTTP/1.1',
  headers: [...(host === null ? [] : [['Host', host] as const]), ...more],
  credential,
});

t.test('issue #11: differential tests at the proxy boundary', async (t) => {
  const gatehouse = await startLabGatehouse(t);
  const backend = await startRecordingBackend(t);
  const session = await signIn(gatehouse, `https://${APP}/x`);
  const lab: Lab = { gatehouse, backend, credentials: { cookie: session.cookie, token: await clientCredentialsToken(gatehouse) }, log: logCursor(gatehouse) };
  if (REPORT !== undefined) writeFileSync(REPORT, '');

  const proxies: ReadonlyArray<readonly [ProxyName, typeof startNginx]> = [
    ['nginx', startNginx],
    ['Caddy', startCaddy],
  ];
  for (const [name, start] of proxies) {
    await t.test(`${name} configured from proxy-examples/`, async (t) => {
      const proxy: RunningProxy = await start(t, { gatehouse: gatehouse.address, app: backend.address });
      const send: Send = (c) => observe(lab, name, proxy, c);
      await confirmedBypasses(t, send);
      await differential(t, name, send);
    });
  }
});

/** The bypasses confirmed in the issue, one named test each (through both proxies). */
async function confirmedBypasses(t: Test, send: Send): Promise<void> {
  const notServed = async (t: Test, c: HostileCase) => {
    const o = await send(c);
    t.equal(o.backend.length, 0, 'the back end did not receive it', { observed: summarize(o) });
    return o;
  };

  await t.test('issue #11 item (1): a user-info Host does not open /admin', async (t) => {
    const cases: ReadonlyArray<readonly [string, string, Credential]> = [
      ['anonymous, Host app.example.com:x@public.example.com', `${APP}:x@${PUBLIC}`, 'anonymous'],
      ['signed in (not an admin), Host app.example.com:x@public.example.com', `${APP}:x@${PUBLIC}`, 'session'],
      ['signed in (not an admin), Host app.example.com:x@other.example.com', `${APP}:x@${OTHER}`, 'session'],
      ['a bearer token for app.example.com, Host app.example.com:x@public.example.com', `${APP}:x@${PUBLIC}`, 'bearer'],
      ['a bearer token for app.example.com, Host app.example.com:x@other.example.com', `${APP}:x@${OTHER}`, 'bearer'],
    ];
    for (const [name, host, credential] of cases) {
      await t.test(name, async (t) => {
        await notServed(t, get(`item 1 ${name}`, '/admin', host, credential));
      });
    }
  });

  await t.test('issue #11 item (2): an absolute-form request line with Host public.example.com does not open /admin', async (t) => {
    const o = await send(get('item 2', `https://${APP}/admin`, PUBLIC));
    t.notOk(o.backend.some((b) => b.target.includes('/admin')), "the back end's /admin was not served", { observed: summarize(o) });
  });

  await t.test('issue #11 item (3): backslashes and a raw # are not decided as /public', async (t) => {
    for (const [name, path] of [
      ['backslashes', '/admin/x\\..\\..\\public/x'],
      ['raw # before dot segments', '/public/#/../../admin'],
    ] as const) {
      await t.test(`${name}: ${path}`, async (t) => {
        const o = await notServed(t, get(`item 3 ${name}`, path, APP));
        t.notOk(o.decisions.some((d) => d['decision'] === 'allow'), 'not allowed anonymously', { observed: summarize(o) });
        t.notOk(o.decisions.some((d) => fieldText(d['target_path']).startsWith('/public')), 'not decided as /public', { observed: summarize(o) });
      });
    }
  });

  await t.test('issue #11 item (5): no Remote_User (underscore) reaches the back end', async (t) => {
    for (const credential of ['anonymous', 'session'] as const) {
      const path = credential === 'anonymous' ? '/public/x' : '/x';
      const o = await send(get(`item 5 ${credential}`, path, APP, credential, [['Remote_User', `${SPOOF_PREFIX}-admin`], ['REMOTE_USER', `${SPOOF_PREFIX}-admin`]]));
      t.equal(o.backend.length, 1, `${credential} ${path} is served`, { observed: summarize(o) });
      const underscored = o.backend.flatMap((b) => b.headers.filter(([n]) => /^remote_/i.test(n)));
      t.same(underscored, [], `${credential}: no remote_* header`);
    }
  });
}

const OUTCOMES: readonly Outcome[] = [
  'served',
  'refused by the proxy',
  'refused by Gatehouse (400)',
  'denied or unauthenticated',
  'allowed, not served',
  'answered by Gatehouse through another vhost',
  'answered by the proxy itself (host not served)',
];

/** The corpus through one proxy: every assertion of `judge` on every case, then the counts. */
async function differential(t: Test, proxy: ProxyName, send: Send): Promise<void> {
  const cases = hostileCorpus();
  await t.test(`${cases.length} hostile requests: the back end serves only what Gatehouse allowed, as Gatehouse read it`, async (t) => {
    const counts = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
    const notes: string[] = [];
    let mismatches = 0;
    for (const c of cases) {
      const o = await send(c);
      const verdict = judge(o);
      counts.set(verdict.outcome, (counts.get(verdict.outcome) ?? 0) + 1);
      notes.push(...verdict.notes);
      if (REPORT !== undefined) appendFileSync(REPORT, `${JSON.stringify({ proxy, case: c.name, outcome: verdict.outcome, problems: verdict.problems, observed: summarize(o) })}\n`);
      if (verdict.problems.length > 0) {
        mismatches += 1;
        t.fail(`${proxy} × ${c.name}: ${verdict.problems.join('; ')}`, { observed: summarize(o) });
      }
    }
    t.comment(
      [
        `${proxy}: ${cases.length} cases run`,
        ...OUTCOMES.map((o) => `  ${o}: ${counts.get(o) ?? 0}`),
        `  the proxy's own 505 (HTTP version): ${notes.length}${notes.length > 0 ? ` (${countsOf(notes)})` : ''}`,
        `  mismatches: ${mismatches}`,
      ].join('\n'),
    );
    t.equal(mismatches, 0, `${proxy}: no mismatches`);
  });
}

/** `text ×n` for each distinct text, in first-seen order. */
function countsOf(texts: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
  return [...counts].map(([text, n]) => `${text} ×${n}`).join('; ');
}
