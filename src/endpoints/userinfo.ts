/**
 * GET and POST /api/oidc/userinfo (OIDC Core §5.3): the claims of the user an access token was
 * issued for. A named pipeline, each step citing its rule:
 *   1. read the access token from `Authorization: Bearer` or the form body (RFC 6750 §2.1, §2.2)
 *   2. no token at all → 401 challenge without an error code (RFC 6750 §3.1)
 *   3. the token is ours, active, unexpired and unrevoked, else invalid_token (RFC 6750 §3.1)
 *   4. the grant includes `openid`, else insufficient_scope (OIDC Core §5.3.1)
 *   5. the user still exists and is enabled, else invalid_token
 *   6. answer `sub` (the stored one: pairwise subjects match the ID Token) + the scope claims
 *      of the user as the users backend knows them now, with `iss` and `aud`.
 *   7. when the token's client registered `userinfo_signed_response_alg` (not 'none'), the same
 *      claims as a JWS, `application/jwt` (OIDC Core §5.3.2: `iss` and `aud` MUST then be present).
 */
import type { AppContext } from '../context.js';
import { mediaType, type HttpRequest } from '../http/request.js';
import { empty, json, type HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { findActiveAccessToken } from '../oauth/access-token.js';
import { bearerChallenge, bearerTokenFromHeader, type BearerErrorCode } from '../oauth/bearer-token.js';
import { OAuthError } from '../oauth/errors.js';
import { scopeClaims } from '../oidc/claims.js';
import { OIDC_PATHS } from '../util/paths.js';
import { signResponse, signingAlgOf } from '../oauth/signed-response.js';
import type { UserDetails } from '../users/user.js';

const OPENID_SCOPE = 'openid';
/** The headers that carry the token or say how the body carrying it is read. */
const CREDENTIAL_HEADERS = ['Authorization', 'Content-Type'] as const;
/** Authelia's OpenID Connect 1.0 integration guide, "User Information Signing Algorithm": the content type of a signed answer. */
export const USERINFO_JWT_CONTENT_TYPE = 'application/jwt; charset=utf-8';

/** How a bearer failure is answered: the challenge's realm. */
export interface BearerErrorPolicy {
  realm: string;
}

/** RFC 6750 §3: the challenge and the body both say why (`error_description`), as every OAuth error answer does. */
export function bearerError(policy: BearerErrorPolicy, error: BearerErrorCode, description: string, scope?: readonly string[]): OAuthError {
  const challenge = bearerChallenge({ realm: policy.realm, error, error_description: description, scope });
  return new OAuthError(error, description, { headers: { 'WWW-Authenticate': challenge } });
}

/**
 * Step 1: the presented access token, or null when none was sent. RFC 6750 §2: a client MUST NOT
 * use more than one method, so a token in both the header and the body is invalid_request.
 */
export async function readAccessToken(req: HttpRequest, policy: BearerErrorPolicy): Promise<string | null> {
  // Node keeps only the first of a repeated header, where a proxy or backend may read another (RFC 6750 §3.1: malformed).
  for (const name of CREDENTIAL_HEADERS) {
    if (req.hasDuplicateHeader(name)) throw bearerError(policy, 'invalid_request', `The ${name} header must not be sent more than once.`);
  }
  const fromHeader = bearerFromAuthorization(req.header('authorization'), policy);
  const fromBody = req.method === 'POST' ? await bearerFromForm(req, policy) : null;
  if (fromHeader !== null && fromBody !== null) {
    throw bearerError(policy, 'invalid_request', 'The access token must be sent in exactly one way: the Authorization header or the form body.');
  }
  return fromHeader ?? fromBody;
}

/** RFC 6750 §2.1 (src/oauth/bearer-token.ts): other schemes carry no bearer token; `Bearer` with no b64token is malformed. */
function bearerFromAuthorization(value: string | undefined, policy: BearerErrorPolicy): string | null {
  const read = bearerTokenFromHeader(value);
  if (read.kind === 'malformed') throw bearerError(policy, 'invalid_request', 'The Authorization header is not a valid Bearer credential.');
  return read.kind === 'token' ? read.token : null;
}

/** RFC 6750 §2.2: `access_token` in an application/x-www-form-urlencoded body, once. */
async function bearerFromForm(req: HttpRequest, policy: BearerErrorPolicy): Promise<string | null> {
  if (mediaType(req.header('content-type')) !== 'application/x-www-form-urlencoded') return null;
  const values = (await req.form()).getAll('access_token');
  if (values.length === 0) return null;
  if (values.length > 1) throw bearerError(policy, 'invalid_request', "The parameter 'access_token' must not be repeated.");
  if (values[0] === '') throw bearerError(policy, 'invalid_request', "The parameter 'access_token' is empty.");
  return values[0];
}

export function userinfoRoutes(ctx: Pick<AppContext, 'oidc' | 'storage' | 'users' | 'clock'>): Route[] {
  if (!ctx.oidc) return [];
  const oidc = ctx.oidc;
  const policy: BearerErrorPolicy = { realm: oidc.issuer };

  const handler = async (req: HttpRequest): Promise<HttpResponse> => {
    const token = await readAccessToken(req, policy);
    if (token === null) {
      return empty(401, { 'WWW-Authenticate': bearerChallenge({ realm: policy.realm }), 'Cache-Control': 'no-store' });
    }
    const active = await findActiveAccessToken({ storage: ctx.storage, tokens: oidc.tokens, keys: oidc.keys }, token, ctx.clock.nowMs());
    if (!active) throw bearerError(policy, 'invalid_token', 'The access token is invalid, expired or revoked.');
    const { record, session } = active;
    if (!record.granted_scopes.includes(OPENID_SCOPE)) {
      throw bearerError(policy, 'insufficient_scope', "The access token was not granted the scope 'openid'.", [OPENID_SCOPE]);
    }
    const user = await currentUser(ctx.users, session.username);
    if (!user || record.subject === null) {
      throw bearerError(policy, 'invalid_token', 'The user of the access token no longer exists or is disabled.');
    }
    // A token outlives a config reload that removed its client: nobody is left to answer for.
    const client = oidc.services.clients.get(record.client_id);
    if (!client) throw bearerError(policy, 'invalid_token', 'The client of the access token no longer exists.');
    const claims = {
      ...scopeClaims(user, record.granted_scopes),
      iss: oidc.issuer,
      aud: [record.client_id],
      sub: record.subject,
    };
    const alg = signingAlgOf(client.config.userinfo_signed_response_alg);
    if (alg === null) return json(200, claims);
    const jwt = await signResponse(oidc.keys, { alg, kid: client.config.userinfo_signed_response_key_id, claims });
    return { status: 200, headers: { 'Content-Type': USERINFO_JWT_CONTENT_TYPE }, body: jwt };
  };

  return [{ name: 'userinfo', path: OIDC_PATHS.userinfo, errorStyle: 'oauth', methods: { GET: handler, POST: handler } }];
}

async function currentUser(users: AppContext['users'], username: string | null): Promise<UserDetails | null> {
  if (username === null || users === null) return null;
  const user = await users.lookup(username);
  return user && !user.disabled ? user : null;
}
