// Micro-benchmark of the forward-auth verify handler on a cached bearer token, in-process: no
// HTTP, no sockets, so what the handler itself costs per call (target, cache hit, rules, answer,
// metrics). Run after a build: `npm run build && node bench/verify-handler.js`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfigFile } from '../dist/config/index.js';
import { buildContext, closeContext } from '../dist/context.js';
import { verifyRoutes } from '../dist/endpoints/verify.js';
import { createRequest } from '../dist/http/request.js';
import { createLogger } from '../dist/observability/log.js';
import { systemClock } from '../dist/util/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-verify-bench-'));
const config = join(dir, 'config.yml');
writeFileSync(config, [
  "server: { address: 'tcp://127.0.0.1:9091' }",
  `storage: { local: { path: '${join(dir, 'db.sqlite3')}' } }`,
  "session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] }",
  'access_control: { default_policy: deny, rules: [{ domain: app.example.com, policy: one_factor }] }',
  'identity_providers:',
  '  oidc:',
  '    clients:',
  '      - client_id: bench',
  "        client_secret: '$plaintext$bench-secret-0123456789'",
  '        grant_types: [client_credentials]',
  '        scopes: [authelia.bearer.authz]',
  "        audience: ['https://app.example.com']",
  "        redirect_uris: ['https://bench.example.com/cb']",
  '',
].join('\n'));

const { config: parsed } = await loadConfigFile(config, { env: {}, nowMs: Date.now() });
const ctx = await buildContext(parsed, { logger: createLogger({ level: 'error', format: 'text', sink: { write: () => true } }), clock: systemClock, collectProcessMetrics: false });
try {
  const { token, signature } = ctx.oidc.tokens.generate('at');
  const now = Date.now();
  await ctx.storage.tokens.create('access_token', {
    signature, request_id: 'bench', client_id: 'bench', subject: '', requested_at_ms: now, expires_at_ms: now + 3_600_000,
    requested_scopes: [], granted_scopes: ['authelia.bearer.authz'], requested_audience: [], granted_audience: ['https://app.example.com'],
    session: { username: null, auth_time_s: 1, amr: [], requested_at_s: 1 },
  });
  const handler = verifyRoutes(ctx, { access: ctx.authz.access }).find((r) => r.path === '/api/authz/forward-auth').methods.GET;
  const raw = {
    url: '/api/authz/forward-auth',
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items?page=2', 'x-forwarded-method': 'GET' },
  };
  const client = { fromTrustedProxy: () => true, clientIp: () => '127.0.0.1' };
  const request = () => createRequest({ id: () => 'bench', receivedAt: performance.now(), raw, client, maxBodyBytes: 1024 });
  const first = await handler(request());
  if (first.status !== 200) throw new Error(`expected 200, got ${first.status}`);

  const iterations = 500_000;
  // A handler that answers with a promise is awaited, as the server does; one that answers at once is not.
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      const answer = handler(request());
      if (answer instanceof Promise) await answer;
    }
  };
  await run(50_000); // warm-up: JIT, the cache entry
  const start = process.hrtime.bigint();
  await run(iterations);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`verify handler, cached bearer token: ${ns.toFixed(0)} ns/op (${(1e9 / ns / 1e3).toFixed(0)} k op/s, one core, no HTTP)`);
} finally {
  await closeContext(ctx);
  rmSync(dir, { recursive: true, force: true });
}
