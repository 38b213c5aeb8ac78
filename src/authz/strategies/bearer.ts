/**
 * Authelia's "OAuth 2.0 Bearer Token Usage for Authorization Endpoints": a forward-auth request
 * with `Authorization: Bearer <access token>` passes only when
 * 1. the token is active (introspection, cached) and unexpired now;
 * 2. it was granted `authelia.bearer.authz`;
 * 3. one of its granted audiences covers the target URL (audience-match.ts);
 * 4. its client is still registered, still with that scope and that audience: removing either
 *    from the config revokes the access at once, without waiting for the token to expire;
 * 5. a user's token: the user still exists and is enabled (details read fresh, never from the token;
 *    from memory when the users backend knows them, else asked for: a directory that cannot be
 *    asked is a 503, never a pass).
 * Every failure is the same 401 `invalid_token` (as Authelia answers); the precise reason goes to
 * the debug log, and to `error_description` only with `enable_client_debug_messages`.
 */
import type { Logger } from '../../observability/log.js';
import { bearerChallenge, isB64Token } from '../../oauth/bearer-token.js';
import type { ClientRegistry } from '../../oauth/clients.js';
import type { UsersBackend } from '../../users/user.js';
import { memoizeByObject } from '../../util/memo.js';
import { compileAudiences } from '../audience-match.js';
import { IntrospectionUnavailable, type IntrospectionCache, type IntrospectionResult } from '../introspection-cache.js';
import type { AuthzIdentity, BearerVerifier, StrategyInput, VerifierResult } from './types.js';

export const BEARER_AUTHZ_SCOPE = 'authelia.bearer.authz';

export type BearerFailure =
  | 'malformed'
  | 'inactive'
  | 'expired'
  | 'missing_scope'
  | 'audience_mismatch'
  | 'client_unknown'
  | 'client_scope_removed'
  | 'client_audience_removed'
  | 'user_unknown'
  | 'user_disabled';

/** Client-facing text, sent only with enable_client_debug_messages. */
export const BEARER_FAILURE_DESCRIPTIONS: Readonly<Record<BearerFailure, string>> = Object.freeze({
  malformed: 'The bearer credential is malformed.',
  inactive: 'The access token is not active.',
  expired: 'The access token expired.',
  missing_scope: `The access token was not granted the '${BEARER_AUTHZ_SCOPE}' scope.`,
  audience_mismatch: 'The access token audience does not cover the requested resource.',
  client_unknown: 'The client of the access token is no longer registered.',
  client_scope_removed: `The client of the access token is no longer allowed the '${BEARER_AUTHZ_SCOPE}' scope.`,
  client_audience_removed: 'The client of the access token is no longer allowed an audience covering the requested resource.',
  user_unknown: 'The user of the access token no longer exists.',
  user_disabled: 'The user of the access token is disabled.',
});

export interface BearerVerifierDeps {
  introspection: Pick<IntrospectionCache, 'peek' | 'lookup'>;
  /** The clients of the current config. Null for remote introspection: the remote OP owns its clients. */
  clients: Pick<ClientRegistry, 'get'> | null;
  /** Null: identity from the token alone (remote OP with its own users); then groups are empty. */
  users: Pick<UsersBackend, 'peek' | 'lookup'> | null;
  /** The issuer, as the challenge realm. */
  realm: string;
  /** `identity_providers.oidc.enable_client_debug_messages`. */
  debugMessages: boolean;
  logger: Logger;
}

/** RFC 8176: `mfa` (or an `otp` second factor) earned two factors. */
export const levelFromAmr = (amr: readonly string[] | undefined): AuthzIdentity['level'] =>
  amr !== undefined && (amr.includes('mfa') || amr.includes('otp')) ? 'two_factor' : 'one_factor';

type Admission = { ok: true; identity: AuthzIdentity } | { ok: false; failure: BearerFailure };

const fail = (failure: BearerFailure): Admission => ({ ok: false, failure });

// Cached results are shared objects: compile each token's audiences once, not per request.
const compiledAudiences = memoizeByObject((result: IntrospectionResult) => compileAudiences(result.aud ?? []));
const audiencesCover = (result: IntrospectionResult, target: URL): boolean => compiledAudiences(result)(target);

/** Rules 2–4 on the token's claims and the current client registration. */
function checkGrant(result: IntrospectionResult, target: URL, clients: BearerVerifierDeps['clients']): BearerFailure | null {
  if (!(result.scope ?? []).includes(BEARER_AUTHZ_SCOPE)) return 'missing_scope';
  if (!audiencesCover(result, target)) return 'audience_mismatch';
  if (clients === null) return null;
  const client = result.client_id === undefined ? null : clients.get(result.client_id);
  if (client === null) return 'client_unknown';
  if (!client.config.scopes.includes(BEARER_AUTHZ_SCOPE)) return 'client_scope_removed';
  if (!keptAudiencesCover(result, client.config, target)) return 'client_audience_removed';
  return null;
}

/**
 * Only the granted audiences the client is still registered for count. Compiled once per cached
 * result and client registration (both stable objects), not per request.
 */
