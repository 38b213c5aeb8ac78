/**
 * GET/POST `/consent`: the person decides whether a client may have what it asked for. The answer
 * is recorded once; "remember" makes it a pre-configured consent for
 * `pre_configured_consent_duration`, only where the client's consent mode allows it.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { resolveSubject } from '../../oidc/subject.js';
import { PORTAL_FIELDS, renderConsent } from '../../portal/pages/index.js';
import type { ConsentSession } from '../../storage/types.js';
import type { RegisteredClient } from '../../oauth/clients.js';
import type { PortalDeps, PortalOidc } from './deps.js';
import { checkCsrf, errorPage, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { OIDC_PATHS, PORTAL_PATHS } from '../../util/paths.js';
import { INTERACTION_PARAMETER } from '../../oidc/interaction/index.js';

const CONSENT_PATH = PORTAL_PATHS.consent;

/** Consent is asked only for the local provider's clients: its pages take the provider, never null. */
type ConsentDeps = PortalDeps & { oidc: PortalOidc };

export function consentRoutes(portal: PortalDeps): Route[] {
  const { oidc } = portal;
  if (!oidc) return [];
  const deps: ConsentDeps = { ...portal, oidc };
  return [{ name: 'portal_consent', path: CONSENT_PATH, errorStyle: 'page', methods: { GET: (req) => show(deps, req), POST: (req) => answer(deps, req) } }];
}

interface PendingConsent {
  consent: ConsentSession;
  client: RegisteredClient;
  username: string;
}

/** The unanswered consent named by `id`, asked of the signed-in person; or the answer to give instead. */
async function pending(deps: ConsentDeps, pr: PortalRequest, id: string): Promise<PendingConsent | HttpResponse> {
  const username = pr.loaded?.session.username;
  if (!pr.loaded || !username || pr.loaded.session.level === 'none') {
    return redirectTo(pr, withQuery(PORTAL_PATHS.home, { rd: withQuery(CONSENT_PATH, { id }) }));
  }
  // A consent is asked for one interaction (its id): once that has expired, so has the question.
  const live = id ? await deps.storage.interactions.get(id, pr.nowMs) : null;
  const consent = live ? await deps.storage.consents.getAnswerable(id, pr.nowMs) : null;
  const client = consent ? deps.oidc.clients.get(consent.client_id) : null;
  if (!consent || !client || consent.responded_at_ms !== null) {
    return errorPage('Consent request not found', 'This consent request is unknown, expired or already answered. Start again from the application.', 404);
  }
  if ((await resolveSubject(deps.storage, client.config, username)) !== consent.subject) {
    return errorPage('Not your consent request', 'This consent request was made for another person.', 403);
  }
  return { consent, client, username };
}

async function show(deps: ConsentDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const id = req.query.get('id') ?? '';
  const found = await pending(deps, pr, id);
  if ('status' in found) return found;
  const { consent, client } = found;
  const rememberAllowed = client.config.consent_mode_effective === 'pre-configured';
  return page(
    pr,
    200,
    renderConsent({
      csrfToken: pr.csrfToken,
      action: CONSENT_PATH,
      clientName: client.config.client_name,
      clientId: client.config.client_id,
      scopes: consent.requested_scopes,
      audience: consent.requested_audience,
      rememberAllowed,
      ...(rememberAllowed ? { rememberDurationText: durationText(client.config.pre_configured_consent_duration) } : {}),
      username: found.username,
      hidden: { id },
    }),
  );
}

async function answer(deps: ConsentDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const id = form.get('id') ?? '';
  const found = await pending(deps, pr, id);
  if ('status' in found) return found;
  const { consent, client } = found;
  const accepted = form.get(PORTAL_FIELDS.decision) === 'accept';
  const remember = accepted && form.get(PORTAL_FIELDS.remember) === 'on' && client.config.consent_mode_effective === 'pre-configured';
  const recorded = await deps.storage.consents.respond(id, {
    authorized: accepted,
    granted_scopes: accepted ? consent.requested_scopes : [],
    granted_audience: accepted ? consent.requested_audience : [],
    responded_at_ms: pr.nowMs,
    ...(remember ? { pre_configured_until_ms: pr.nowMs + client.config.pre_configured_consent_duration * 1000 } : {}),
  });
  if (!recorded) return errorPage('Consent request not found', 'This consent request was already answered.', 409);
  deps.logger.info('consent answered', { client_id: consent.client_id, username: found.username, accepted, remembered: remember });
  // Back to the interaction this consent was asked for (its id is the consent's).
  return redirectTo(pr, withQuery(OIDC_PATHS.authorization, { [INTERACTION_PARAMETER]: id }));
}

function durationText(seconds: number): string {
  const units: Array<[number, string]> = [[604_800, 'week'], [86_400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds % size === 0 && seconds >= size) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
