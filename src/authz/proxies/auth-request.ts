/**
 * AuthRequest: nginx `auth_request`. The target is `X-Original-URL`, the method
 * `X-Original-Method` (required). Unauthorized is always 401 + Location: auth_request passes
 * nothing else through, and the config maps it (`error_page 401 =302 $redirection_url`).
 */
import { checkedMethod, headerValue, originalTarget, rejected, UNTRUSTED_REASON } from './target-headers.js';
import type { ProxyKind, ProxyRequestView, TargetResult } from './types.js';
import { alwaysUnauthorized } from './unauthorized.js';

function target(req: ProxyRequestView): TargetResult {
  if (!req.fromTrustedProxy) return rejected(400, UNTRUSTED_REASON);
  const url = originalTarget(req);
  if (!url.ok) return rejected(400, url.reason);
  const method = checkedMethod(headerValue(req, 'X-Original-Method'), 'X-Original-Method');
  if (!method.ok) return rejected(400, method.reason);
  return { ok: true, url: url.value, method: method.value };
}

export const authRequest: ProxyKind = Object.freeze({ target, unauthorized: alwaysUnauthorized });
