/**
 * The authorization interaction as a named list of steps (OIDC Core §3.1.2.3 "Authorization Server
 * Authenticates End-User", §3.1.2.4 "Obtains End-User Consent/Authorization", §3.1.2.5 the
 * response). Each step answers with an outcome or hands on; the endpoint turns the outcome into an
 * HTTP answer. No sockets, no HTML: every rule here is unit-tested with plain values.
 *
 *   signed in, recently enough → at the client's level → consented → issued
 */
import type { PortalSession } from '../../authn/session/index.js';
import type { OidcConfig } from '../../config/index.js';
import { grantAudience } from '../../oauth/audience.js';
import type { AuthorizationGrant } from '../../oauth/authorization-response.js';
import type { AuthorizationRequest } from '../../oauth/authorize/index.js';
import { UnsafeAuthorizationError } from '../../oauth/authorize/index.js';
import { isRecentEnough } from '../../oauth/authorize/login-requirement.js';
import type { RegisteredClient } from '../../oauth/clients.js';
import { OAuthError } from '../../oauth/errors.js';
import type { AuthorizationInteractions, ConsentSession, Consents } from '../../storage/types.js';
import type { UserDetails } from '../../users/index.js';
import { levelSatisfies } from '../../authn/level.js';
import { requiredLevel } from '../authorization-policy.js';
import { consentNeed } from '../consent.js';
import type { ActiveInteraction, InteractionOutcome } from './types.js';

/** The steps, in order, by name (logs and docs use these names). */
export const INTERACTION_STEPS = ['signed_in', 'level', 'consent', 'issue'] as const;

/** The person at the browser: their portal session and their current record in the users backend. */
export interface Person {
  session: PortalSession;
  user: UserDetails;
}

export interface StepDeps {
  policies: OidcConfig['authorization_policies'];
  consents: Consents;
  interactions: AuthorizationInteractions;
  subjectOf(client: RegisteredClient, username: string): Promise<string>;
  /** Issues what the response type asks for (codes, tokens, ID token): oauth/authorization-response.ts. */
  issue(grant: AuthorizationGrant): Promise<Record<string, string>>;
}

type Next<T> = { next: T } | InteractionOutcome;
const isOutcome = <T>(value: Next<T>): value is InteractionOutcome => 'step' in value;

export async function decide(interaction: ActiveInteraction, person: Person | null, deps: StepDeps, nowMs: number): Promise<InteractionOutcome> {
  try {
    const signedIn = signedInRecently(interaction, person);
    if (isOutcome(signedIn)) return signedIn;
    const level = atClientLevel(interaction.request, signedIn.next, deps);
    if (level) return level;
    const consent = await consented(interaction, signedIn.next, deps, nowMs);
    if (isOutcome(consent)) return consent;
    return await issue(interaction, signedIn.next, consent.next, deps, nowMs);
  } catch (err) {
    if (err instanceof OAuthError) return { step: 'error', error: err };
    throw err;
  }
}

/** 1. Signed in, as a user the backend still knows and allows, recently enough (prompt=login, max_age: OIDC Core §3.1.2.1). */
export function signedInRecently(interaction: ActiveInteraction, person: Person | null): Next<Person> {
  const { request } = interaction;
  const active = person !== null && person.session.level !== 'none' && !person.user.disabled;
  const tooOld = active && !isRecentEnough(interaction.record.auth_time_min_s, person.session.auth_time_s);
  if (active && !tooOld && !interaction.forceLogin) return { next: person };
  if (request.prompt.has('none')) return { step: 'error', error: new OAuthError('login_required', 'The person is not signed in.') };
  return { step: 'login', reauth: interaction.forceLogin || tooOld };
}

/** 2. At the level the client's `authorization_policy` requires of this person (a second factor only when it asks for one). */
export function atClientLevel(request: AuthorizationRequest, person: Person, deps: Pick<StepDeps, 'policies'>): InteractionOutcome | null {
  const required = requiredLevel(request.client.config.authorization_policy, deps.policies, person.user);
  if (required === 'deny') return { step: 'error', error: new OAuthError('access_denied', 'The authorization policy denies this person access to the client.') };
  if (levelSatisfies(person.session.level, required)) return null;
  if (request.prompt.has('none')) return { step: 'error', error: new OAuthError('login_required', 'The client requires two-factor authentication.') };
  return { step: 'second_factor' };
}

