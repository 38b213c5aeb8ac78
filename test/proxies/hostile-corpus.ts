/**
 * The hostile requests of the differential suite (issue #11, "Differential tests at the
 * boundary"): every way a client can make a proxy and Gatehouse disagree about which resource a
 * request is for, generated from small lists (hosts × paths × request-line forms × headers ×
 * credentials), each with a readable name. Pure data: the bytes are built later by
 * `requestBytes`, which adds the credential and `Connection: close`.
 *
 * Strings here are byte strings: one character per byte (latin1), so a raw UTF-8 or 0xFF byte is
 * written as what it is on the wire (`utf8Bytes('é')` is two characters).
 */

export const APP = 'app.example.com';
export const PUBLIC = 'public.example.com';
export const OTHER = 'other.example.com';
export const AUTH = 'auth.example.com';

export type Credential = 'anonymous' | 'session' | 'bearer';

export interface HostileCase {
  name: string;
  method: string;
  /** The request-target exactly as written on the request line. */
  target: string;
  /** As written: HTTP/1.1, HTTP/1.0, or something a proxy should refuse. */
  version: string;
  /** Header fields in order, as written; Host only if listed here. */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  credential: Credential;
  /** Caddy (TLS): the SNI server name; app.example.com when absent. */
  sni?: string;
}

/** What the client claims in every Remote-* header it sends: never to reach the backend. */
export const SPOOF_PREFIX = 'spoofed-by-client';

export interface Credentials {
  /** Cookie header value of a signed-in (one_factor, non-admin) session. */
  cookie: string;
  /** An access token for https://app.example.com. */
  token: string;
}

