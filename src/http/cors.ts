/**
 * Cross-origin resource sharing for the OIDC endpoints (Authelia's OpenID Connect provider configuration, "cors"; Fetch standard §3.2 "CORS protocol").
 * The policy is compiled once at start-up; `headersFor` is a pure look-up per request.
 * We answer only when the request carries `Origin`; a disallowed origin gets no CORS headers and
 * the browser blocks the read. No `Access-Control-Allow-Credentials`: browsers send tokens and
 * client credentials in the body or an explicit `Authorization` header, never as cookies here.
 */

/** The `cors` block of `identity_providers.oidc` minus `endpoints` (the routes decide that). */
export interface CorsOriginsConfig {
  readonly allowed_origins: readonly string[];
  readonly allowed_origins_from_client_redirect_uris: boolean;
}

/** What a preflight asks for (`Access-Control-Request-*`) and what the route answers to. */
export interface CorsPreflight {
  /** The route's methods, for `Access-Control-Allow-Methods`. */
  readonly methods: readonly string[];
  /** `Access-Control-Request-Headers` as sent (comma-separated), if any. */
  readonly requestHeaders?: string | undefined;
}

export interface CorsPolicy {
  /** The CORS headers for this origin, or null (no `Origin`, or not allowed). `preflight` null: an actual request. */
  headersFor(origin: string | undefined, preflight: CorsPreflight | null): Record<string, string> | null;
}

/** Fetch standard: a preflight is OPTIONS with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(method: string, origin: string | undefined, requestMethod: string | undefined): boolean {
  return method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined;
}

export const CORS_MAX_AGE_SECONDS = 86_400;
/** Always allowed: client authentication (RFC 6749 §2.3.1) and bearer tokens (RFC 6750 §2.1), form and JSON bodies. */
const BASE_ALLOWED_HEADERS = ['authorization', 'content-type'] as const;
/** A userinfo or introspection error's challenge (RFC 6750 §3) is readable by the calling script. */
const EXPOSED_HEADERS = 'WWW-Authenticate';
/** Requested headers we echo: RFC 9110 §5.6.2 tokens, bounded so a preflight cannot inflate the answer. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
const MAX_REQUESTED_HEADERS = 16;

type OriginRule = { kind: 'any' } | { kind: 'https' } | { kind: 'list'; origins: ReadonlySet<string> };

export function compileCorsPolicy(cfg: CorsOriginsConfig, clientRedirectUris: readonly string[]): CorsPolicy {
  const rule = originRule(cfg, clientRedirectUris);
  return {
    headersFor(origin, preflight) {
      if (origin === undefined || !allows(rule, origin)) return null;
      const headers: Record<string, string> =
        rule.kind === 'any' ? { 'Access-Control-Allow-Origin': '*' } : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
      if (!preflight) return { ...headers, 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
      return {
        ...headers,
        'Access-Control-Allow-Methods': preflight.methods.join(', '),
        'Access-Control-Allow-Headers': allowedHeaders(preflight.requestHeaders).join(', '),
        'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
      };
    },
  };
}

/**
 * Authelia's OpenID Connect configuration, "allowed_origins": `*` alone allows every origin; an empty list (and the redirect-URI option off)
 * allows any https origin; otherwise exactly the listed origins plus, when enabled, the redirect URIs' origins.
 */
function originRule(cfg: CorsOriginsConfig, clientRedirectUris: readonly string[]): OriginRule {
  if (cfg.allowed_origins.includes('*')) return { kind: 'any' };
  if (cfg.allowed_origins.length === 0 && !cfg.allowed_origins_from_client_redirect_uris) return { kind: 'https' };
  const origins = new Set(cfg.allowed_origins);
  if (cfg.allowed_origins_from_client_redirect_uris) for (const origin of redirectUriOrigins(clientRedirectUris)) origins.add(origin);
  return { kind: 'list', origins };
}

/** Authelia's OpenID Connect configuration, "allowed_origins_from_client_redirect_uris": origins of http/https redirect URIs, except localhost. */
export function redirectUriOrigins(redirectUris: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const uri of redirectUris) {
    const url = parseUrl(uri);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === 'localhost') continue;
    origins.add(url.origin);
  }
  return [...origins];
}

function allows(rule: OriginRule, origin: string): boolean {
  switch (rule.kind) {
    case 'any':
      return true;
    case 'list':
      return rule.origins.has(origin);
    case 'https': {
      // Only a serialized origin (Fetch §3.1 `Origin`), never "null" or a URL with a path.
      const url = parseUrl(origin);
      return url !== null && url.protocol === 'https:' && url.origin === origin;
    }
  }
}

function allowedHeaders(requested: string | undefined): string[] {
  const names: string[] = [...BASE_ALLOWED_HEADERS];
  if (!requested) return names;
  const asked = requested.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (asked.length > MAX_REQUESTED_HEADERS) return names;
  for (const name of asked) if (HEADER_NAME.test(name) && !names.includes(name)) names.push(name);
  return names;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