/** What consent grants: the scopes and audience, and the consent answered for this interaction, if one was asked. */
export interface Granted {
  subject: string;
  scopes: string[];
  audience: string[];
  answered: ConsentSession | null;
}

/**
 * 3. Consent (OIDC Core §3.1.2.4), per the client's consent mode. The consent asked during this
 * interaction has the interaction's id, so coming back finds its answer; `prompt=none` never asks.
 */
export async function consented(interaction: ActiveInteraction, person: Person, deps: StepDeps, nowMs: number): Promise<Next<Granted>> {
  const { request, record } = interaction;
  const client = request.client.config;
  const subject = await deps.subjectOf(request.client, person.user.username);
  const audience = grantAudience(request.audience, client);
  const asked = await deps.consents.getAnswerable(record.id, nowMs);
  if (asked) {
    if (asked.responded_at_ms === null) return { step: 'consent' };
    checkAnsweredConsent(asked, client.client_id, subject);
    return { next: { subject, scopes: asked.granted_scopes, audience: asked.granted_audience, answered: asked } };
  }
  const remembered =
    client.consent_mode_effective === 'pre-configured'
      ? await deps.consents.findPreConfigured({ client_id: client.client_id, subject, scopes: request.scopes, audience, nowMs })
      : null;
  if (consentNeed(client.consent_mode_effective, request.prompt.has('consent'), remembered !== null) === 'granted') {
    return { next: { subject, scopes: request.scopes, audience, answered: null } };
  }
  if (request.prompt.has('none')) return { step: 'error', error: new OAuthError('consent_required', 'The person has not consented to this client.') };
  await deps.consents.create({
    challenge_id: record.id,
    client_id: client.client_id,
    subject,
    requested_at_ms: nowMs,
    requested_scopes: request.scopes,
    requested_audience: audience,
    form: '',
  });
  return { step: 'consent' };
}

/** A consent may be used once, by the person it was asked of, for the client it names, if accepted. */
function checkAnsweredConsent(consent: ConsentSession, clientId: string, subject: string): void {
  if (consent.client_id !== clientId || consent.subject !== subject) throw new OAuthError('access_denied', 'This consent belongs to another person or client.');
  if (!consent.authorized) throw new OAuthError('access_denied', 'The person denied the request.');
  if (consent.granted) throw new OAuthError('invalid_request', 'This consent has already been used.');
}

/**
 * 4. The answer (code, token, id_token as the response type asks), once: the interaction is
 * completed first, so of two parallel returns (a double submit) only one issues anything.
 */
export async function issue(interaction: ActiveInteraction, person: Person, granted: Granted, deps: StepDeps, nowMs: number): Promise<InteractionOutcome> {
  const { request, record } = interaction;
  if (!(await deps.interactions.complete(record.id, nowMs))) {
    throw new UnsafeAuthorizationError('invalid_request', 'This sign-in request was already answered. Start again from the application.');
  }
  if (granted.answered) await deps.consents.markGranted(granted.answered.challenge_id);
  const { session } = person;
  const params = await deps.issue({
    response_type: request.response_type,
    client: request.client,
    subject: granted.subject,
    scopes: granted.scopes,
    audience: granted.audience,
    requested_scopes: request.scopes,
    requested_audience: request.audience,
    session: {
      username: person.user.username,
      // The portal session's id: the ID Token's `sid`, and what logout finds the grant by.
      ...(session.sid !== undefined ? { sid: session.sid } : {}),
      auth_time_s: session.auth_time_s,
      amr: [...session.amr],
      requested_at_s: Math.floor(nowMs / 1000),
      redirect_uri: request.redirect_uri,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      ...(request.code_challenge ? { code_challenge: request.code_challenge, code_challenge_method: request.code_challenge_method! } : {}),
      ...(granted.answered ? { consent_challenge_id: granted.answered.challenge_id } : {}),
    },
    ...(request.state ? { state: request.state } : {}),
    nowMs,
  });
  return { step: 'issue', params };
}
