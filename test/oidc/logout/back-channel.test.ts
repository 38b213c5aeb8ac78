/**
 * OIDC Back-Channel Logout 1.0 §2.5, §2.8: the Logout Token POSTed to a real HTTP server; success on
 * 200 or 204; a 4xx is final; a 5xx, a timeout or a refused connection is retried a bounded number
 * of times with growing pauses; every attempt counted; nothing ever throws.
 */
import t, { type Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverLogoutToken, type BackChannelOutcome } from '../../../src/oidc/logout/index.js';
import { memoryLogger } from '../../../src/observability/log.js';
import { freePort } from '../../helpers/oidc-fixtures.js';

interface Received { method: string; contentType: string; body: string }

/** A back-channel endpoint answering each request with the next status of `statuses` (the last one repeats); 'hang' never answers. */
async function endpoint(t: Test, statuses: Array<number | 'hang'>): Promise<{ uri: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', contentType: req.headers['content-type'] ?? '', body });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)];
      if (status !== 'hang') res.writeHead(status, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`, received };
}

function world() {
  const outcomes: BackChannelOutcome[] = [];
  const pauses: number[] = [];
  const logger = memoryLogger('debug');
  const deps = {
    options: { timeoutMs: 300, attempts: 3, backoffMs: 1000 },
    metrics: { recordBackchannelLogout: (_client: string, outcome: BackChannelOutcome) => outcomes.push(outcome) },
    logger,
    sleep: (ms: number) => { pauses.push(ms); return Promise.resolve(); },
  };
  return { deps, outcomes, pauses, logger };
}

const delivery = (uri: string) => ({ client_id: 'app', uri, logout_token: 'eyJ.logout.token' });

t.test('OIDC Back-Channel Logout 1.0 §2.5: POST logout_token form-encoded; 200 is success', async (t) => {
  const rp = await endpoint(t, [200]);
  const w = world();
  t.equal(await deliverLogoutToken(w.deps, delivery(rp.uri)), true);
  t.same(rp.received, [{ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'logout_token=eyJ.logout.token' }]);
  t.same(w.outcomes, ['success']);
});

t.test('OIDC Back-Channel Logout 1.0 §2.8: 204 counts as success', async (t) => {
  const rp = await endpoint(t, [204]);
  const w = world();
  t.equal(await deliverLogoutToken(w.deps, delivery(rp.uri)), true);
  t.same(w.outcomes, ['success']);
});

t.test('OIDC Back-Channel Logout 1.0 §2.8: a 5xx is retried, with growing pauses', async (t) => {
  const rp = await endpoint(t, [503, 500, 200]);
  const w = world();
  t.equal(await deliverLogoutToken(w.deps, delivery(rp.uri)), true);
  t.equal(rp.received.length, 3);
  t.same(w.outcomes, ['retry', 'retry', 'success']);
  t.same(w.pauses, [1000, 2000]);
});

t.test('OIDC Back-Channel Logout 1.0 §2.8: a 400 is the RP\'s final word, not retried', async (t) => {
  const rp = await endpoint(t, [400]);
  const w = world();
  t.equal(await deliverLogoutToken(w.deps, delivery(rp.uri)), false);
  t.equal(rp.received.length, 1);
  t.same(w.outcomes, ['failure']);
  t.match(w.logger.records().find((r) => r['msg'] === 'back-channel logout failed'), { level: 'warn', client_id: 'app', attempts: 1, reason: 'HTTP 400' });
});

t.test('OIDC Back-Channel Logout 1.0 §2.5: an endpoint that is down is tried a bounded number of times, then given up', async (t) => {
  const port = await freePort();
  const w = world();
  t.equal(await deliverLogoutToken(w.deps, delivery(`http://127.0.0.1:${port}/down`)), false);
  t.same(w.outcomes, ['retry', 'retry', 'failure'], 'three attempts in all');
});

t.test('OIDC Back-Channel Logout 1.0 §2.5: an endpoint that never answers times out per attempt', async (t) => {
  const rp = await endpoint(t, ['hang', 'hang', 200]);
  const w = world();
  const started = Date.now();
  t.equal(await deliverLogoutToken(w.deps, delivery(rp.uri)), true);
  t.same(w.outcomes, ['retry', 'retry', 'success']);
  t.ok(Date.now() - started < 5000, 'bounded by the per-attempt timeout');
});
