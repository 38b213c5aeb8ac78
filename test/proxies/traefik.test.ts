/**
 * proxy-examples/traefik cannot run here (no Traefik binary): the files are parsed and every field
 * Traefik's forwardAuth needs to talk to Gatehouse's ForwardAuth endpoint is checked, in both the
 * file-provider form and the Docker-label form.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXAMPLES_DIR } from './proxy-process.js';

const REMOTE = ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email'];
const ENDPOINT = /\/api\/authz\/forward-auth$/;

function load(name: string): unknown {
  return parse(readFileSync(join(EXAMPLES_DIR, 'traefik', name), 'utf8'));
}

const UNDERSCORE_SPELLINGS = ['Remote_User', 'Remote_Groups', 'Remote_Name', 'Remote_Email'];

interface ForwardAuth {
  address?: unknown;
  trustForwardHeader?: unknown;
  authResponseHeaders?: unknown;
}
interface Dynamic {
  http: {
    middlewares: Record<string, { forwardAuth?: ForwardAuth; headers?: { customRequestHeaders?: Record<string, string> } }>;
    routers: Record<string, { rule: string; middlewares?: string[]; service: string }>;
    services: Record<string, { loadBalancer: { servers: Array<{ url: string }> } }>;
  };
}
interface Static {
  entryPoints: Record<string, unknown>;
  providers: { file?: { filename?: string } };
}
interface Compose {
  services: Record<string, { labels?: string[] }>;
}

t.test('traefik.yml: entry points and the file provider that loads dynamic.yml', async (t) => {
  const config = load('traefik.yml') as Static;
  t.same(Object.keys(config.entryPoints).sort(), ['web', 'websecure']);
  t.match(config.providers.file?.filename, /dynamic\.yml$/);
});

t.test('dynamic.yml: the forwardAuth middleware asks Gatehouse and copies the four Remote-* headers', async (t) => {
  const { http } = load('dynamic.yml') as Dynamic;
  const forwardAuth = http.middlewares['gatehouse']?.forwardAuth;
  t.match(forwardAuth?.address, ENDPOINT, 'address is the ForwardAuth endpoint');
  t.equal(forwardAuth?.trustForwardHeader, true);
  t.same(forwardAuth?.authResponseHeaders, REMOTE);
});

t.test('dynamic.yml: Remote_User and the other underscore spellings are removed (issue #11 item 5: CGI reads them as REMOTE_USER)', async (t) => {
  const { http } = load('dynamic.yml') as Dynamic;
  t.same(http.middlewares['gatehouse-strip-underscores']?.headers?.customRequestHeaders, Object.fromEntries(UNDERSCORE_SPELLINGS.map((name) => [name, ''])));
});

t.test('dynamic.yml: the protected router uses the middleware, the portal router does not', async (t) => {
  const { http } = load('dynamic.yml') as Dynamic;
  t.equal(http.routers['app']?.rule, 'Host(`app.example.com`)');
  t.same(http.routers['app']?.middlewares, ['gatehouse', 'gatehouse-strip-underscores']);
  t.equal(http.routers['gatehouse']?.rule, 'Host(`auth.example.com`)');
  t.equal(http.routers['gatehouse']?.middlewares, undefined, 'the portal itself is not behind forward auth');
  const gatehouseUrl = http.services[http.routers['gatehouse'].service]?.loadBalancer.servers[0]?.url;
  t.equal(new URL(String(http.middlewares['gatehouse']?.forwardAuth?.address)).origin, gatehouseUrl, 'the middleware asks the same Gatehouse that serves the portal');
});

t.test('docker-compose.yml: the labels say the same as dynamic.yml', async (t) => {
  const compose = load('docker-compose.yml') as Compose;
  const labels = new Map(
    Object.values(compose.services)
      .flatMap((s) => s.labels ?? [])
      .map((label) => [label.slice(0, label.indexOf('=')), label.slice(label.indexOf('=') + 1)] as const),
  );
  const prefix = 'traefik.http.middlewares.gatehouse.forwardAuth';
  t.match(labels.get(`${prefix}.address`), ENDPOINT);
  t.equal(labels.get(`${prefix}.trustForwardHeader`), 'true');
  t.same(labels.get(`${prefix}.authResponseHeaders`)?.split(','), REMOTE);
  t.equal(labels.get('traefik.http.routers.app.rule'), 'Host(`app.example.com`)');
  t.equal(labels.get('traefik.http.routers.app.middlewares'), 'gatehouse@docker,gatehouse-strip-underscores@docker');
  for (const name of UNDERSCORE_SPELLINGS) t.equal(labels.get(`traefik.http.middlewares.gatehouse-strip-underscores.headers.customRequestHeaders.${name}`), '', `${name} removed`);
  t.equal(labels.get('traefik.http.routers.gatehouse.rule'), 'Host(`auth.example.com`)');
  t.equal(labels.get('traefik.http.routers.gatehouse.middlewares'), undefined);
  const { address } = (load('dynamic.yml') as Dynamic).http.middlewares['gatehouse'].forwardAuth!;
  t.equal(labels.get(`${prefix}.address`), address, 'same address as the file-provider form');
});
