/**
 * Bearer tokens at the verify endpoint: admitted through the introspection cache, refused at once
 * after revocation (the cache is evicted), and 503 — never a pass — when a remote OP is down.
 */
import t from 'tap';
import { freePort } from '../helpers/free-port.js';
import { startTestServer } from '../helpers/server.js';
import { bearerProvider, issueBearerToken, revokeToken, verifyBearer } from '../helpers/bearer-client.js';

const provider = bearerProvider({ enable_client_debug_messages: true });
const verify = verifyBearer;

t.test('a client_credentials token with authelia.bearer.authz passes for its audience; revocation refuses it at the next use', async (t) => {
  const server = await startTestServer(t, provider);
  const access_token = await issueBearerToken(server.url);
  const ok = await verify(server.url, access_token);
  t.equal(ok.status, 200);
  t.equal(ok.headers.get('remote-user'), '');
  t.equal(ok.headers.get('content-length'), '0');
  t.equal((await verify(server.url, access_token)).status, 200, 'a second use is served from the cache');
  const outside = await verify(server.url, access_token, '/apix');
  t.equal(outside.status, 401, 'the audience covers /api at a segment boundary, not /apix');
  t.match(outside.headers.get('www-authenticate'), /^Bearer realm="https:\/\/auth\.example\.com", error="invalid_token"/);

  const revoked = await revokeToken(server.url, access_token);
  t.equal(revoked.status, 200);
  const after = await verify(server.url, access_token);
  t.equal(after.status, 401, 'RFC 7009: refused at the very next use (cache evicted)');
  const metrics = await server.app.context.metrics.registry.getSingleMetricAsString('gatehouse_introspection_cache_hits_total');
  t.match(metrics, /gatehouse_introspection_cache_hits_total [1-9]/);
});

t.test('remote introspection unreachable → 503, never a pass', async (t) => {
  const deadPort = await freePort();
  const server = await startTestServer(t, {
    ...provider,
    server: { endpoints: { remote_introspection: { url: `https://127.0.0.1:${deadPort}/introspect`, client_id: 'gh', client_secret: 'secret', timeout: '2s' } } },
  });
  const res = await verify(server.url, 'some-remote-token');
  t.equal(res.status, 503);
});
