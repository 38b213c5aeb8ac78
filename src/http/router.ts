/**
 * Method + path routing. Exact paths are a Map look-up; a few routes (ext-authz) match a prefix.
 * Route names, never raw paths, label metrics and logs (bounded cardinality).
 */
import type { HttpRequest } from './request.js';
import type { HttpResponse } from './response.js';
import type { CorsPolicy } from './cors.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
export type Handler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;

/** How errors on this route are rendered (src/http/render-error.ts). */
export type ErrorStyle = 'oauth' | 'api' | 'page';

export interface Route {
  name: string;
  path: string;
  /** Match every path below `path` too (ext-authz carries the target path after its prefix). */
  prefix?: boolean;
  /** Handlers by method; '*' answers any method. HEAD falls back to GET. */
  methods: Partial<Record<Method | '*', Handler>>;
  errorStyle: ErrorStyle;
  /** The access-log level: the verify hot path logs at debug. */
  accessLogLevel?: 'debug' | 'info';
  /** false: no browser security headers (answers read by a proxy, not rendered: the verify endpoints). */
  securityHeaders?: boolean;
  /** Cross-origin access (Authelia's OpenID Connect provider configuration, "cors.endpoints"): headers on every answer and preflight OPTIONS answered by the server. */
  cors?: CorsPolicy;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; handler: Handler }
  | { kind: 'method_not_allowed'; route: Route; allow: string[] }
  | { kind: 'not_found' };

/** A route with its matches by method, made on first use (they are immutable). */
interface Entry {
  route: Route;
  byMethod: Map<string, RouteMatch>;
}

export class Router {
  private readonly exact = new Map<string, Entry>();
  private readonly prefixes: Entry[] = [];

  constructor(routes: readonly Route[] = []) {
    for (const route of routes) this.add(route);
  }

  add(route: Route): this {
    if (this.exact.has(route.path)) throw new Error(`duplicate route for ${route.path}`);
    const entry: Entry = { route, byMethod: new Map() };
    this.exact.set(route.path, entry);
    if (route.prefix) {
      this.prefixes.push(entry);
      this.prefixes.sort((a, b) => b.route.path.length - a.route.path.length);
    }
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const entry = this.exact.get(path) ?? this.prefixes.find((e) => path.startsWith(e.route.path + '/'));
    if (!entry) return NOT_FOUND;
    // Matches are immutable: made once per route and method, not per request.
    let match = entry.byMethod.get(method);
    if (match === undefined) {
      match = matchMethod(entry.route, method);
      if (entry.byMethod.size < 16) entry.byMethod.set(method, match);
    }
    return match;
  }

  routes(): Route[] {
    return [...this.exact.values()].map((entry) => entry.route);
  }
}

const NOT_FOUND: RouteMatch = Object.freeze({ kind: 'not_found' });

function matchMethod(route: Route, method: string): RouteMatch {
  const handler = route.methods[method as Method] ?? (method === 'HEAD' ? route.methods.GET : undefined) ?? route.methods['*'];
  if (handler) return Object.freeze({ kind: 'found', route, handler });
  return Object.freeze({ kind: 'method_not_allowed', route, allow: allowedMethods(route) });
}

/** The methods a route answers (HEAD with GET), for `Allow` and `Access-Control-Allow-Methods`. */
export function allowedMethods(route: Route): string[] {
  const methods = Object.keys(route.methods) as (Method | '*')[];
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return methods.filter((m) => m !== '*');
}
