/**
 * The differential suite's world (issue #11): Gatehouse with the lab's access rules, a back end
 * that records the exact request it received (Host and raw request-target), and the judge that
 * compares what the back end served with what Gatehouse decided for the same request.
 *
 * What Gatehouse decided comes from its log (level debug, in memory): one `authz decision` record
 * per verify decision (`target_host`, `target_path`, `decision`), one `authz target refused`
 * warning per refused target, and one `request` access record per request it answered.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import type { LogFields } from '../../src/observability/log.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { AUDIENCE, CLIENT, PORTAL, USER, type GatehouseUnderTest } from './harness.js';
import { APP, PUBLIC, requestBytes, spoofedHeaders, SPOOF_PREFIX, type Credentials, type HostileCase } from './hostile-corpus.js';
import type { RunningProxy } from './proxy-process.js';
import { rawRequest, type RawAnswer } from './raw-http.js';

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');

/** The signed-in person of this suite: USER's name and password, but not in group admins. */
export const NON_ADMIN_GROUPS = ['dev'] as const;

/**
 * Gatehouse with the issue's lab rules: public.example.com bypass; on app.example.com `^/public/`
 * bypass, `^/admin` two_factor for group:admins and deny for everyone else; `*.example.com`
 * one_factor; default deny. The proxies connect from 127.0.0.1, the only trusted proxy.
 */
