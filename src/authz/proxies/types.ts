/** The shape every proxy kind shares: where its target comes from, and how it says "sign in first". */
export type { AuthzImplementation } from '../../config/index.js';

/** What a proxy kind reads from the verify request. */
export interface ProxyRequestView {
  /** The verify request's own method. */
  method: string;
  /** The path (and query) actually requested, e.g. `/api/authz/ext-authz/app?x=1`. */
  path: string;
  /** The configured endpoint path, e.g. `/api/authz/ext-authz`. */
  endpointPath: string;
  /** A request header by case-insensitive name; undefined when absent. */
  header(name: string): string | undefined;
  /** The TCP peer is in `server.trusted_proxies`: only then are X-Forwarded-* / X-Original-* believed. */
  fromTrustedProxy: boolean;
}

export type TargetResult = { ok: true; url: URL; method: string } | { ok: false; status: 400 | 401; reason: string };

export interface UnauthorizedInput {
  /** The portal's base URL; '' when unknown (then no redirect can be offered). */
  portalUrl: string;
  targetUrl: string;
  /** The target's method, sent to the portal as `rm`. */
  method: string;
  isBrowser: boolean;
}

export interface UnauthorizedAnswer {
  status: 302 | 303 | 401;
  location?: string;
}

export interface ProxyKind {
  /** The target URL (normalized, https/wss) and method the proxy is asking about, from its headers. */
  target(req: ProxyRequestView): TargetResult;
  /** How to answer a request that must authenticate first. */
  unauthorized(input: UnauthorizedInput): UnauthorizedAnswer;
}
