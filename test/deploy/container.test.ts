/**
 * The container pieces fit together as shipped: the Traefik compose file builds its `gatehouse:latest`
 * from deploy/Dockerfile and runs the image's own config path; deploy/container/config.yml is a
 * valid configuration listening on every interface at 9091 (what the compose labels reach); the
 * Dockerfile is multi-stage, runs as an unprivileged user and has a HEALTHCHECK on /api/health.
 * No container engine runs in the suite: the image build itself is measured by hand (deploy/README.md).
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((l) => /^[A-Z]+ /.test(l));
const of = (name: string): string[] => instructions.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

interface ComposeService { image?: string; build?: { context: string; dockerfile: string }; command?: string[]; volumes?: string[] }

t.test('the Traefik compose file builds the image it runs from deploy/Dockerfile', async (t) => {
  const composeDir = join(ROOT, 'proxy-examples', 'traefik');
  const compose = parse(readFileSync(join(composeDir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const gatehouse = compose.services['gatehouse'];
  t.equal(gatehouse.image, 'gatehouse:latest');
  t.ok(gatehouse.build, 'has a build section');
  t.equal(join(composeDir, gatehouse.build!.context, gatehouse.build!.dockerfile), join(ROOT, 'deploy', 'Dockerfile'));
  // The image's entrypoint is `node /app/dist/main.js`; the command is the serve sub-command.
  t.same(of('ENTRYPOINT'), ['["node", "/app/dist/main.js"]']);
  t.same(gatehouse.command, ['serve', '--config', '/config/config.yml']);
  t.same(of('CMD'), ['["serve", "--config", "/config/config.yml"]']);
  t.ok(gatehouse.volumes?.some((v) => v.split(':')[1] === '/config'), 'mounts /config');
  t.ok(gatehouse.volumes?.some((v) => v.split(':')[1] === '/data'), 'keeps /data in a volume');
  t.match(dockerfile, /podman build -t gatehouse:latest -f deploy\/Dockerfile \./);
});

t.test('the Dockerfile is multi-stage, non-root, with a HEALTHCHECK on /api/health', async (t) => {
  const froms = of('FROM');
  t.equal(froms.length, 2);
  t.match(froms[0], / AS build$/);
  t.match(dockerfile, /COPY --from=build \/src\/dist/);
  const users = of('USER');
  t.equal(users.length, 1);
  t.not(users[0], 'root');
  t.not(users[0], '0');
  t.match(of('HEALTHCHECK')[0], /127\.0\.0\.1:9091\/api\/health/);
  for (const copied of ['deploy/container/config.yml', 'users.yml', 'package.json', 'package-lock.json', 'tsconfig.build.json']) {
    t.ok(existsSync(join(ROOT, copied)), `${copied} exists`);
  }
});

t.test('deploy/container/config.yml is valid and listens on tcp://:9091, metrics on :9959, state in /data', async (t) => {
  const text = readFileSync(join(ROOT, 'deploy', 'container', 'config.yml'), 'utf8');
  const { config } = parseConfig(text, { env: {}, nowMs: Date.now() });
  t.equal(config.server.address, 'tcp://:9091');
  t.equal(config.telemetry.metrics.address, 'tcp://:9959');
  t.equal(config.storage.local?.path, '/data/db.sqlite3');
  t.match(of('EXPOSE')[0], /9091 9959/);
});
