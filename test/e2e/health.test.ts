import t from 'tap';
import { startTestServer } from '../helpers/server.js';

t.test('GET /api/health answers {"status":"OK"} once storage is reachable, 503 after it closes', async (t) => {
  const server = await startTestServer(t);
  const ok = await fetch(`${server.url}/api/health`);
  t.equal(ok.status, 200);
  t.same(await ok.json(), { status: 'OK' });
  await server.app.context.storage.close();
  const down = await fetch(`${server.url}/api/health`);
  t.equal(down.status, 503);
  t.same(await down.json(), { status: 'KO', message: 'storage is unreachable' });
});

t.test('/metrics on its own listener when telemetry.metrics.enabled', async (t) => {
  const server = await startTestServer(t, { telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } } });
  t.ok(server.app.metricsUrl, 'a metrics url');
  await fetch(`${server.url}/api/health`);
  const res = await fetch(server.app.metricsUrl!);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /text\/plain/);
  const text = await res.text();
  t.match(text, /gatehouse_http_requests_total\{route="health",method="GET",status="200"\} 1/);
  const missing = await fetch(`${server.url}/metrics`);
  t.equal(missing.status, 404, 'metrics are not exposed on the main listener');
});

t.test('metrics are off by default', async (t) => {
  const server = await startTestServer(t);
  t.equal(server.app.metricsUrl, null);
});
