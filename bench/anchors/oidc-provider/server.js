// node-oidc-provider 8 as the anchor of the token and introspection rows of bench/run.js: the same
// client, the same secret and the same endpoint paths as Gatehouse's bench config, its default
// in-memory adapter (it keeps no state on disk), opaque access tokens. /api/health answers 200
// so bench/lib.js's startServer knows when it is up.
//   node bench/anchors/oidc-provider/server.js PORT SECRET
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [port, secret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const client = (client_id) => ({
  client_id,
  client_secret: secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'api authelia.bearer.authz',
});
const provider = new Provider(issuer, {
  clients: [client('bench'), client('bench-plain')],
  scopes: ['api', 'authelia.bearer.authz'],
  features: {
    clientCredentials: { enabled: true },
    // Every authenticated client may introspect (Gatehouse's rule for its own tokens).
    introspection: { enabled: true, allowedPolicy: () => true },
    devInteractions: { enabled: false },
  },
  ttl: { ClientCredentials: 3600 },
  routes: { token: '/api/oidc/token', introspection: '/api/oidc/introspection' },
  // A fixed cookie key silences the start-up warning; no cookie is set by these endpoints.
  cookies: { keys: ['bench-anchor-cookie-key'] },
});
// Quiet: a failed request is counted by the load generator, not logged per request.
provider.on('server_error', () => undefined);
const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.url === '/api/health') return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': 15 }).end('{"status":"OK"}');
  callback(req, res);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