/** The request head as sent: the case's line and headers, its credential, `Connection: close`. */
export function requestBytes(c: HostileCase, credentials: Credentials): Buffer {
  const lines = [`${c.method} ${c.target} ${c.version}`, ...c.headers.map(([name, value]) => `${name}: ${value}`)];
  if (c.credential === 'session') lines.push(`Cookie: ${credentials.cookie}`);
  if (c.credential === 'bearer') lines.push(`Authorization: Bearer ${credentials.token}`);
  lines.push('Accept: text/html', 'Connection: close', '', '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** The UTF-8 bytes of `text` as a byte string. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The Remote-* header names (any spelling) a case sends, with the values it claims. */
export function spoofedHeaders(c: HostileCase): Array<readonly [string, string]> {
  return c.headers.filter(([name]) => /^remote[-_]/i.test(name.trim()));
}

type Named<T> = readonly [name: string, value: T];

/** Paths that reach each access rule of the lab plainly. */
const PLAIN_PATHS: ReadonlyArray<Named<string>> = [
  ['/admin (deny for non-admins)', '/admin'],
  ['/public/x (bypass)', '/public/x'],
  ['/x (one_factor)', '/x'],
];

/** Paths written so that a careless reader finds /public (bypass) where another finds /admin. */
const HOSTILE_PATHS: ReadonlyArray<Named<string>> = [
  ['/admin/x', '/admin/x'],
  ['dot-dot raw', '/public/../admin'],
  ['dot-dot %2e%2e', '/public/%2e%2e/admin'],
  ['dot-dot %2E%2E%2F', '/public/%2E%2E%2Fadmin'],
  ['dot-dot %2e%2e%2f lower', '/public/%2e%2e%2fadmin'],
  ['dot-dot .%2e', '/public/.%2e/admin'],
  ['dot-dot %2e.', '/public/%2e./admin'],
  ['dot-dot ..%2f', '/public/..%2fadmin'],
  ['dot-dot double-encoded %252e', '/public/%252e%252e/admin'],
  ['dot segment /./admin', '/./admin'],
  ['dot segment %2e', '/%2e/admin'],
  ['dot then dot-dot', '/public/./../admin'],
  ['double slash //admin', '//admin'],
  ['double slash then dot-dot', '/public//../admin'],
  ['upper case /ADMIN', '/ADMIN'],
  ['encoded letter /%61dmin', '/%61dmin'],
  ['path parameter /admin;x', '/admin;x'],
  ['dot-dot path parameter ..;', '/public/..;/admin'],
  ['dot-dot path parameter ..;x=1', '/public/..;x=1/admin'],
  ['%2F inside a segment', '/admin%2Fx'],
  ['%2F around dot-dot', '/public%2F..%2Fadmin'],
  ['%00 then dot-dot', '/public/x%00/../../admin'],
  ['%00 after /admin', '/admin%00'],
  ['%0d%0a header injection', '/public/x%0d%0aRemote-User:%20admin'],
  ['backslash raw', '/public\\..\\admin'],
  ['backslash %5C', '/public%5C..%5Cadmin'],
  ['backslash issue item (3)', '/admin/x\\..\\..\\public/x'],
  ['backslash mixed with slash', '/public/..\\admin'],
  ['raw # before dot-dot', '/public/#/../../admin'],
  ['raw # after /admin', '/admin#/public/x'],
  ['raw # at the end', '/public/x#'],
  ['query holding dot-dot', '/public/x?/../../admin'],
  ['query right after /admin', '/admin?/public/x'],
  ['tab in the path', '/public/\t/../admin'],
  ['space in the path', '/public/ /../admin'],
  ['non-ASCII UTF-8 then dot-dot', `/public/${utf8Bytes('é')}/../admin`],
  ['non-ASCII under /admin', `/admin/${utf8Bytes('ü')}`],
  ['raw 0xFF byte', '/public/\xff/../admin'],
  ['8 KB path under /public', `/public/${'a'.repeat(8192)}`],
  ['8 KB path under /admin', `/admin/${'a'.repeat(8192)}`],
  ['no leading slash', 'admin'],
  ['asterisk-form', '*'],
  ['dot-dot mixed-case escapes %2E%2e', '/public/%2E%2e/admin'],
  ['trailing dot-dot', '/public/x/..'],
  ['trailing dot segment', '/public/.'],
  ['three dots (not a dot segment)', '/public/.../admin'],
  ['dot-dot then %00', '/public/..%00/admin'],
  ['overlong UTF-8 slash %c0%af', '/public/..%c0%afadmin'],
  ['IIS %u002e', '/public/%u002e%u002e/admin'],
  ['fullwidth dots raw', `/public/${utf8Bytes('\uff0e\uff0e')}/admin`],
  ['fullwidth dots encoded', '/public/%ef%bc%8e%ef%bc%8e/admin'],
  ['encoded ; before dot-dot', '/public/..%3b/admin'],
  ['raw # in the query', '/public/x?a=1#/../../admin'],
  ['characters URL parsers encode', '/public/{x}<y>"z"`'],
  ['%25 escape of an escape', '/public/%2561dmin'],
  // Attack review (test/proxies/attack-review.test.ts): held.
  ['@ inside the path', '/public/x@admin'],
  ['dot-dot then encoded ?', '/public/..%3F/admin'],
  ['dot-dot then encoded #', '/public/..%23/admin'],
  ['IIS %u fullwidth dots', '/public/%uff0e%uff0e/admin'],
  ['encoded letter then path parameter', '/%61dmin;x'],
];

/** Host header values: spellings of app.example.com, other hosts, and hosts smuggling one. */
const HOSTS: ReadonlyArray<Named<string>> = [
  ['APP.EXAMPLE.COM', 'APP.EXAMPLE.COM'],
  ['trailing dot', `${APP}.`],
  ['port :443', `${APP}:443`],
  ['port :0', `${APP}:0`],
  ['port :99999', `${APP}:99999`],
  ['user info app:x@public (item 1)', `${APP}:x@${PUBLIC}`],
  ['user info app@public', `${APP}@${PUBLIC}`],
  ['user info x@app', `x@${APP}`],
  ['user info app:x@other', `${APP}:x@${OTHER}`],
  ['backslash before @public', `${APP}\\@${PUBLIC}`],
  ['public (not served)', PUBLIC],
  ['other (not served)', OTHER],
  ['auth (the portal)', AUTH],
  ['IPv6 literal', '[::1]'],
  ['IPv6 literal :443', '[::1]:443'],
  ['IPv4 literal', '127.0.0.1'],
  ['empty', ''],
  ['long host (250 bytes)', `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(50)}.example.com`],
  ['comma list app,public', `${APP},${PUBLIC}`],
  ['space app public', `${APP} ${PUBLIC}`],
  ['tab inside', `${APP}\t.evil`],
  ['non-ASCII host', `${utf8Bytes('äpp')}.example.com`],
  ['path in Host', `${APP}/public/`],
  ['query in Host', `${APP}?`],
  ['hash in Host', `${APP}#`],
  ['percent-encoded dot', 'app%2eexample.com'],
  // Attack review: held.
  ['port with a leading zero :0443', `${APP}:0443`],
  ['port of letters', `${APP}:ab`],
  ['two ports', `${APP}:443:443`],
  ['underscore instead of a dot', 'app_example.com'],
];

/** Forwarding headers a client sends itself, hoping Gatehouse reads them as the proxy's. */
const CLIENT_FORWARDING: ReadonlyArray<Named<ReadonlyArray<readonly [string, string]>>> = [
  ['X-Original-URL public host', [['X-Original-URL', `https://${PUBLIC}/`]]],
  ['X-Original-URL /public path', [['X-Original-URL', `https://${APP}/public/x`]]],
  ['X-Original-URL twice', [['X-Original-URL', `https://${APP}/public/x`], ['X-Original-URL', `https://${PUBLIC}/`]]],
  ['X-Forwarded-Host public', [['X-Forwarded-Host', PUBLIC]]],
  ['X-Forwarded-Host twice', [['X-Forwarded-Host', PUBLIC], ['X-Forwarded-Host', APP]]],
  ['X-Forwarded-Uri /public', [['X-Forwarded-Uri', '/public/x']]],
  ['X-Forwarded-Uri twice', [['X-Forwarded-Uri', '/public/x'], ['X-Forwarded-Uri', '/public/y']]],
  ['X-Forwarded-Proto http', [['X-Forwarded-Proto', 'http']]],
  ['X-Forwarded-Method OPTIONS', [['X-Forwarded-Method', 'OPTIONS']]],
  ['X-Original-Method OPTIONS', [['X-Original-Method', 'OPTIONS']]],
  ['X-Forwarded-For 127.0.0.1', [['X-Forwarded-For', '127.0.0.1']]],
  ['Forwarded host=public', [['Forwarded', `host=${PUBLIC};proto=https`]]],
  ['X-Rewrite-URL /public', [['X-Rewrite-URL', '/public/x']]],
  ['all of them', [
    ['X-Original-URL', `https://${PUBLIC}/public/x`],
    ['X-Forwarded-Host', PUBLIC],
    ['X-Forwarded-Uri', '/public/x'],
    ['X-Forwarded-Proto', 'http'],
    ['X-Forwarded-Method', 'GET'],
  ]],
];

/** Remote-* spellings: hyphen or underscore, any case (CGI-style back ends fold them together). */
const REMOTE_SPELLINGS = ['Remote-User', 'Remote_User', 'REMOTE_USER', 'remote-user', 'Remote-Groups', 'Remote_Groups', 'REMOTE-EMAIL', 'Remote_Name'] as const;

const hostHeader = (host: string) => [['Host', host]] as const;

function one(name: string, target: string, headers: ReadonlyArray<readonly [string, string]>, extra: Partial<HostileCase> = {}): HostileCase {
  return { name, method: 'GET', target, version: 'HTTP/1.1', headers, credential: 'anonymous', ...extra };
}

/** The whole corpus, in a fixed order (the suite sends them one after another). */
export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);

  // Paths: every plain and hostile path on the app host.
  for (const [name, path] of [...PLAIN_PATHS, ...HOSTILE_PATHS]) add(one(`path ${name}: ${printable(path)}`, path, hostHeader(APP)));

  // Hosts: every Host spelling with the paths that reach each rule, and the sharpest hostile ones.
  const hostPaths: ReadonlyArray<Named<string>> = [...PLAIN_PATHS, ['dot-dot raw', '/public/../admin'], ['backslash item (3)', '/admin/x\\..\\..\\public/x']];
  for (const [hostName, host] of HOSTS) {
    for (const [pathName, path] of hostPaths) add(one(`Host ${hostName} × ${pathName}`, path, hostHeader(host)));
  }

  // Absolute-form request lines (RFC 9112 §3.2.2) against a conflicting or missing Host, both ways.
  const lineHosts: ReadonlyArray<Named<string>> = [['app', APP], ['public', PUBLIC], ['APP upper', 'APP.EXAMPLE.COM'], ['user info app:x@public', `${APP}:x@${PUBLIC}`]];
  const absoluteHostHeaders: ReadonlyArray<Named<string | null>> = [['Host public', PUBLIC], ['Host app', APP], ['Host other', OTHER], ['no Host', null]];
  const absolutePaths: ReadonlyArray<Named<string>> = [['/admin', '/admin'], ['/public/x', '/public/x'], ['/public/../admin', '/public/../admin']];
  for (const scheme of ['https', 'http']) {
    for (const [lineName, lineHost] of lineHosts) {
      for (const [headerName, header] of absoluteHostHeaders) {
        for (const [pathName, path] of absolutePaths) {
          add(one(`absolute-form ${scheme}://${lineName}${pathName} with ${headerName}`, `${scheme}://${lineHost}${path}`, header === null ? [] : hostHeader(header)));
        }
      }
    }
  }

  // Two Host headers (RFC 9112 §3.2: a 400), in both orders.
  const hostPairs: ReadonlyArray<Named<readonly [string, string]>> = [
    ['app then public', [APP, PUBLIC]],
    ['public then app', [PUBLIC, APP]],
    ['app then user-info public', [APP, `${APP}:x@${PUBLIC}`]],
    ['app then app', [APP, APP]],
  ];
  for (const [pairName, [first, second]] of hostPairs) {
    for (const [pathName, path] of PLAIN_PATHS) add(one(`two Host headers ${pairName} × ${pathName}`, path, [['Host', first], ['Host', second]]));
  }

  // Forwarding headers sent by the client.
  for (const [headersName, headers] of CLIENT_FORWARDING) {
    for (const [pathName, path] of PLAIN_PATHS) add(one(`client-sent ${headersName} × ${pathName}`, path, [...hostHeader(APP), ...headers]));
  }

  // Remote-* sent by the client, on requests that are served (bypass anonymously, one_factor signed in).
  for (const spelling of REMOTE_SPELLINGS) {
    const spoof = [spelling, `${SPOOF_PREFIX}-${spelling}`] as const;
    add(one(`client-sent ${spelling} × /public/x anonymous`, '/public/x', [...hostHeader(APP), spoof]));
    add(one(`client-sent ${spelling} × /x signed in`, '/x', [...hostHeader(APP), spoof], { credential: 'session' }));
    add(one(`client-sent ${spelling} × /x bearer`, '/x', [...hostHeader(APP), spoof], { credential: 'bearer' }));
  }
  add(one('client-sent every Remote-* spelling × /public/x', '/public/x', [...hostHeader(APP), ...REMOTE_SPELLINGS.map((s) => [s, `${SPOOF_PREFIX}-${s}`] as const)]));

  // Signed in (not an admin) and bearer: the smuggling hosts and paths must not open /admin.
  const credentialHosts: ReadonlyArray<Named<string>> = [['app', APP], ['user info app:x@public', `${APP}:x@${PUBLIC}`], ['user info app:x@other', `${APP}:x@${OTHER}`], ['public', PUBLIC], ['x@app', `x@${APP}`]];
  const credentialPaths: ReadonlyArray<Named<string>> = [['/admin', '/admin'], ['/x', '/x'], ['dot-dot raw', '/public/../admin'], ['backslash item (3)', '/admin/x\\..\\..\\public/x'], ['%2e%2e', '/public/%2e%2e/admin']];
  for (const credential of ['session', 'bearer'] as const) {
    for (const [hostName, host] of credentialHosts) {
      for (const [pathName, path] of credentialPaths) add(one(`${credential} × Host ${hostName} × ${pathName}`, path, hostHeader(host), { credential }));
    }
    for (const [pathName, path] of absolutePaths) add(one(`${credential} × absolute-form https://app${pathName} with Host public`, `https://${APP}${path}`, hostHeader(PUBLIC), { credential }));
    add(one(`${credential} × absolute-form https://app:x@other/admin with Host app`, `https://${APP}:x@${OTHER}/admin`, hostHeader(APP), { credential }));
  }

  // Signed in (one_factor: everything but /admin is allowed), so hostile paths are served and compared.
  for (const [name, path] of HOSTILE_PATHS) add(one(`session × path ${name}: ${printable(path)}`, path, hostHeader(APP), { credential: 'session' }));

  // Request-line versions and shapes.
  for (const [name, version] of [['HTTP/2.0', 'HTTP/2.0'], ['lower-case http/1.1', 'http/1.1'], ['HTTP/1.10', 'HTTP/1.10'], ['HTTP/9.9', 'HTTP/9.9']] as const) {
    add(one(`request line version ${name} × /public/../admin`, '/public/../admin', hostHeader(APP), { version }));
  }

  // HTTP/1.0 without Host, and methods.
  for (const [pathName, path] of [...PLAIN_PATHS, ['dot-dot raw', '/public/../admin'] as const]) add(one(`HTTP/1.0 without Host × ${pathName}`, path, [], { version: 'HTTP/1.0' }));
  add(one('HTTP/1.0 absolute-form https://app/admin without Host', `https://${APP}/admin`, [], { version: 'HTTP/1.0' }));
  for (const method of ['HEAD', 'OPTIONS', 'DELETE', 'get', 'PROPFIND', 'X-Y']) {
    for (const [pathName, path] of PLAIN_PATHS) add(one(`method ${method} × ${pathName}`, path, hostHeader(APP), { method }));
  }

  // Whitespace in the head.
  add(one('tab before the Host value', '/admin', [['Host', `\t${APP}`]]));
  add(one('space before the colon of Host', '/admin', [['Host ', PUBLIC], ['Host', APP]]));
  add(one('obs-fold Host continuation', '/admin', [['Host', `${APP}\r\n ${PUBLIC}`]]));
  add(one('space before colon of X-Original-URL', '/admin', [...hostHeader(APP), ['X-Original-URL ', `https://${PUBLIC}/`]]));
  add(one('double space in the request line', ' /admin', hostHeader(APP)));
  // Attack review: a header smuggled in another one's value, framing headers, upgrades (held).
  add(one('X-Original-URL hidden in an obs-fold of another header', '/admin', [...hostHeader(APP), ['X-Foo', `a\r\n X-Original-URL: https://${PUBLIC}/`]]));
  add(one('X-Original-URL behind a bare CR', '/admin', [...hostHeader(APP), ['X-Foo', `a\rX-Original-URL: https://${PUBLIC}/`]]));
  add(one('Transfer-Encoding chunked on a GET without body', '/admin', [...hostHeader(APP), ['Transfer-Encoding', 'chunked']]));
  add(one('Transfer-Encoding and Content-Length together', '/public/x', [...hostHeader(APP), ['Transfer-Encoding', 'chunked'], ['Content-Length', '4']], { method: 'POST' }));
  add(one('Upgrade: websocket × /admin', '/admin', [...hostHeader(APP), ['Upgrade', 'websocket'], ['Connection', 'Upgrade']]));
  add(one('Upgrade: h2c × /public/x', '/public/x', [...hostHeader(APP), ['Upgrade', 'h2c'], ['HTTP2-Settings', 'AAMAAABkAAQAAP__']]));
  for (const [name, target, host] of [
    ['https://app./public/x (trailing dot) with Host public', `https://${APP}./public/x`, PUBLIC],
    ['HTTPS://APP/public/x (upper case) with Host public', `HTTPS://${APP.toUpperCase()}/public/x`, PUBLIC],
    ['ws://app/public/x with Host app', `ws://${APP}/public/x`, APP],
    ['https://app:8443/admin with Host public', `https://${APP}:8443/admin`, PUBLIC],
    ['https://app?x (no path) with Host app', `https://${APP}?x`, APP],
    ['https://app?@public/admin (query right after the host) with Host app', `https://${APP}?@${PUBLIC}/admin`, APP],
    ['https://app:443?/admin with Host app', `https://${APP}:443?/admin`, APP],
  ] as const) add(one(`absolute-form ${name}`, target, hostHeader(host)));
  add(one('session × absolute-form https://app?/../admin (query right after the host)', `https://${APP}?/../admin`, hostHeader(APP), { credential: 'session' }));
  add(one('session × absolute-form https://app?/admin (query right after the host)', `https://${APP}?/admin`, hostHeader(APP), { credential: 'session' }));

  // TLS server name against Host (Caddy; nginx's test listener is plain).
  add(one('SNI auth, Host app × /admin', '/admin', hostHeader(APP), { sni: AUTH }));
  add(one('SNI auth, Host app × /public/x', '/public/x', hostHeader(APP), { sni: AUTH }));
  add(one('SNI app, Host auth × /admin', '/admin', hostHeader(AUTH)));

  // The verify endpoints asked by the client itself through the portal vhost, with its own target.
  add(one('portal vhost: client asks /api/authz/auth-request for public', '/api/authz/auth-request', [...hostHeader(AUTH), ['X-Original-URL', `https://${APP}/admin`], ['X-Original-Method', 'GET']]));
  add(one('portal vhost: client asks /api/authz/forward-auth', '/api/authz/forward-auth', [...hostHeader(AUTH), ['X-Forwarded-Host', APP], ['X-Forwarded-Uri', '/admin'], ['X-Forwarded-Method', 'GET'], ['X-Forwarded-Proto', 'https']]));
  add(one('app vhost: client asks the internal auth location', '/internal/authelia/authz', hostHeader(APP)));
  return cases;
}

/** A byte string as a readable name: control and non-ASCII bytes escaped, long runs cut. */
export function printable(bytes: string): string {
  const shown = bytes.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.replace(/(.)\1{15,}/g, (run, c: string) => `${c}×${run.length}`);
}
