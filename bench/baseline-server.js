// The same-run baseline: a bare node:http server that answers with a Map look-up and the
// headers a real answer carries. Anything Gatehouse adds is measured against this.
import { createServer } from 'node:http';

const answers = new Map([['/api/health', JSON.stringify({ status: 'OK' })]]);
const server = createServer((req, res) => {
  const body = answers.get(req.url ?? '') ?? '';
  res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
