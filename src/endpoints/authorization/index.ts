/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1; OIDC Core §3.1.2), GET and POST: a request
 * arrives (or a person returns to one by its interaction id), the interaction's steps decide
 * (src/oidc/interaction/), and the decision becomes an answer here: to the portal, to consent, or
 * the authorization response / error in the request's response mode.
 */
import type { AppContext, OidcContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import type { AuthorizeDeps, ErrorDestination } from '../../oauth/authorize/index.js';
import { issueAuthorizationResponse } from '../../oauth/authorization-response.js';
import { UnsafeAuthorizationError } from '../../oauth/authorize/index.js';
import type { OAuthError } from '../../oauth/errors.js';
import { decide, INTERACTION_PARAMETER, receive, resume, type ActiveInteraction, type Arrival, type InteractionOutcome, type Person, type StepDeps } from '../../oidc/interaction/index.js';
import { resolveSubject } from '../../oidc/subject.js';
import { grantIdTokenSigner } from '../../oidc/grant-id-token.js';
import type { Logger } from '../../observability/log.js';
import type { Storage } from '../../storage/types.js';
import type { UsersBackend } from '../../users/index.js';
import type { Clock } from '../../util/clock.js';
import { OIDC_PATHS, PORTAL_PATHS } from '../../util/paths.js';
import { portalDepsFrom, type PortalDeps } from '../portal/deps.js';
import { errorPage, openPortalRequest, redirectTo, withQuery, type PortalRequest } from '../portal/portal-request.js';
import { authorizationResponse } from './respond.js';

/** What the endpoint needs, built once. */
interface AuthorizationDeps {
  /** The portal's slice: the browser's session, read as the portal's pages read it. */
  portal: PortalDeps;
  oidc: OidcContext;
  storage: Storage;
  users: UsersBackend | null;
  clock: Clock;
  logger: Logger;
  authorize: AuthorizeDeps;
  steps: StepDeps;
}

export function authorizationRoutes(ctx: AppContext): Route[] {
  const { oidc, storage } = ctx;
  if (!oidc) return [];
  const issuing = {
    storage, tokens: oidc.tokens, config: oidc.config, keys: oidc.keys, issuer: oidc.issuer, users: ctx.users, random: ctx.random,
    signIdToken: grantIdTokenSigner({ keys: oidc.keys, issuer: oidc.issuer, config: oidc.config, users: ctx.users, random: ctx.random }),
  };
  const deps: AuthorizationDeps = {
    portal: portalDepsFrom(ctx),
    oidc,
    storage,
    users: ctx.users,
    clock: ctx.clock,
    logger: ctx.logger,
    authorize: { clients: oidc.services.clients, config: oidc.config },
    steps: {
      policies: oidc.config.authorization_policies,
      consents: storage.consents,
      interactions: storage.interactions,
      subjectOf: (client, username) => resolveSubject(storage, client.config, username),
      issue: (grant) => issueAuthorizationResponse(issuing, grant),
    },
  };
  const handler = (req: HttpRequest): Promise<HttpResponse> => authorize(deps, req);
  return [{ name: 'oidc_authorization', path: OIDC_PATHS.authorization, errorStyle: 'page', methods: { GET: handler, POST: handler } }];
}

async function authorize(deps: AuthorizationDeps, req: HttpRequest): Promise<HttpResponse> {
  const params = req.method === 'POST' ? await req.form() : req.query;
  const nowMs = deps.clock.nowMs();
  const arrival = await arrive(deps, params, nowMs);
  if (!arrival.ok) return refuse(deps, req, arrival.error, arrival.destination, params.get('client_id'));
  const { interaction } = arrival;
  const pr = await openPortalRequest(deps.portal, req);
  const outcome = await decide(interaction, await personOf(deps, pr), deps.steps, nowMs);
  deps.logger.debug('authorization request', { path: OIDC_PATHS.authorization, client_id: interaction.record.client_id, outcome: outcome.step });
  return answer(deps, req, pr, interaction, outcome);
}

/**
 * A new request, or a return to a stored one: `interaction` alone (no `client_id`) names one; a
 * request with a `client_id` is always new, whatever else it carries.
 */
function arrive(deps: AuthorizationDeps, params: URLSearchParams, nowMs: number): Promise<Arrival> {
  const id = params.get(INTERACTION_PARAMETER);
  if (id !== null && !params.has('client_id')) return resume(id, { authorize: deps.authorize, interactions: deps.storage.interactions }, nowMs);
  const { oidc, storage } = deps;
  return receive(
    params,
    {
      authorize: deps.authorize,
      requestObjects: {
        clients: oidc.services.clients,
        issuer: oidc.issuer,
        jwtBlacklist: storage.jwtBlacklist,
        clientKeys: (client, header) => oidc.services.clientKeys.keyFor(client.config, header, deps.clock.nowMs()),
      },
      par: storage.par,
      interactions: storage.interactions,
    },
    nowMs,
  );
}

/** The signed-in person, as the users backend knows them now; null when nobody (usable) is signed in. */
async function personOf(deps: AuthorizationDeps, pr: PortalRequest): Promise<Person | null> {
  const session = pr.loaded?.session;
  const user = session?.username ? ((await deps.users?.lookup(session.username)) ?? null) : null;
  return session && user ? { session, user } : null;
}

function answer(deps: AuthorizationDeps, req: HttpRequest, pr: PortalRequest, interaction: ActiveInteraction, outcome: InteractionOutcome): Promise<HttpResponse> | HttpResponse {
  const id = interaction.record.id;
  // The way back: the interaction's id, nothing else (the request itself stays server-side).
  const rd = withQuery(OIDC_PATHS.authorization, { [INTERACTION_PARAMETER]: id });
  switch (outcome.step) {
    case 'login':
      return redirectTo(pr, withQuery(PORTAL_PATHS.home, { rd, ...(outcome.reauth ? { reauth: '1' } : {}) }));
    case 'second_factor':
      return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, { rd }));
    case 'consent':
      return redirectTo(pr, withQuery(PORTAL_PATHS.consent, { id }));
    case 'issue':
      return authorizationResponse(deps, interaction.request, interaction.request.client, outcome.params);
    case 'error':
      return refuse(deps, req, outcome.error, destinationOf(interaction), interaction.record.client_id);
  }
}

function destinationOf({ request }: ActiveInteraction): ErrorDestination {
  return { redirect_uri: request.redirect_uri, response_mode: request.response_mode, client: request.client, ...(request.state ? { state: request.state } : {}) };
}

/**
 * An error to the client at its trusted redirect URI (RFC 6749 §4.1.2.1: error,
 * error_description, state, iss; signed in a JARM mode, JARM §2.4), or shown to the person when
 * no redirect URI can be trusted.
 */
async function refuse(deps: AuthorizationDeps, req: HttpRequest, err: OAuthError, destination: ErrorDestination | null, clientId: string | null): Promise<HttpResponse> {
  deps.logger.debug('authorization request refused', { path: req.path, client_id: clientId ?? undefined, error: err.error, reason: err.description });
  if (destination === null || err instanceof UnsafeAuthorizationError) {
    return errorPage('Authorization failed', `${err.description} (${err.error})`, err.status >= 500 ? 500 : 400);
  }
  const params: Record<string, string> = { error: err.error, error_description: err.clientDescription(deps.oidc.config.enable_client_debug_messages) };
  if (destination.state) params['state'] = destination.state;
  params['iss'] = deps.oidc.issuer;
  return authorizationResponse(deps, destination, destination.client, params);
}
