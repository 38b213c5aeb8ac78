/**
 * proxy-examples/nginx as shipped, on a real nginx in front of a real Gatehouse (AuthRequest
 * endpoint). The only structural change to the example is TLS: `listen 443 ssl` and the
 * certificate lines become a plain listener, and `$scheme` is fixed to `https` (what it is behind
 * TLS). Ports, upstream addresses and snippet paths are substituted (example-substitution.ts).
 */
import t from 'tap';
import { APP_HOST, send } from './harness.js';
import { startNginx } from './proxy-process.js';
import { proveProxy } from './scenarios.js';

t.test('nginx auth_request with proxy-examples/nginx', async (t) => {
  const proxy = await proveProxy(t, startNginx);
  await t.test('the auth location is internal: a client asking for it gets 404', async (t) => {
    const answer = await send({ port: proxy.port, host: APP_HOST, path: '/internal/authelia/authz' });
    t.equal(answer.status, 404);
  });
});
