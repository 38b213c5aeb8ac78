/**
 * The only changes the proxy tests make to the shipped `proxy-examples/` files: explicit string
 * substitutions (ports, upstream addresses, include paths, TLS). Each must match at least once,
 * so an example that drifts from what the test expects breaks the test instead of being silently
 * tested in some other shape.
 */
export interface Substitution {
  /** What the rule stands for, named in the error when it matches nothing. */
  why: string;
  find: string | RegExp;
  replace: string;
}

export function substitute(text: string, substitutions: readonly Substitution[]): string {
  let out = text;
  for (const s of substitutions) {
    const matches = typeof s.find === 'string' ? out.split(s.find).length - 1 : [...out.matchAll(globalRegex(s.find))].length;
    if (matches === 0) throw new Error(`example substitution '${s.why}' matched nothing: ${String(s.find)}`);
    out = typeof s.find === 'string' ? out.split(s.find).join(s.replace) : out.replace(globalRegex(s.find), () => s.replace);
  }
  return out;
}

function globalRegex(re: RegExp): RegExp {
  return re.flags.includes('g') ? re : new RegExp(re.source, `${re.flags}g`);
}

/** The placeholder addresses the examples use (README.md of each). */
export const PLACEHOLDERS = { gatehouse: '127.0.0.1:9091', app: '127.0.0.1:8080' } as const;

export interface NginxTestValues {
  gatehouse: string;
  app: string;
  /** Stands in for `listen 443 ssl`. */
  httpsPort: number;
  /** Stands in for `listen 80`. */
  httpPort: number;
  snippetsDir: string;
}

/**
 * nginx: TLS is the one structural change. `listen 443 ssl` + the certificate lines become a plain
 * `listen 127.0.0.1:<port>`, and `$scheme` (then `http`) is fixed to `https`, which is what it is
 * behind the real TLS listener.
 */
export function nginxTestSubstitutions(v: NginxTestValues): Substitution[] {
  return [
    { why: 'Gatehouse upstream address', find: PLACEHOLDERS.gatehouse, replace: v.gatehouse },
    { why: 'application upstream address', find: PLACEHOLDERS.app, replace: v.app },
    { why: 'TLS listener → plain listener on a test port', find: 'listen 443 ssl;', replace: `listen 127.0.0.1:${v.httpsPort};` },
    { why: 'no certificates on the plain listener', find: /^[ \t]*ssl_certificate(?:_key)?[ \t][^\n]*;\n/m, replace: '' },
    { why: 'http listener on a test port', find: 'listen 80;', replace: `listen 127.0.0.1:${v.httpPort};` },
    { why: 'snippets from the examples folder', find: '/etc/nginx/snippets/', replace: `${v.snippetsDir}/` },
  ];
}

/** The scheme as the TLS listener would report it (applied to site.conf and the snippets). */
export const NGINX_SCHEME_SUBSTITUTION: Substitution = { why: '$scheme behind TLS is https', find: '$scheme', replace: 'https' };

/** The port of the TLS listener the test port stands in for. */
export const NGINX_PORT_SUBSTITUTION: Substitution = { why: '$server_port of the TLS listener is 443', find: '$server_port', replace: '443' };

/** What a snippet gets of the two above: those of its variables it uses. */
export function nginxSnippetSubstitutions(text: string): Substitution[] {
  return [NGINX_SCHEME_SUBSTITUTION, NGINX_PORT_SUBSTITUTION].filter((s) => typeof s.find === 'string' && text.includes(s.find));
}

export interface CaddyTestValues {
  gatehouse: string;
  app: string;
}

/** Caddy: only the upstream addresses; ports and certificates come from a prepended global options block. */
export function caddyTestSubstitutions(v: CaddyTestValues): Substitution[] {
  return [
    { why: 'Gatehouse upstream address', find: PLACEHOLDERS.gatehouse, replace: v.gatehouse },
    { why: 'application upstream address', find: PLACEHOLDERS.app, replace: v.app },
  ];
}

export interface CaddyGlobals {
  httpPort: number;
  httpsPort: number;
  storageDir: string;
}

/**
 * Caddy's global options for the test: no admin API, its own internal CA instead of ACME (not
 * installed into the system trust store), test ports, storage in the temp dir. The site blocks
 * stay as shipped, and Caddy really terminates TLS, so X-Forwarded-Proto is https on its own.
 */
export function caddyTestGlobals(g: CaddyGlobals): string {
  return [
    '{',
    '\tadmin off',
    '\tlocal_certs',
    '\tskip_install_trust',
    '\tauto_https disable_redirects',
    `\thttp_port ${g.httpPort}`,
    `\thttps_port ${g.httpsPort}`,
    '\tdefault_bind 127.0.0.1',
    `\tstorage file_system ${g.storageDir}`,
    '}',
    '',
  ].join('\n');
}
