/**
 * The proxy tests' world: Gatehouse (real, from test/helpers/server.ts) protecting
 * app.example.com, an upstream that echoes the request headers it receives, and small HTTP
 * helpers that can set Host (fetch cannot) and speak TLS to Caddy.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { hiddenFields } from '../helpers/browser-client.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

export const PORTAL = 'https://auth.example.com';
export const APP_HOST = 'app.example.com';
export const AUDIENCE = 'https://app.example.com';
export const CLIENT = { id: 'api-caller', secret: 'api-caller-secret-0123456789' } as const;
export const USER = { username: 'john', password: 'correct horse', displayName: 'John Doe', email: 'john@example.com', groups: ['admins', 'dev'] } as const;
/** The four headers Gatehouse answers with on success (Authelia's names). */
export const REMOTE_HEADERS = ['remote-user', 'remote-groups', 'remote-name', 'remote-email'] as const;

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  port: number;
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Speak TLS, verifying the certificate for `host` against this CA. */
  ca?: string;
}

/** One request to 127.0.0.1:<port> with an explicit Host header; redirects are not followed. */
export function send(o: SendOptions): Promise<Answer> {
  const headers = { host: o.host, ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers };
  const common = { host: '127.0.0.1', port: o.port, path: o.path, method: o.method ?? 'GET', headers, agent: false as const };
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = o.ca !== undefined ? httpsRequest({ ...common, servername: o.host, ca: o.ca }, done) : httpRequest(common, done);
    req.once('error', reject);
    req.end(o.body);
  });
}

/** The upstream application: answers 200 with the request headers it received, as JSON. */
export async function startEchoUpstream(t: Test): Promise<{ address: string }> {
  const server = createServer((req, res) => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.unref();
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** What the upstream says it received. */
export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export function echoOf(answer: Answer): Echo {
  if (answer.status !== 200) throw new Error(`expected the upstream's 200, got ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as Echo;
}

async function usersFile(dir: string): Promise<string> {
  const digest = await hashPassword(USER.password, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const path = join(dir, 'users.yml');
  writeFileSync(
    path,
    `users:\n  ${USER.username}:\n    displayname: ${USER.displayName}\n    password: '${digest}'\n    email: ${USER.email}\n    groups: [${USER.groups.join(', ')}]\n`,
  );
  return path;
}

export interface GatehouseUnderTest {
  server: TestServer;
  /** host:port, as the proxies reach it. */
  address: string;
  port: number;
}

/**
 * Gatehouse for app.example.com: `^/public` bypass, `^/denied` deny, the rest one_factor; a
 * client_credentials client allowed `authelia.bearer.authz` for https://app.example.com; nginx and
 * Caddy connect from 127.0.0.1, the only trusted proxy.
 */
export async function startGatehouse(t: Test): Promise<GatehouseUnderTest> {
  const dir = tempDir(t);
  const users = await usersFile(dir);
  const server = await startTestServer(
    t,
    {
      server: { trusted_proxies: ['127.0.0.1/32'] },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'example.com', authelia_url: PORTAL }] },
      access_control: {
        default_policy: 'deny',
        rules: [
          { domain: APP_HOST, resources: ['^/public'], policy: 'bypass' },
          { domain: APP_HOST, resources: ['^/denied'], policy: 'deny' },
          { domain: APP_HOST, policy: 'one_factor' },
        ],
      },
      identity_providers: {
        oidc: {
          issuer: PORTAL,
          hmac_secret: 'a-very-long-hmac-secret-for-the-proxy-tests-0123456789',
          jwks: [{ key: ISSUER_KEY }],
          clients: [
            {
              client_id: CLIENT.id,
              client_secret: `$plaintext$${CLIENT.secret}`,
              grant_types: ['client_credentials'],
              scopes: ['authelia.bearer.authz'],
              audience: [AUDIENCE],
              // Required by the schema even for a machine client; never used (no authorization_code).
              redirect_uris: ['https://app.example.com/callback'],
            },
          ],
        },
      },
    },
    { dir },
  );
  const port = Number(new URL(server.url).port);
  return { server, address: `127.0.0.1:${port}`, port };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function form(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

const FORM = 'application/x-www-form-urlencoded';

/** RFC 6749 §4.4: an access token for app.example.com, straight from Gatehouse's token endpoint. */
export async function clientCredentialsToken(g: GatehouseUnderTest): Promise<string> {
  const answer = await send({
    port: g.port,
    host: g.address,
    path: '/api/oidc/token',
    method: 'POST',
    headers: { authorization: basic(CLIENT.id, CLIENT.secret), 'content-type': FORM },
    body: form({ grant_type: 'client_credentials', scope: 'authelia.bearer.authz', audience: AUDIENCE }),
  });
  if (answer.status !== 200) throw new Error(`token endpoint answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { access_token: string }).access_token;
}

/** RFC 7009 §2.1: revoke a token. */
export async function revoke(g: GatehouseUnderTest, token: string): Promise<number> {
  const answer = await send({
    port: g.port,
    host: g.address,
    path: '/api/oidc/revocation',
    method: 'POST',
    headers: { authorization: basic(CLIENT.id, CLIENT.secret), 'content-type': FORM },
    body: form({ token, token_type_hint: 'access_token' }),
  });
  return answer.status;
}

/**
 * Signs in at the portal as the proxy in front of it would pass it on: Host auth.example.com and
 * X-Forwarded-Proto https from 127.0.0.1, so the session cookie is issued for Domain=example.com.
 * Returns the Cookie header value a browser would then send to app.example.com, and where the portal
 * sent the browser.
 */
export async function signIn(g: GatehouseUnderTest, rd: string): Promise<{ cookie: string; setCookie: string; location: string | undefined }> {
  const jar = new Map<string, string>();
  const portal = (path: string, method: string, body?: string) =>
    send({
      port: g.port,
      host: 'auth.example.com',
      path,
      method,
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.7',
        accept: 'text/html',
        ...(jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body !== undefined ? { 'content-type': FORM } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    }).then((answer) => {
      for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
        const pair = line.split(';')[0];
        jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      return answer;
    });
  const page = await portal(`/?rd=${encodeURIComponent(rd)}`, 'GET');
  if (page.status !== 200) throw new Error(`portal answered ${page.status}: ${page.body}`);
  const done = await portal('/login', 'POST', form({ ...hiddenFields(page.body), username: USER.username, password: USER.password }));
  if (done.status !== 303) throw new Error(`sign-in answered ${done.status}: ${done.body}`);
  const session = [done.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('authelia_session='));
  if (!session) throw new Error('sign-in set no session cookie');
  return { cookie: session.split(';')[0], setCookie: session, location: done.headers.location };
}

/** Gatehouse's own answer to the ForwardAuth question, asked directly as Caddy would ask it. */
export function askGatehouse(g: GatehouseUnderTest, path: string, headers: Record<string, string>): Promise<Answer> {
  return send({
    port: g.port,
    host: g.address,
    path: '/api/authz/forward-auth',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': APP_HOST, 'x-forwarded-uri': path, 'x-forwarded-method': 'GET', ...headers },
  });
}
