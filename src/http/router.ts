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
  /** Cross-origin access (003 "cors.endpoints"): headers on every answer and preflight OPTIONS answered by the server. */
  cors?: CorsPolicy;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; handler: Handler }
  | { kind: 'method_not_allowed'; route: Route; allow: string[] }
  | { kind: 'not_found' };

export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: Route[] = [];

  constructor(routes: readonly Route[] = []) {
    for (const route of routes) this.add(route);
  }

  add(route: Route): this {
    if (this.exact.has(route.path)) throw new Error(`duplicate route for ${route.path}`);
    this.exact.set(route.path, route);
    if (route.prefix) {
      this.prefixes.push(route);
      this.prefixes.sort((a, b) => b.path.length - a.path.length);
    }
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const route = this.exact.get(path) ?? this.prefixes.find((r) => path.startsWith(r.path + '/'));
    if (!route) return { kind: 'not_found' };
    const handler = route.methods[method as Method] ?? (method === 'HEAD' ? route.methods.GET : undefined) ?? route.methods['*'];
    if (handler) return { kind: 'found', route, handler };
    return { kind: 'method_not_allowed', route, allow: allowedMethods(route) };
  }

  routes(): Route[] {
    return [...this.exact.values()];
  }
}

/** The methods a route answers (HEAD with GET), for `Allow` and `Access-Control-Allow-Methods`. */
export function allowedMethods(route: Route): string[] {
  const methods = Object.keys(route.methods) as (Method | '*')[];
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return methods.filter((m) => m !== '*');
}
