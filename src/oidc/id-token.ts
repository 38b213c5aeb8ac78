/**
 * The ID Token (OIDC Core §2, §3.1.3.6-7): a JWS signed with the client's
 * `id_token_signed_response_alg` (and `..._key_id` when set), carrying the authentication event
 * and the scope claims of the user as the users backend knows them *now* (a refresh re-reads them).
 */
import { SignJWT } from 'jose';
import type { OidcClientConfig } from '../config/index.js';
import type { IssuerKeySet, SigningAlg } from '../crypto/keys.js';
import { OAuthError } from '../oauth/errors.js';
import type { UserDetails, UsersBackend } from '../users/user.js';
import { systemRandom, type Random } from '../util/random.js';
import { scopeClaims } from './claims.js';
import { halfHash } from './token-hash.js';

export interface IdTokenDeps {
  keys: IssuerKeySet;
  issuer: string;
  lifespanSeconds: number;
  /** Where the `jti` comes from; default: the system's UUIDs. */
  random?: Random;
}

export interface IdTokenInput {
  client: OidcClientConfig;
  subject: string;
  /** Null for a grant without a person (no scope claims then). */
  username: string | null;
  /** The granted scopes. */
  scopes: string[];
  auth_time_s: number | null;
  amr: string[];
  nonce?: string;
  /** The portal session's id (OIDC Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.1). */
  sid?: string;
  requested_at_s: number;
  /** Issued beside the ID Token: its hash becomes `at_hash`. */
  access_token?: string;
  /** Issued beside the ID Token (hybrid flows): its hash becomes `c_hash`. */
  code?: string;
  now_s: number;
  users: UsersBackend | null;
}

/** The signing algorithm for a client; RS256 is OIDC Core §15.1's default. */
export function idTokenAlgOf(client: Pick<OidcClientConfig, 'id_token_signed_response_alg'>): SigningAlg {
  const alg = client.id_token_signed_response_alg ?? 'RS256';
  // Config validation refuses 'none'; this keeps an unsigned ID Token impossible regardless.
  if (alg === 'none') throw new Error('ID Tokens are always signed: id_token_signed_response_alg must not be none');
  return alg;
}

/** The claims set, pure but for the random `jti`; `user` as the backend knows them now (null: no person). */
export function idTokenClaims(deps: Pick<IdTokenDeps, 'issuer' | 'lifespanSeconds'>, input: IdTokenInput, user: UserDetails | null, alg: SigningAlg, jti: string): Record<string, unknown> {
  const { client } = input;
  const claims: Record<string, unknown> = {
    ...userClaims(input, user),
    iss: deps.issuer,
    sub: input.subject,
    aud: [client.client_id],
    exp: input.now_s + deps.lifespanSeconds,
    iat: input.now_s,
    rat: input.requested_at_s,
    jti,
    amr: [...input.amr],
    azp: client.client_id,
  };
  if (input.auth_time_s !== null) claims['auth_time'] = input.auth_time_s;
  if (input.nonce !== undefined) claims['nonce'] = input.nonce;
  if (input.sid !== undefined) claims['sid'] = input.sid;
  if (input.access_token !== undefined) claims['at_hash'] = halfHash(input.access_token, alg);
  if (input.code !== undefined) claims['c_hash'] = halfHash(input.code, alg);
  return claims;
}

export async function signIdToken(deps: IdTokenDeps, input: IdTokenInput): Promise<string> {
  const alg = idTokenAlgOf(input.client);
  const key = deps.keys.select(alg, input.client.id_token_signed_response_key_id);
  // Read fresh (a refresh re-reads them); a directory that cannot be asked rejects (UsersUnavailableError).
  const user = input.username === null || input.users === null ? null : await input.users.lookup(input.username);
  const claims = idTokenClaims(deps, input, user, alg, (deps.random ?? systemRandom).uuid());
  return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

/** Scope claims of the user read fresh; a user deleted or disabled since the grant gets no token. */
function userClaims(input: IdTokenInput, user: UserDetails | null): Record<string, unknown> {
  if (input.username === null || input.users === null) return {};
  if (!user || user.disabled) {
    throw new OAuthError('invalid_grant', 'The user of this grant no longer exists or is disabled.', {
      cause: `user '${input.username}' is ${user ? 'disabled' : 'unknown'}`,
    });
  }
  return scopeClaims(user, input.scopes);
}
