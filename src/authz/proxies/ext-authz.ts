/**
 * ExtAuthz: Envoy `ext_authz` (HTTP service). Envoy sends the original request to
 * `<endpoint><original path>` with the original method and Host, plus `X-Forwarded-Proto`:
 * `/api/authz/ext-authz/app/x?y=1` asks about `/app/x?y=1`.
 */
import { checkedMethod, headerValue, rejected, targetFromParts, UNTRUSTED_REASON } from './target-headers.js';
import type { ProxyKind, ProxyRequestView, TargetResult } from './types.js';
import { redirectBrowsers } from './unauthorized.js';

/** The part of `path` after the endpoint prefix, at a `/` or `?` boundary; null when not below it. */
export function pathAfterPrefix(path: string, endpointPath: string): string | null {
  const prefix = endpointPath.endsWith('/') ? endpointPath.slice(0, -1) : endpointPath;
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  if (rest === '') return '/';
  if (rest.startsWith('?')) return `/${rest}`;
  return rest.startsWith('/') ? rest : null;
}

function target(req: ProxyRequestView): TargetResult {
  if (!req.fromTrustedProxy) return rejected(400, UNTRUSTED_REASON);
  const pathAndQuery = pathAfterPrefix(req.path, req.endpointPath);
  if (pathAndQuery === null) return rejected(400, `the request path is not below ${req.endpointPath}`);
  const url = targetFromParts(headerValue(req, 'X-Forwarded-Proto'), headerValue(req, 'Host'), 'Host', pathAndQuery);
  if (!url.ok) return rejected(400, url.reason);
  const method = checkedMethod(req.method, 'the request method');
  if (!method.ok) return rejected(400, method.reason);
  return { ok: true, url: url.value, method: method.value };
}

export const extAuthz: ProxyKind = Object.freeze({ target, unauthorized: redirectBrowsers });
