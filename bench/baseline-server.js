// The same-run baseline: a bare node:http server that reads the request body, does a Map look-up
// and answers with the same kind of headers and body size a real answer has. Whatever Gatehouse
// adds on top (routing, parsing, auth, storage, logging, metrics) is measured against this.
import { createServer } from 'node:http';

const answers = new Map([
  ['/api/health', JSON.stringify({ status: 'OK' })],
  ['/api/oidc/token', JSON.stringify({ access_token: 'x'.repeat(100), token_type: 'Bearer', expires_in: 3600, scope: 'api' })],
  ['/api/oidc/introspection', JSON.stringify({ active: true, scope: 'api', client_id: 'bench', token_type: 'Bearer', exp: 1, iat: 1, aud: ['https://api.example.com'], iss: 'http://localhost' })],
]);

// The forward-auth baseline: one Map look-up of the bearer token, the four Remote-* headers, an empty 200.
const identities = new Map();
export const BENCH_TOKEN = 'baseline-token';
identities.set(`Bearer ${BENCH_TOKEN}`, { user: '', groups: '', name: '', email: '' });

const server = createServer((req, res) => {
  if (req.url === '/api/authz/forward-auth' || req.url === '/api/authz/auth-request') {
    const id = identities.get(req.headers.authorization ?? '');
    if (!id) return void res.writeHead(401, { 'Content-Length': 0 }).end();
    res.writeHead(200, { 'Remote-User': id.user, 'Remote-Groups': id.groups, 'Remote-Name': id.name, 'Remote-Email': id.email, 'Content-Length': 0 });
    return void res.end();
  }
  req.resume();
  req.on('end', () => {
    const body = answers.get((req.url ?? '').split('?')[0]) ?? '';
    res.writeHead(body ? 200 : 404, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
