/**
 * Legacy: Authelia's `/api/verify`, for proxies configured before the authz endpoints. The target
 * is `X-Original-URL`, else the X-Forwarded-* headers; the method `X-Original-Method`, else
 * `X-Forwarded-Method`, else GET. Every failure is 401, as that endpoint always answered.
 */
import { checkedMethod, forwardedTarget, headerValue, originalTarget, rejected, UNTRUSTED_REASON } from './target-headers.js';
import type { ProxyKind, ProxyRequestView, TargetResult } from './types.js';
import { redirectBrowsers } from './unauthorized.js';

function target(req: ProxyRequestView): TargetResult {
  if (!req.fromTrustedProxy) return rejected(401, UNTRUSTED_REASON);
  const url = headerValue(req, 'X-Original-URL') !== undefined ? originalTarget(req) : forwardedTarget(req);
  if (!url.ok) return rejected(401, url.reason);
  const original = headerValue(req, 'X-Original-Method');
  const forwarded = headerValue(req, 'X-Forwarded-Method');
  const disagreement = setsDisagree(req, url.value, original, forwarded);
  if (disagreement !== null) return rejected(401, disagreement);
  const method =
    original !== undefined
      ? checkedMethod(original, 'X-Original-Method')
      : forwarded !== undefined
        ? checkedMethod(forwarded, 'X-Forwarded-Method')
        : checkedMethod('GET', 'the default method');
  if (!method.ok) return rejected(401, method.reason);
  return { ok: true, url: url.value, method: method.value };
}

/**
 * A proxy that speaks X-Forwarded-* (Caddy, Traefik) passes a client's own X-Original-URL on, and
 * Authelia's old nginx snippet sends both sets, equal. So when both are present they must name the
 * same target and method; otherwise the client chose one of them, and the request is refused.
 */
function setsDisagree(req: ProxyRequestView, url: URL, original: string | undefined, forwarded: string | undefined): string | null {
  // The methods first, whether or not X-Original-URL came: a client's own X-Original-Method beside
  // the proxy's X-Forwarded-Method would otherwise choose the method a `methods` rule sees.
  if (original !== undefined && forwarded !== undefined && original !== forwarded) return 'X-Original-Method and X-Forwarded-Method differ';
  if (headerValue(req, 'X-Original-URL') === undefined) return null;
  const hasForwarded = headerValue(req, 'X-Forwarded-Host') !== undefined || headerValue(req, 'X-Forwarded-Uri') !== undefined;
  if (hasForwarded) {
    const other = forwardedTarget(req);
    if (!other.ok || other.value.href !== url.href) return 'X-Original-URL and X-Forwarded-Host/-Uri name different targets';
  }
  return null;
}

export const legacy: ProxyKind = Object.freeze({ target, unauthorized: redirectBrowsers });
