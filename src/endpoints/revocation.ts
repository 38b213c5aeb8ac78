/**
 * POST /api/oidc/revocation (RFC 7009). Pipeline: no-cache answers → form body without
 * duplicate parameters → client authentication (§2.1; public clients identify with client_id)
 * → token_type_hint (§2.2.1 unsupported_token_type for kinds we do not issue) → find the token →
 * it must be the caller's own (§2.1) → revoke → 200 with an empty body, also for unknown
 * tokens (§2.2).
 *
 * A refresh token takes its whole grant with it (§2.1 "SHOULD also invalidate all access tokens
 * based on the same authorization grant"); an access token is revoked alone (§2.1 makes the
 * refresh token optional, and a resource server revoking what it was shown should not log the
 * user out of the client).
 */
import type { AppContext } from '../context.js';
import { empty, type HttpResponse } from '../http/response.js';
import type { HttpRequest } from '../http/request.js';
import type { Route } from '../http/router.js';
import type { RegisteredClient } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import { findToken, parseTokenTypeHint, type FoundToken } from '../oauth/find-token.js';
import { requiredParameter } from '../oauth/parameters.js';
import type { Storage } from '../storage/types.js';
import { OIDC_PATHS } from '../util/paths.js';
import { clientAuthRequestOf, noStore, readForm } from './back-channel.js';

/** RFC 7009 §2.1: "verifies whether the token was issued to the client making the revocation request. If this validation fails, the request is refused". */
export function requireOwnToken(found: FoundToken, client: RegisteredClient): void {
  if (found.record.client_id !== client.config.client_id) {
    throw new OAuthError('unauthorized_client', 'The token was not issued to this client (RFC 7009 §2.1).');
  }
}

export async function revokeToken(storage: Pick<Storage, 'tokens'>, found: FoundToken): Promise<void> {
  if (found.kind === 'refresh_token') await storage.tokens.revokeByRequestId(found.record.request_id);
  else await storage.tokens.revoke('access_token', found.signature);
}

export function revocationRoutes(ctx: AppContext): Route[] {
  const { oidc } = ctx;
  if (!oidc) return [];
  const lookup = { storage: ctx.storage, tokens: oidc.tokens, keys: oidc.keys };
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const params = await readForm(req);
    const { client } = await oidc.services.authenticateClient(clientAuthRequestOf(req, params, `${oidc.issuer}${OIDC_PATHS.revocation}`), req.clientIp);
    const token = requiredParameter(params, 'token');
    const hint = parseTokenTypeHint(params.get('token_type_hint'), 'refuse');
    const found = await findToken(lookup, token, hint);
    if (found) {
      requireOwnToken(found, client);
      await revokeToken(ctx.storage, found);
    }
    return empty(200);
  };
  return [{ name: 'revocation', path: OIDC_PATHS.revocation, errorStyle: 'oauth', methods: { POST: noStore(handle) } }];
}
