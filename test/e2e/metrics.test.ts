/** The domain metrics reach /metrics with bounded labels: tokens issued, authz decisions, sign-in attempts. */
import t from 'tap';
import { startTestServer } from '../helpers/server.js';

t.test('tokens issued, forward-auth decisions and portal sign-ins are counted', async (t) => {
  const server = await startTestServer(t, {
    telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } },
    session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
    access_control: { default_policy: 'bypass' },
    identity_providers: {
      oidc: {
        clients: [{ client_id: 'machine', client_secret: '$plaintext$machine-secret-0123456789', grant_types: ['client_credentials'], scopes: ['api'], redirect_uris: ['https://m.example.com/cb'] }],
      },
    },
  });
  const basic = 'Basic ' + Buffer.from('machine:machine-secret-0123456789').toString('base64');
  const token = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=api' });
  t.equal(token.status, 200);
  const verify = await fetch(`${server.url}/api/authz/forward-auth`, {
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/x', 'x-forwarded-method': 'GET' },
  });
  t.equal(verify.status, 200);
  const text = await (await fetch(server.app.metricsUrl!)).text();
  t.match(text, /gatehouse_tokens_issued_total\{grant_type="client_credentials",kind="access_token"\} 1/);
  t.match(text, /gatehouse_authz_requests_total\{endpoint="forward_auth",strategy="none",decision="allow"\} 1/);
  t.match(text, /gatehouse_authz_duration_seconds_count\{endpoint="forward_auth"\} 1/);
  t.match(text, /gatehouse_http_requests_total\{route="authz_forward_auth",method="GET",status="200"\} 1/);
  t.notMatch(text, /route="\/api/, 'route labels are names, never raw paths');
});
