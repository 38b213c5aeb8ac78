/**
 * Mints tokens and stores them by signature with the grant they carry (fosite's
 * `GenerateAccessToken` + `CreateAccessTokenSession`): opaque refresh tokens and codes, and access
 * tokens that are opaque or, for a client with `access_token_signed_response_alg`, RFC 9068 JWTs
 * (jwt-access-token.ts), stored the same way. Every token of one authorization shares its
 * `request_id`, which is what replay detection revokes as a family.
 */
import type { OidcClientConfig, OidcConfig } from '../config/index.js';
import type { IssuerKeySet } from '../crypto/keys.js';
import type { OpaqueTokenKind, OpaqueTokenStrategy } from '../crypto/opaque-token.js';
import type { NewTokenSession, Storage, TokenKind } from '../storage/types.js';
import { grantSessionToJson } from './grant-session.js';
import type { IssuableGrant } from './issuable-grant.js';
import type { Random } from '../util/random.js';
import { jwtAccessTokenAlgOf, signJwtAccessToken } from './jwt-access-token.js';

export type { IssuableGrant } from './issuable-grant.js';

export type LifespanKind = 'access_token' | 'authorize_code' | 'id_token' | 'refresh_token';
export type IssuedKind = 'access_token' | 'refresh_token' | 'authorization_code';
/** The kinds that are always opaque. */
export type OpaqueIssuedKind = Exclude<IssuedKind, 'access_token'>;

export interface TokenIssuerDeps {
  storage: Pick<Storage, 'tokens'>;
  tokens: OpaqueTokenStrategy;
  config: Pick<OidcConfig, 'lifespans'>;
}

/** Access tokens may be JWTs: signed with the issuer's keys, `iss` the issuer. */
export interface AccessTokenIssuerDeps extends TokenIssuerDeps {
  keys: IssuerKeySet;
  issuer: string;
  /** Where a JWT access token's `jti` comes from; default: the system's UUIDs. */
  random?: Random;
}


export interface IssuedToken {
  token: string;
  signature: string;
  expires_in: number;
}

const OPAQUE_KIND: Record<IssuedKind, OpaqueTokenKind> = { access_token: 'at', refresh_token: 'rt', authorization_code: 'ac' };
const LIFESPAN_OF: Record<IssuedKind, LifespanKind> = {
  access_token: 'access_token',
  refresh_token: 'refresh_token',
  authorization_code: 'authorize_code',
};

/** The client's `lifespan` (a name under `lifespans.custom`) overrides the provider's value per kind. */
export function lifespanSeconds(
  config: Pick<OidcConfig, 'lifespans'>,
  client: Pick<OidcClientConfig, 'lifespan'>,
  kind: LifespanKind,
): number {
  const custom = client.lifespan === undefined ? undefined : config.lifespans.custom[client.lifespan]?.[kind];
  return custom ?? config.lifespans[kind];
}

export interface MintedToken extends IssuedToken {
  kind: IssuedKind;
  /** The row to store; the token is valid only once it is stored. */
  record: NewTokenSession;
}

/** Creates one opaque token and its row without storing it; `requested_at_ms` of the row is when this token was issued (its `iat`). */
export function mintToken(deps: Omit<TokenIssuerDeps, 'storage'>, kind: OpaqueIssuedKind, grant: IssuableGrant, nowMs: number): MintedToken {
  return mintOpaque(deps, kind, grant, nowMs);
}

function mintOpaque(deps: Omit<TokenIssuerDeps, 'storage'>, kind: IssuedKind, grant: IssuableGrant, nowMs: number): MintedToken {
  const expires_in = lifespanSeconds(deps.config, grant.client, LIFESPAN_OF[kind]);
  return minted(kind, deps.tokens.generate(OPAQUE_KIND[kind]), grant, { nowMs, expires_in, audience: grant.granted_audience });
}

/**
 * Creates one access token and its row without storing it: an RFC 9068 JWT when the client
 * registered an `access_token_signed_response_alg`, else opaque. The row's granted audience is the
 * token's `aud`, so introspection answers what the token says.
 */
export async function mintAccessToken(deps: Omit<AccessTokenIssuerDeps, 'storage'>, grant: IssuableGrant, nowMs: number): Promise<MintedToken> {
  const alg = jwtAccessTokenAlgOf(grant.client);
  if (alg === null) return mintOpaque(deps, 'access_token', grant, nowMs);
  const expires_in = lifespanSeconds(deps.config, grant.client, 'access_token');
  const jwt = await signJwtAccessToken(deps, alg, { grant, now_s: Math.floor(nowMs / 1000), expires_in });
  return minted('access_token', jwt, grant, { nowMs, expires_in, audience: jwt.audience });
}

function minted(
  kind: IssuedKind,
  { token, signature }: { token: string; signature: string },
  grant: IssuableGrant,
  at: { nowMs: number; expires_in: number; audience: readonly string[] },
): MintedToken {
  return {
    kind,
    token,
    signature,
    expires_in: at.expires_in,
    record: {
      signature,
      request_id: grant.request_id,
      client_id: grant.client.client_id,
      subject: grant.subject,
      requested_at_ms: at.nowMs,
      expires_at_ms: at.nowMs + at.expires_in * 1000,
      requested_scopes: [...grant.requested_scopes],
      granted_scopes: [...grant.granted_scopes],
      requested_audience: [...grant.requested_audience],
      granted_audience: [...at.audience],
      session: grantSessionToJson(grant.session),
    },
  };
}

/** Creates and stores one opaque token. */
export async function issueToken(deps: TokenIssuerDeps, kind: OpaqueIssuedKind, grant: IssuableGrant, nowMs: number): Promise<IssuedToken> {
  return store(deps, mintToken(deps, kind, grant, nowMs));
}

/** Creates and stores one access token (mintAccessToken). */
export async function issueAccessToken(deps: AccessTokenIssuerDeps, grant: IssuableGrant, nowMs: number): Promise<IssuedToken> {
  return store(deps, await mintAccessToken(deps, grant, nowMs));
}

async function store(deps: Pick<TokenIssuerDeps, 'storage'>, { kind, token, signature, expires_in, record }: MintedToken): Promise<IssuedToken> {
  await deps.storage.tokens.create(kind satisfies TokenKind, record);
  return { token, signature, expires_in };
}
