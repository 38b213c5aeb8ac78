/**
 * The steps after a request is valid: the person (signed in, recently enough, at the client's
 * level), consent, then what the response type asks for. Each step either answers (sign-in, consent page, error) or
 * hands on.
 */
import type { AppContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import { grantAudience } from '../../oauth/audience.js';
import { issueAuthorizationResponse } from '../../oauth/authorization-response.js';
import type { AuthorizationRequest } from '../../oauth/authorize/index.js';
import { isRecentEnough, type LoginRequirement } from '../../oauth/authorize/login-requirement.js';
import { OAuthError } from '../../oauth/errors.js';
import { levelSatisfies, requiredLevel } from '../../oidc/authorization-policy.js';
import { consentNeed } from '../../oidc/consent.js';
import { OIDC_PATHS } from '../../oidc/endpoint-paths.js';
import { resolveSubject } from '../../oidc/subject.js';
import type { ConsentSession } from '../../storage/types.js';
import type { UserDetails } from '../../users/index.js';
import { openPortalRequest, redirectTo, withQuery, type PortalRequest } from '../portal/portal-request.js';
import { PORTAL_PATHS } from '../portal/sign-in.js';
import { authorizationResponse } from './respond.js';
import { randomUUID } from 'node:crypto';

export const CONSENT_PATH = '/consent';

/** A valid request, with what it asks of the sign-in, and `params` to resume it with. */
export interface ResumableRequest extends AuthorizationRequest {
  login: LoginRequirement;
}

export async function proceed(ctx: AppContext, req: HttpRequest, request: ResumableRequest, consent: ConsentSession | null): Promise<HttpResponse> {
  const oidc = ctx.oidc!;
  const pr = await openPortalRequest(ctx, req);
  const nowS = Math.floor(pr.nowMs / 1000);

  // 1. Signed in, recently enough (prompt=login, max_age: OIDC Core §3.1.2.1).
  const session = pr.loaded?.session;
  const user: UserDetails | null = session?.username ? ((await ctx.users?.lookup(session.username)) ?? null) : null;
  const tooOld = session != null && session.level !== 'none' && !isRecentEnough(request.login, session.auth_time_s);
  if (!session || session.level === 'none' || !user || user.disabled || request.login.prompt || tooOld) {
    if (request.prompt.has('none')) throw new OAuthError('login_required', 'The person is not signed in.');
    return toPortal(pr, PORTAL_PATHS.home, request, { reauth: request.login.prompt || tooOld });
  }

  // 2. At the level the client's authorization_policy requires.
  const required = requiredLevel(request.client.config.authorization_policy, oidc.config.authorization_policies, user);
  if (required === 'deny') throw new OAuthError('access_denied', 'The authorization policy denies this person access to the client.');
  if (!levelSatisfies(session.level, required)) {
    if (request.prompt.has('none')) throw new OAuthError('login_required', 'The client requires two-factor authentication.');
    return toPortal(pr, PORTAL_PATHS.secondFactor, request, { reauth: false });
  }

  // 3. Consent.
  const subject = await resolveSubject(ctx.storage, request.client.config, user.username);
  const audience = grantAudience(request.audience, request.client.config);
  const clientId = request.client.config.client_id;
  if (consent) {
    checkAnsweredConsent(consent, clientId, subject);
    await ctx.storage.consents.markGranted(consent.challenge_id);
  } else {
    const mode = request.client.config.consent_mode_effective;
    const remembered =
      mode === 'pre-configured'
        ? await ctx.storage.consents.findPreConfigured({ client_id: clientId, subject, scopes: request.scopes, audience, nowMs: pr.nowMs })
        : null;
    if (consentNeed(mode, request.prompt.has('consent'), remembered !== null) === 'ask') {
      if (request.prompt.has('none')) throw new OAuthError('consent_required', 'The person has not consented to this client.');
      const challenge_id = randomUUID();
      await ctx.storage.consents.create({
        challenge_id,
        client_id: clientId,
        subject,
        requested_at_ms: pr.nowMs,
        requested_scopes: request.scopes,
        requested_audience: audience,
        form: request.params.toString(),
      });
      return redirectTo(pr, withQuery(CONSENT_PATH, { id: challenge_id }));
    }
  }

  // 4. What the response type asks for (code, token, id_token), with state and iss (RFC 9207).
  const params = await issueAuthorizationResponse(
    { storage: ctx.storage, tokens: oidc.tokens, config: oidc.config, keys: oidc.keys, issuer: oidc.issuer, users: ctx.users },
    {
      response_type: request.response_type,
      client: request.client,
      subject,
      scopes: consent ? consent.granted_scopes : request.scopes,
      audience: consent ? consent.granted_audience : audience,
      requested_scopes: request.scopes,
      requested_audience: request.audience,
      session: {
        username: user.username,
        auth_time_s: session.auth_time_s,
        amr: [...session.amr],
        requested_at_s: nowS,
        redirect_uri: request.redirect_uri,
        ...(request.nonce ? { nonce: request.nonce } : {}),
        ...(session.sid ? { sid: session.sid } : {}),
        ...(request.code_challenge ? { code_challenge: request.code_challenge, code_challenge_method: request.code_challenge_method! } : {}),
        ...(consent ? { consent_challenge_id: consent.challenge_id } : {}),
      },
      ...(request.state ? { state: request.state } : {}),
      nowMs: pr.nowMs,
    },
  );
  return authorizationResponse(ctx, request, request.client, params);
}

/** A consent may be used once, by the person it was asked of, for the client it names, if accepted. */
function checkAnsweredConsent(consent: ConsentSession, clientId: string, subject: string): void {
  if (consent.client_id !== clientId || consent.subject !== subject) throw new OAuthError('access_denied', 'This consent belongs to another person or client.');
  if (consent.responded_at_ms === null) throw new OAuthError('consent_required', 'The consent request has not been answered.');
  if (!consent.authorized) throw new OAuthError('access_denied', 'The person denied the request.');
  if (consent.granted) throw new OAuthError('invalid_request', 'This consent has already been used.');
}

/**
 * To the portal, coming back to this same request afterwards: its resumed parameters (no
 * `prompt=login`, the sign-in under way answers it; login-requirement.ts), and `reauth` tells the
 * portal to ask even if a session exists.
 */
function toPortal(pr: PortalRequest, path: string, request: ResumableRequest, options: { reauth: boolean }): HttpResponse {
  const rd = `${OIDC_PATHS.authorization}?${request.params.toString()}`;
  return redirectTo(pr, withQuery(path, { rd, ...(options.reauth ? { reauth: '1' } : {}) }));
}
