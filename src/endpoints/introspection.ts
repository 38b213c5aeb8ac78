/**
 * POST /api/oidc/introspection (RFC 7662). Pipeline: no-cache answers → form body without
 * duplicate parameters → client authentication (§2.1: the caller must be authorized; public
 * clients, which prove nothing, are refused) → find the token, the hint only ordering the
 * look-ups → §2.2 answer.
 *
 * Who may introspect what: like Authelia, any authenticated confidential client may introspect
 * any token (the resource servers that call this are registered clients, and the token's own
 * `client_id` and `aud` in the answer let them decide). RFC 7662 §4 allows a narrower policy; we
 * do not apply one.
 */
import type { AppContext } from '../context.js';
import { json, type HttpResponse } from '../http/response.js';
import type { HttpRequest } from '../http/request.js';
import type { Route } from '../http/router.js';
import type { RegisteredClient } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import { findToken, isTokenActive, parseTokenTypeHint, type FoundToken } from '../oauth/find-token.js';
import { grantSessionFromJson } from '../oauth/grant-session.js';
import { requiredParameter } from '../oauth/parameters.js';
import { formatScope } from '../oauth/scopes.js';
import { OIDC_PATHS } from '../oidc/endpoint-paths.js';
import { NO_STORE_HEADERS, clientAuthRequestOf, noStore, readForm } from './back-channel.js';

export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: 'Bearer' | 'refresh_token';
  exp?: number;
  iat?: number;
  sub?: string;
  aud?: string[];
  iss?: string;
}

/** RFC 7662 §2.1: the protected resource must authenticate; a public client has no credential to do so. */
export function requireConfidentialCaller(client: RegisteredClient): void {
  if (client.config.public || client.config.token_endpoint_auth_method === 'none') {
    throw new OAuthError('invalid_client', 'A public client may not introspect tokens (RFC 7662 §2.1).', { status: 401 });
  }
}

/** RFC 7662 §2.2: `{active:false}` and nothing else for unknown, expired, consumed or revoked tokens. */
export function introspectionOf(found: FoundToken | null, issuer: string, nowMs: number): IntrospectionResponse {
  if (!found || !isTokenActive(found.record, nowMs)) return { active: false };
  const { record, kind } = found;
  const session = grantSessionFromJson(record.session);
  const answer: IntrospectionResponse = {
    active: true,
    scope: formatScope(record.granted_scopes),
    client_id: record.client_id,
    token_type: kind === 'access_token' ? 'Bearer' : 'refresh_token',
    exp: Math.floor(record.expires_at_ms / 1000),
    iat: Math.floor(record.requested_at_ms / 1000),
    aud: [...record.granted_audience],
    iss: issuer,
  };
  if (session.username !== null) answer.username = session.username;
  if (record.subject !== null) answer.sub = record.subject;
  return answer;
}

export function introspectionRoutes(ctx: AppContext): Route[] {
  const { oidc } = ctx;
  if (!oidc) return [];
  const lookup = { storage: ctx.storage, tokens: oidc.tokens };
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const params = await readForm(req);
    const { client } = await oidc.services.authenticateClient(clientAuthRequestOf(req, params));
    requireConfidentialCaller(client);
    const token = requiredParameter(params, 'token');
    const found = await findToken(lookup, token, parseTokenTypeHint(params.get('token_type_hint'), 'ignore'));
    return json(200, introspectionOf(found, oidc.issuer, ctx.clock.nowMs()), NO_STORE_HEADERS);
  };
  return [{ name: 'introspection', path: OIDC_PATHS.introspection, errorStyle: 'oauth', methods: { POST: noStore(handle) } }];
}
