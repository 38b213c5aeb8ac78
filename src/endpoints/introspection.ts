/**
 * POST /api/oidc/introspection (RFC 7662). Pipeline: no-cache answers → form body without
 * duplicate parameters → client authentication (§2.1: the caller must be authorized; public
 * clients, which prove nothing, are refused) → find the token, the hint only ordering the
 * look-ups → §2.2 answer → signed as a JWT (RFC 9701) when the caller asks for one.
 *
 * Who may introspect what: like Authelia, any authenticated confidential client may introspect
 * any token (the resource servers that call this are registered clients, and the token's own
 * `client_id` and `aud` in the answer let them decide). RFC 7662 §4 allows a narrower policy; we
 * do not apply one.
 *
 * JWT answers (RFC 9701): the requesting client's registered `introspection_signed_response_alg`
 * governs. A client that registered an algorithm always gets the JWT (§6: the registration is its
 * statement that it wants signed answers; Authelia's table answers by the alg alone). A client
 * that registered none but sends `Accept: application/token-introspection+jwt` (§4) gets RS256,
 * §6's default for that metadata when omitted.
 */
import type { TokenIntrospection } from '../authz/introspection-cache.js';
import type { AppContext } from '../context.js';
import type { SigningAlg } from '../crypto/keys.js';
import { json, type HttpResponse } from '../http/response.js';
import type { HttpRequest } from '../http/request.js';
import type { Route } from '../http/router.js';
import type { RegisteredClient } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import { findToken, isTokenActive, parseTokenTypeHint, type FoundToken } from '../oauth/find-token.js';
import { grantSessionFromJson } from '../oauth/grant-session.js';
import { requiredParameter } from '../oauth/parameters.js';
import { formatScope } from '../oauth/scopes.js';
import { OIDC_PATHS } from '../util/paths.js';
import { signResponse, signingAlgOf } from '../oauth/signed-response.js';
import { NO_STORE_HEADERS, clientAuthRequestOf, noStore, readForm } from './back-channel.js';

/** RFC 9701 §4: the media type a resource server asks for and we answer with (Authelia's integration guide adds the charset). */
export const INTROSPECTION_JWT_MEDIA_TYPE = 'application/token-introspection+jwt';
export const INTROSPECTION_JWT_CONTENT_TYPE = `${INTROSPECTION_JWT_MEDIA_TYPE}; charset=utf-8`;
/** RFC 9701 §5: the explicit JWT type of the answer. */
export const INTROSPECTION_JWT_TYP = 'token-introspection+jwt';
/** RFC 9701 §6: `introspection_signed_response_alg` defaults to RS256 when omitted. */
const DEFAULT_INTROSPECTION_ALG: SigningAlg = 'RS256';

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

/**
 * RFC 7662 §2.2: `{active:false}` and nothing else for unknown, expired, consumed or revoked tokens.
 * `sub` is the user's subject, or the client_id when no user is involved (RFC 9068 §2.2).
 */
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
  // A token with no user (client_credentials) is about the client itself: RFC 9068 §2.2, as Authelia
  // answers. Resource servers that take the remote user from `sub` (mod_oauth2's default) need one.
  answer.sub = record.subject ?? record.client_id;
  return answer;
}

/** The same answer for an access token, from the introspection cache's entry (its times to the second, as §2.2 gives them). */
export function introspectionOfCached({ result, exp_s, iat_s }: TokenIntrospection, issuer: string): IntrospectionResponse {
  if (!result.active) return { active: false };
  const answer: IntrospectionResponse = { active: true, scope: formatScope(result.scope ?? []), client_id: result.client_id, token_type: 'Bearer' };
  if (exp_s !== null) answer.exp = exp_s;
  if (iat_s !== null) answer.iat = iat_s;
  answer.aud = [...(result.aud ?? [])];
  answer.iss = issuer;
  if (result.username != null) answer.username = result.username;
  answer.sub = result.sub ?? result.client_id;
  return answer;
}

/** RFC 9110 §12.5.1: does the Accept header list the JWT media type (with a non-zero q)? */
export function acceptsIntrospectionJwt(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== INTROSPECTION_JWT_MEDIA_TYPE) return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** RFC 9701 §4, §6: the algorithm that signs the answer for this caller, or null for plain JSON. */
export function introspectionAlgOf(client: RegisteredClient, accept: string | undefined): SigningAlg | null {
  const registered = signingAlgOf(client.config.introspection_signed_response_alg);
  if (registered !== null) return registered;
  return acceptsIntrospectionJwt(accept) ? DEFAULT_INTROSPECTION_ALG : null;
}

/** RFC 9701 §5: who asked (`aud`), who answers (`iss`), when (`iat`), and the RFC 7662 answer. */
export function introspectionJwtClaims(answer: IntrospectionResponse, issuer: string, client_id: string, nowMs: number): Record<string, unknown> {
  return { iss: issuer, aud: client_id, iat: Math.floor(nowMs / 1000), token_introspection: answer };
}

export function introspectionRoutes(ctx: AppContext): Route[] {
  const { oidc } = ctx;
  if (!oidc) return [];
  const lookup = { storage: ctx.storage, tokens: oidc.tokens, keys: oidc.keys };
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const params = await readForm(req);
    const { client } = await oidc.services.authenticateClient(clientAuthRequestOf(req, params, `${oidc.issuer}${OIDC_PATHS.introspection}`), req.clientIp);
    requireConfidentialCaller(client);
    const token = requiredParameter(params, 'token');
    const hint = parseTokenTypeHint(params.get('token_type_hint'), 'ignore');
    const nowMs = ctx.clock.nowMs();
    // An access token from the verify path's cache (revocations evict it at once); anything else from storage.
    const cached = ctx.authz.accessTokens === null ? null : await ctx.authz.accessTokens.introspect(token, nowMs);
    const answer = cached !== null ? introspectionOfCached(cached, oidc.issuer) : introspectionOf(await findToken(lookup, token, hint), oidc.issuer, nowMs);
    const alg = introspectionAlgOf(client, req.header('accept'));
    if (alg === null) return json(200, answer, NO_STORE_HEADERS);
    const jwt = await signResponse(oidc.keys, {
      alg,
      // The pinned key belongs to the registered alg; the Accept-only default picks by alg alone.
      kid: client.config.introspection_signed_response_alg === alg ? client.config.introspection_signed_response_key_id : undefined,
      typ: INTROSPECTION_JWT_TYP,
      claims: introspectionJwtClaims(answer, oidc.issuer, client.config.client_id, nowMs),
    });
    return { status: 200, headers: { 'Content-Type': INTROSPECTION_JWT_CONTENT_TYPE, ...NO_STORE_HEADERS }, body: jwt };
  };
  return [{ name: 'introspection', path: OIDC_PATHS.introspection, errorStyle: 'oauth', methods: { POST: noStore(handle) } }];
}
