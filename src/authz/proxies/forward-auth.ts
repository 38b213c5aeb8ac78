/**
 * ForwardAuth: Traefik `forwardAuth`, Caddy `forward_auth`. The target is
 * `X-Forwarded-Proto://X-Forwarded-Host X-Forwarded-Uri`, the method `X-Forwarded-Method` (required).
 */
import { checkedMethod, forwardedTarget, headerValue, rejected, UNTRUSTED_REASON } from './target-headers.js';
import type { ProxyKind, ProxyRequestView, TargetResult } from './types.js';
import { redirectBrowsers } from './unauthorized.js';

function target(req: ProxyRequestView): TargetResult {
  if (!req.fromTrustedProxy) return rejected(400, UNTRUSTED_REASON);
  const url = forwardedTarget(req);
  if (!url.ok) return rejected(400, url.reason);
  const method = checkedMethod(headerValue(req, 'X-Forwarded-Method'), 'X-Forwarded-Method');
  if (!method.ok) return rejected(400, method.reason);
  return { ok: true, url: url.value, method: method.value };
}

export const forwardAuth: ProxyKind = Object.freeze({ target, unauthorized: redirectBrowsers });
