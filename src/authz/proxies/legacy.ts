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
  const method =
    original !== undefined
      ? checkedMethod(original, 'X-Original-Method')
      : forwarded !== undefined
        ? checkedMethod(forwarded, 'X-Forwarded-Method')
        : checkedMethod('GET', 'the default method');
  if (!method.ok) return rejected(401, method.reason);
  return { ok: true, url: url.value, method: method.value };
}

export const legacy: ProxyKind = Object.freeze({ target, unauthorized: redirectBrowsers });