export async function startLabGatehouse(t: Test): Promise<GatehouseUnderTest> {
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword(USER.password, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(
    users,
    `users:\n  ${USER.username}:\n    displayname: ${USER.displayName}\n    password: '${digest}'\n    email: ${USER.email}\n    groups: [${NON_ADMIN_GROUPS.join(', ')}]\n`,
  );
  const server = await startTestServer(
    t,
    {
      log: { level: 'debug' },
      server: { trusted_proxies: ['127.0.0.1/32'] },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'example.com', authelia_url: PORTAL }] },
      access_control: {
        default_policy: 'deny',
        rules: [
          { domain: PUBLIC, policy: 'bypass' },
          { domain: APP, resources: ['^/public/'], policy: 'bypass' },
          { domain: APP, resources: ['^/admin'], subject: 'group:admins', policy: 'two_factor' },
          { domain: APP, resources: ['^/admin'], policy: 'deny' },
          { domain: '*.example.com', policy: 'one_factor' },
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

/** One request as the back end received it, head only, bytes read as latin1. */
export interface BackendRequest {
  requestLine: string;
  method: string;
  /** The raw request-target (what Node would give as req.url). */
  target: string;
  headers: ReadonlyArray<readonly [name: string, value: string]>;
}

export interface RecordingBackend {
  address: string;
  /** The requests received since the last call. */
  take(): BackendRequest[];
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * The application behind the proxy: a raw TCP server (no HTTP parser between the wire and the
 * record, so nothing is normalized or refused on the way), answering every request 200 and
 * closing the connection.
 */
export async function startRecordingBackend(t: Test): Promise<RecordingBackend> {
  let received: BackendRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let bytes = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      const end = bytes.indexOf(HEAD_END);
      if (end < 0) return;
      const [requestLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
      const parts = requestLine.split(' ');
      received.push({
        requestLine,
        method: parts[0] ?? '',
        target: parts.slice(1, -1).join(' '),
        headers: lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
        }),
      });
      bytes = Buffer.alloc(0);
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nX-Served-By: echo\r\nConnection: close\r\n\r\nserved.\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    take() {
      const out = received;
      received = [];
      return out;
    },
  };
}

/** Gatehouse's log records written since the last call. */
export function logCursor(g: GatehouseUnderTest): () => LogFields[] {
  const lines = g.server.logger.lines;
  let seen = lines.length;
  return () => {
    const fresh = lines.slice(seen).map((line) => JSON.parse(line) as LogFields);
    seen = lines.length;
    return fresh;
  };
}

export type ProxyName = 'nginx' | 'Caddy';

/** Everything that happened for one case, through one proxy. */
export interface Observation {
  proxy: ProxyName;
  case: HostileCase;
  answer: RawAnswer;
  backend: BackendRequest[];
  /** `authz decision` records. */
  decisions: LogFields[];
  /** `authz target refused` records, or verify requests Gatehouse answered 400. */
  refusals: LogFields[];
  /** Gatehouse `request` records for routes other than the verify endpoints (another vhost answered). */
  otherGatehouseRequests: LogFields[];
}

export interface Lab {
  gatehouse: GatehouseUnderTest;
  backend: RecordingBackend;
  credentials: Credentials;
  log: () => LogFields[];
}

/** Sends one case through the proxy and collects what the back end and Gatehouse saw. */
export async function observe(lab: Lab, proxyName: ProxyName, proxy: RunningProxy, c: HostileCase): Promise<Observation> {
  lab.backend.take();
  lab.log();
  const tls = proxy.ca !== undefined ? { tls: { ca: proxy.ca, servername: c.sni ?? APP } } : {};
  const answer = await rawRequest({ port: proxy.port, ...tls }, requestBytes(c, lab.credentials));
  // The proxy may answer before its upstream connection is finished with: give stragglers a moment.
  await new Promise((resolve) => setImmediate(resolve));
  const records = lab.log();
  const isVerify = (r: LogFields) => r['msg'] === 'request' && typeof r['route'] === 'string' && r['route'].startsWith('authz_');
  const explicitRefusals = records.filter((r) => r['msg'] === 'authz target refused');
  return {
    proxy: proxyName,
    case: c,
    answer,
    backend: lab.backend.take(),
    decisions: records.filter((r) => r['msg'] === 'authz decision'),
    refusals: explicitRefusals.length > 0 ? explicitRefusals : records.filter((r) => isVerify(r) && r['status'] === 400),
    otherGatehouseRequests: records.filter((r) => r['msg'] === 'request' && !isVerify(r)),
  };
}

export type Outcome =
  | 'served'
  | 'refused by the proxy'
  | 'refused by Gatehouse (400)'
  | 'denied or unauthenticated'
  | 'allowed, not served'
  | 'answered by Gatehouse through another vhost'
  | 'answered by the proxy itself (host not served)';

export interface Verdict {
  outcome: Outcome;
  /** Broken assertions (mismatches): each one fails the suite. */
  problems: string[];
  /** Worth recording, not failing: a proxy's 505 for an HTTP version it does not speak. */
  notes: string[];
}

/**
 * The four assertions of the issue, for one observation:
 * 1. served ⇒ exactly one decision, an allow, for the same host, method and a path the back end reads the same way;
 * 2. refused by Gatehouse ⇒ not served;
 * 3. no client-sent Remote-* header reaches the back end, and no `remote_*` underscore name at all;
 * 4. a refusal reaches the client as 400; no 5xx, except a proxy's 505 for an HTTP version it does
 *    not speak.
 */
export function judge(o: Observation): Verdict {
  const problems: string[] = [];
  const notes: string[] = [];
  const served = o.backend.length > 0;

  if (served) {
    if (o.backend.length !== 1) problems.push(`the back end received ${o.backend.length} requests`);
    if (o.decisions.length !== 1) problems.push(`Gatehouse made ${o.decisions.length} decisions for one served request`);
    const decision = o.decisions[0];
    const got = o.backend[0];
    if (decision !== undefined) {
      if (decision['decision'] !== 'allow') problems.push(`served although Gatehouse decided ${String(decision['decision'])}`);
      const backendHost = hostWithoutPort((headerIn(got.headers, 'host') ?? '').toLowerCase());
      const decidedHost = hostWithoutPort(fieldText(decision['target_host']));
      if (backendHost !== decidedHost) problems.push(`host: the back end got '${backendHost}', Gatehouse decided on '${decidedHost}'`);
      // RFC 9110 §9.1: methods are case-sensitive; a `methods` rule must judge the method served.
      if (decision['method'] !== got.method) problems.push(`method: the back end got '${got.method}', Gatehouse decided for '${String(decision['method'])}'`);
      const targetPath = decision['target_path'];
      if (typeof targetPath !== 'string') problems.push('Gatehouse logged no target_path for its decision');
      else {
        const pathProblem = samePathProblem(got.target, targetPath);
        if (pathProblem !== null) problems.push(`path: ${pathProblem}`);
      }
    }
    problems.push(...remoteHeaderProblems(o.case, got));
  }

  if (o.refusals.length > 0 && served) problems.push('Gatehouse refused the target but the back end received the request');

  // Gatehouse's 400 (401 from the legacy /api/verify) reaches the client as it is (nginx's example
  // maps auth_request's 500 back to it).
  if (o.refusals.length > 0 && !served && o.answer.status !== 400 && o.answer.status !== 401) problems.push(`Gatehouse refused, but the client got ${o.answer.statusLine}, not 400`);
  if (o.answer.status >= 500 && !(o.refusals.length > 0 && !served)) {
    // RFC 9110 §15.6.6: 505 is how a server refuses the request line's HTTP version, before anything is forwarded.
    const versionRefused = o.answer.status === 505 && !served && o.decisions.length === 0 && o.refusals.length === 0;
    if (versionRefused) notes.push(`${o.proxy} refused the HTTP version with 505`);
    else problems.push(`answered ${o.answer.statusLine}`);
  }

  return { outcome: outcomeOf(o), problems, notes };
}

function outcomeOf(o: Observation): Outcome {
  if (o.backend.length > 0) return 'served';
  if (o.refusals.length > 0) return 'refused by Gatehouse (400)';
  if (o.decisions.length > 0) return o.decisions.some((d) => d['decision'] === 'allow') ? 'allowed, not served' : 'denied or unauthenticated';
  if (o.otherGatehouseRequests.length > 0) return 'answered by Gatehouse through another vhost';
  return o.answer.status === 0 || o.answer.status >= 400 ? 'refused by the proxy' : 'answered by the proxy itself (host not served)';
}

function headerIn(headers: BackendRequest['headers'], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** A logged field as String() prints it; `absent` when the record has none. */
export function fieldText(value: unknown, absent = ''): string {
  const present: unknown = value ?? absent; // `unknown`, not `{}`: a log field may be any JSON value
  return String(present);
}

/** `host[:port]` → host; a bracketed IPv6 literal keeps its brackets. */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close < 0 ? host : host.slice(0, close + 1);
  }
  return host.replace(/:\d*$/, '');
}

const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** RFC 3986 §6.2.2.1/§6.2.2.2: escapes of unreserved characters decoded, all others upper-cased. */
export function normalizeEscapes(path: string): string {
  return path.replace(ESCAPE, (_escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * Does the back end's raw request-target name the resource Gatehouse decided on (`targetPath`),
 * read without any reinterpretation? null when it does, else why not. Strict on purpose: a back
 * end that resolves dot segments, reads `\` as `/`, merges `//`, or strips `;params` after
 * Gatehouse matched the raw text could serve something else, so all of those count as mismatches.
 */
export function samePathProblem(backendTarget: string, targetPath: string): string | null {
  const query = backendTarget.indexOf('?');
  const raw = query < 0 ? backendTarget : backendTarget.slice(0, query);
  const show = `the back end got '${printableBytes(backendTarget.slice(0, 200))}', Gatehouse decided on '${printableBytes(targetPath.slice(0, 200))}'`;
  if (!raw.startsWith('/')) return `not an origin-form path: ${show}`;
  if (raw.includes('\\')) return `a backslash: ${show}`;
  if (raw.includes('//')) return `an empty segment: ${show}`;
  for (const segment of raw.split(/\/|%2f|%5c|\\/i)) {
    const plain = segment.replace(/%2e/gi, '.').split(';')[0];
    if (plain === '.' || plain === '..') return `a dot segment '${segment}': ${show}`;
  }
  if (normalizeEscapes(raw) !== normalizeEscapes(targetPath)) return `different paths: ${show}`;
  return null;
}

/** Assertion 3: the client's Remote-* claims never reach the back end; no `remote_*` names at all. */
function remoteHeaderProblems(c: HostileCase, got: BackendRequest): string[] {
  const problems: string[] = [];
  const spoofed = new Set(spoofedHeaders(c).map(([, value]) => value));
  for (const [name, value] of got.headers) {
    if (!/^remote[-_]/i.test(name)) continue;
    if (name.includes('_')) problems.push(`the back end received the underscore header '${name}: ${value}'`);
    else if (spoofed.has(value) || value.includes(SPOOF_PREFIX)) problems.push(`the back end received the client's '${name}: ${value}'`);
  }
  return problems;
}

function printableBytes(bytes: string): string {
  return bytes.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One line per observation for failure messages: what the client, the back end and Gatehouse saw. */
export function summarize(o: Observation): string {
  const decisions = o.decisions.map((d) => `${String(d['decision'])} ${String(d['target_host'])}${fieldText(d['target_path'], '(no target_path)')}`).join(', ') || 'none';
  const refusals = o.refusals.map((r) => String(r['reason'] ?? r['status'])).join(', ') || 'none';
  const backend = o.backend.map((b) => `${printableBytes(b.requestLine.slice(0, 200))} Host: ${printableBytes(headerIn(b.headers, 'host') ?? '(none)')}`).join(', ') || 'nothing';
  return `${o.proxy} answered ${o.answer.statusLine || o.answer.error || '(nothing)'}; the back end received: ${backend}; Gatehouse decided: ${decisions}; refused: ${refusals}`;
}
