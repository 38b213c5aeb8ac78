/** Issue #11: a verify request repeating a credential header is ambiguous (Node reads the first, a proxy or backend may read another): 400. */
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { bearerProvider } from '../helpers/bearer-client.js';
import { rawExchange, requestBytes } from './raw-exchange.js';

t.test('verify: a repeated Authorization or Proxy-Authorization header → 400 with an empty body', async (t) => {
  const server = await startTestServer(t, bearerProvider());
  const port = Number(new URL(server.url).port);
  const base = ['GET /api/authz/forward-auth HTTP/1.1', 'Host: 127.0.0.1', 'X-Forwarded-Proto: https', 'X-Forwarded-Host: app.example.com', 'X-Forwarded-Uri: /api/items', 'X-Forwarded-Method: GET', 'Connection: close'];
  const repeated: [string, string[]][] = [
    ['two Authorization headers, names in different case', ['Authorization: Bearer a', 'authorization: Bearer b']],
    ['two equal Proxy-Authorization headers', ['Proxy-Authorization: Basic a', 'Proxy-Authorization: Basic a']],
  ];
  for (const [name, lines] of repeated) {
    const answer = await rawExchange(port, requestBytes([...base, ...lines]));
    t.equal(answer.status, 400, name);
    t.equal(answer.body, '', `${name}: empty body`);
  }
  const one = await rawExchange(port, requestBytes([...base, 'Authorization: Bearer a']));
  t.equal(one.status, 401, 'one (unknown) bearer token is decided as before: 401 invalid_token');
});