const keptAudiences = new WeakMap<IntrospectionResult, { config: object; covers: (target: URL) => boolean }>();
function keptAudiencesCover(result: IntrospectionResult, config: { audience: readonly string[] }, target: URL): boolean {
  let entry = keptAudiences.get(result);
  if (entry === undefined || entry.config !== config) {
    entry = { config, covers: compileAudiences((result.aud ?? []).filter((aud) => config.audience.includes(aud))) };
    keptAudiences.set(result, entry);
  }
  return entry.covers(target);
}

/** The users backend as rules 1–5 read it: at once, from memory. */
type UsersNow = Pick<UsersBackend, 'peek'> | null;

/** Rule 5 and the identity: a user's details fresh from the backend, or the client's subject. */
function identityOf(result: IntrospectionResult, users: UsersNow): Admission {
  const username = result.username ?? null;
  if (username === null) {
    // client_credentials: rules match `oauth2:client:<id>`; no person, so the Remote-* headers are empty.
    const client_id = result.client_id ?? '';
    return { ok: true, identity: { subject: { groups: [], client_id }, level: 'one_factor', username: '', groups: [], displayName: '', email: '', strategy: 'bearer' } };
  }
  const level = levelFromAmr(result.amr);
  if (users === null) {
    return { ok: true, identity: { subject: { username, groups: [] }, level, username, groups: [], displayName: '', email: '', strategy: 'bearer' } };
  }
  const user = users.peek(username) ?? null;
  if (user === null) return fail('user_unknown');
  if (user.disabled) return fail('user_disabled');
  return {
    ok: true,
    identity: {
      subject: { username: user.username, groups: user.groups },
      level,
      username: user.username,
      groups: user.groups,
      displayName: user.display_name,
      email: user.emails[0] ?? '',
      strategy: 'bearer',
    },
  };
}

/**
 * The admission of a cached result is the same object for as long as the users backend hands out
 * the same user object (it makes a new one on reload): built once, not per request.
 */
const admissions = new WeakMap<IntrospectionResult, { user: object | null; admission: Admission }>();
function admittedIdentity(result: IntrospectionResult, users: UsersNow): Admission {
  const user = result.username && users ? (users.peek(result.username) ?? null) : null;
  const known = admissions.get(result);
  if (known !== undefined && known.user === user) return known.admission;
  const admission = identityOf(result, users);
  if (admission.ok) admissions.set(result, { user, admission });
  return admission;
}

/**
 * Rules 1–5 on an introspection answer; pure apart from the registry and users look-ups. The
 * user must be in the backend's memory (`peek` not undefined): the verifier asks for them first.
 */
export function admitBearer(result: IntrospectionResult, input: Pick<StrategyInput, 'target' | 'nowMs'>, deps: Pick<BearerVerifierDeps, 'clients'> & { users: UsersNow }): Admission {
  if (!result.active) return fail('inactive');
  if (result.exp_ms !== undefined && result.exp_ms <= input.nowMs) return fail('expired');
  const failure = checkGrant(result, input.target, deps.clients);
  return failure === null ? admittedIdentity(result, deps.users) : fail(failure);
}

export function createBearerVerifier(deps: BearerVerifierDeps): BearerVerifier {
  const challenge = (failure: BearerFailure): string =>
    bearerChallenge({
      realm: deps.realm,
      error: 'invalid_token',
      ...(deps.debugMessages ? { error_description: BEARER_FAILURE_DESCRIPTIONS[failure] } : {}),
    });
  const invalid = (failure: BearerFailure, fields: Record<string, string | undefined>): VerifierResult => {
    deps.logger.debug('bearer token refused', { reason: failure, ...fields });
    return { kind: 'invalid', challenge: challenge(failure), reason: failure };
  };

  const decideWith = (result: IntrospectionResult, input: StrategyInput, users: UsersNow): VerifierResult => {
    const admission = admitBearer(result, input, { clients: deps.clients, users });
    if (!admission.ok) return invalid(admission.failure, { client_id: result.client_id, target: input.target.href });
    return { kind: 'authenticated', identity: admission.identity };
  };
  /** Rule 5 needs the user: from memory when the backend has them, else asked for once, then decided. */
  const decide = (result: IntrospectionResult, input: StrategyInput): VerifierResult | Promise<VerifierResult> => {
    const users = deps.users;
    const username = result.active ? result.username : null;
    if (!username || users === null || users.peek(username) !== undefined) return decideWith(result, input, users);
    return users.lookup(username).then(
      (user) => decideWith(result, input, { peek: () => user }),
      (err: unknown) => {
        deps.logger.warn('bearer token user look-up unavailable', { error: err instanceof Error ? err.message : String(err) });
        return { kind: 'unavailable', reason: 'the user of the access token could not be looked up' };
      },
    );
  };
  const unavailable = (err: unknown): VerifierResult => {
    const reason = err instanceof IntrospectionUnavailable ? err.message : 'introspection failed unexpectedly';
    deps.logger.warn('bearer token introspection unavailable', { reason, error: err instanceof Error ? err.message : String(err) });
    return { kind: 'unavailable', reason };
  };

  return {
    verify(credentials, input) {
      // A cache hit is this exact token, verified before: decided at once, without waiting.
      const cached = deps.introspection.peek(credentials, input.nowMs);
      if (cached !== undefined) return decide(cached, input);
      if (!isB64Token(credentials)) return invalid('malformed', {});
      return deps.introspection.lookup(credentials, input.nowMs).then((result) => decide(result, input), unavailable);
    },
  };
}
