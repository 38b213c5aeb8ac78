/**
 * POST /api/oidc/token (RFC 6749 §3.2, §5; OIDC Core §3.1.3). A named pipeline:
 * no-cache answers → form body without duplicate parameters → client authentication →
 * grant type known and registered for the client → the grant's handler.
 */
import type { AppContext, OidcContext } from '../context.js';
import { json, type HttpResponse } from '../http/response.js';
import type { HttpRequest } from '../http/request.js';
import type { Route } from '../http/router.js';
import type { RegisteredClient } from '../oauth/clients.js';
import { OAuthError } from '../oauth/errors.js';
import { GRANTS, type GrantDeps, type GrantHandler } from '../oauth/grants/index.js';
import { requiredParameter } from '../oauth/parameters.js';
import type { Logger } from '../observability/log.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import { OIDC_PATHS } from '../util/paths.js';
import { grantIdTokenSigner } from '../oidc/grant-id-token.js';
import type { Clock } from '../util/clock.js';
import { NO_STORE_HEADERS, clientAuthRequestOf, noStore, readForm } from './back-channel.js';

/** RFC 6749 §5.2: unsupported_grant_type when we serve no such grant, unauthorized_client when this client may not use it. */
export function selectGrant(grant_type: string, client: RegisteredClient): GrantHandler {
  const grant = GRANTS.get(grant_type);
  if (!grant) throw new OAuthError('unsupported_grant_type', `The grant_type '${grant_type}' is not supported.`);
  if (!client.config.grant_types.includes(grant.grant_type)) {
    throw new OAuthError('unauthorized_client', `The client is not allowed to use the grant_type '${grant_type}'.`);
  }
  return grant;
}

interface TokenEndpointDeps {
  oidc: OidcContext;
  metrics: MetricsRecorder;
  grants: GrantDeps;
  clock: Clock;
  logger: Logger;
}

async function handleTokenRequest(deps: TokenEndpointDeps, req: HttpRequest): Promise<HttpResponse> {
  const params = await readForm(req);
  let client_id: string | undefined;
  const grant_type = params.get('grant_type') ?? undefined;
  try {
    const { client } = await deps.oidc.services.authenticateClient(clientAuthRequestOf(req, params, `${deps.oidc.issuer}${OIDC_PATHS.token}`), req.clientIp);
    client_id = client.config.client_id;
    const grant = selectGrant(requiredParameter(params, 'grant_type'), client);
    const answer = await grant.handle(deps.grants, { client, params, nowMs: deps.clock.nowMs() });
    deps.logger.debug('access request', { client_id, grant_type, outcome: 'granted' });
    for (const kind of ['access_token', 'refresh_token', 'id_token'] as const) {
      if (kind in answer) deps.metrics.recordTokenIssued(grant.grant_type, kind);
    }
    return json(200, answer, NO_STORE_HEADERS);
  } catch (err) {
    const outcome = err instanceof OAuthError ? err.error : 'server_error';
    deps.logger.debug('access request', { client_id, grant_type, outcome });
    throw err;
  }
}

export function tokenRoutes(ctx: AppContext): Route[] {
  const { oidc } = ctx;
  if (!oidc) return [];
  const deps: TokenEndpointDeps = {
    oidc,
    metrics: ctx.metrics,
    clock: ctx.clock,
    logger: ctx.logger,
    grants: {
      storage: ctx.storage, tokens: oidc.tokens, config: oidc.config, issuer: oidc.issuer, keys: oidc.keys, users: ctx.users, logger: ctx.logger, random: ctx.random,
      signIdToken: grantIdTokenSigner({ keys: oidc.keys, issuer: oidc.issuer, config: oidc.config, users: ctx.users, random: ctx.random }),
    },
  };
  return [{
    name: 'token',
    path: OIDC_PATHS.token,
    errorStyle: 'oauth',
    methods: { POST: noStore((req) => handleTokenRequest(deps, req)) },
  }];
}
