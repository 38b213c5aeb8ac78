/**
 * The authorization endpoint in process (issue #19): the clients of the e2e tests
 * (test/e2e/authorization-code-flow.test.ts, response-types.test.ts), a request built from
 * parameters, and the authorization response read back the way the client reads it.
 */
import type { Test } from 'tap';
import { startInProcess, type Answer, type InProcessApp } from '../helpers/in-process.js';

/** config.yml's demo client: an http redirect URI (http://localhost, RFC 8252 §8.3). */
export const CALLBACK = 'http://localhost:8080/callback';
/** A registered redirect URI with a query of its own, which every response must keep (RFC 6749 §3.1.2). */
export const TENANT_CALLBACK = 'https://app.example.com/cb?tenant=7';
export const STATE = 'state-0123456789';
export const NONCE = 'nonce-0123456789';
export const AUTHORIZATION_PATH = '/api/oidc/authorization';

const ALL_TYPES = ['code', 'id_token token', 'id_token', 'token', 'code token', 'code id_token', 'code id_token token'];
const ALL_MODES = ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'];

/**
 * `app`: confidential, every response type and mode (as response-types.test.ts); `spa`: public,
 * so PKCE is required (enforce_pkce defaults to public_clients_only); `plain-app`: the schema's
 * defaults for types and modes. All sign in with one factor and consent implicitly.
 */
export const CLIENTS = [
  {
    client_id: 'app',
    client_secret: '$plaintext$app-secret-0123456789-abcdefghij',
    redirect_uris: [CALLBACK, TENANT_CALLBACK],
    scopes: ['openid', 'profile', 'email'],
    grant_types: ['authorization_code', 'implicit'],
    response_types: ALL_TYPES,
    response_modes: ALL_MODES,
    authorization_policy: 'one_factor',
    consent_mode: 'implicit',
  },
  {
    client_id: 'spa',
    public: true,
    redirect_uris: [CALLBACK],
    scopes: ['openid'],
    grant_types: ['authorization_code'],
    authorization_policy: 'one_factor',
    consent_mode: 'implicit',
  },
  {
    client_id: 'plain-app',
    client_secret: '$plaintext$plain-secret-0123456789-abcdefghij',
    redirect_uris: [CALLBACK],
    scopes: ['openid'],
    authorization_policy: 'one_factor',
    consent_mode: 'implicit',
  },
];

export function startAuthorization(t: Test): Promise<InProcessApp> {
  return startInProcess(t, { identity_providers: { oidc: { enable_client_debug_messages: true, clients: CLIENTS } } });
}

/** The request's query: client `app`, CALLBACK, `openid profile`, STATE, `code`, then `params` (null leaves a parameter out). */
export function authorizationQuery(params: Record<string, string | null> = {}): string {
  const all: Record<string, string | null> = { client_id: 'app', redirect_uri: CALLBACK, scope: 'openid profile', state: STATE, response_type: 'code', ...params };
  return new URLSearchParams(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null)).toString();
}

export function authorize(app: InProcessApp, params: Record<string, string | null> = {}, cookie?: string): Promise<Answer> {
  return app.send({ url: `${AUTHORIZATION_PATH}?${authorizationQuery(params)}`, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
}

/** The authorization response as the client receives it: where to, how, and its parameters in order. */
export interface Delivered {
  /** The redirect URI without the response's parameters (its own query kept). */
  to: string;
  delivery: 'query' | 'fragment' | 'form_post';
  params: URLSearchParams;
}

/**
 * A 302's Location (the query less the redirect URI's own `keepQuery` parameters, or the
 * fragment), or a form_post page's form (its action and hidden fields, entities decoded).
 */
export function delivered(answer: Answer, keepQuery: readonly string[] = []): Delivered {
  if (answer.status === 302) {
    const url = new URL(String(answer.headers['location']));
    if (url.hash !== '') {
      const params = new URLSearchParams(url.hash.slice(1));
      url.hash = '';
      return { to: url.href, delivery: 'fragment', params };
    }
    const params = new URLSearchParams([...url.searchParams].filter(([name]) => !keepQuery.includes(name)));
    for (const name of [...url.searchParams.keys()]) if (!keepQuery.includes(name)) url.searchParams.delete(name);
    return { to: url.href, delivery: 'query', params };
  }
  const action = /<form method="post" action="([^"]*)">/.exec(answer.body)?.[1];
  if (answer.status !== 200 || action === undefined) throw new Error(`not an authorization response: ${answer.status} ${answer.body.slice(0, 200)}`);
  const params = new URLSearchParams([...answer.body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m): [string, string] => [unescapeHtml(m[1]), unescapeHtml(m[2])]));
  return { to: unescapeHtml(action), delivery: 'form_post', params };
}

/** The inverse of src/util/html.ts escapeHtml (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** BASE_SECURITY_HEADERS (src/http/headers.ts) as written on every answer of the endpoint. */
export const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' } as const;

/** Every header of a 302 to the client: the security headers, Location, no body. */
export function redirectHeaders(location: string): Record<string, string> {
  return { ...SECURITY_HEADERS, location, 'content-length': '0' };
}

/** The portal's Content-Security-Policy (src/http/headers.ts), on the endpoint's error page. */
export const PORTAL_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** Every header of a portal page (the error page): PAGE_SECURITY_HEADERS, HTML, its length. */
export function pageHeaders(body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PORTAL_CSP,
    'cross-origin-opener-policy': 'same-origin',
    ...extra,
    'content-length': String(Buffer.byteLength(body)),
  };
}

/** The message of a portal error page (`<p role="alert" class="error">`), as written (escaped). */
export function alertOf(body: string): string | undefined {
  return /<p role="alert" class="error">([^<]*)<\/p>/.exec(body)?.[1];
}
