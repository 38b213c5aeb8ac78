/**
 * Mints opaque tokens and stores them by signature with the grant they carry (fosite's
 * `GenerateAccessToken` + `CreateAccessTokenSession`). Every token of one authorization shares
 * its `request_id`, which is what replay detection revokes as a family.
 */
import type { OidcClientConfig, OidcConfig } from '../config/index.js';
import type { OpaqueTokenStrategy, TokenKind as OpaqueKind } from '../crypto/opaque-token.js';
import type { NewTokenSession, Storage, TokenKind } from '../storage/types.js';
import { grantSessionToJson, type GrantSession } from './grant-session.js';

export type LifespanKind = 'access_token' | 'authorize_code' | 'id_token' | 'refresh_token';
export type IssuedKind = 'access_token' | 'refresh_token' | 'authorization_code';

export interface TokenIssuerDeps {
  storage: Pick<Storage, 'tokens'>;
  tokens: OpaqueTokenStrategy;
  config: Pick<OidcConfig, 'lifespans'>;
}

/** What a token is issued on: one grant of one client. */
export interface IssuableGrant {
  request_id: string;
  client: OidcClientConfig;
  subject: string | null;
  requested_scopes: string[];
  granted_scopes: string[];
  requested_audience: string[];
  granted_audience: string[];
  session: GrantSession;
}

export interface IssuedToken {
  token: string;
  signature: string;
  expires_in: number;
}

const OPAQUE_KIND: Record<IssuedKind, OpaqueKind> = { access_token: 'at', refresh_token: 'rt', authorization_code: 'ac' };
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

/** Creates one token and its row without storing it; `requested_at_ms` of the row is when this token was issued (its `iat`). */
export function mintToken(deps: Omit<TokenIssuerDeps, 'storage'>, kind: IssuedKind, grant: IssuableGrant, nowMs: number): MintedToken {
  const { token, signature } = deps.tokens.generate(OPAQUE_KIND[kind]);
  const expires_in = lifespanSeconds(deps.config, grant.client, LIFESPAN_OF[kind]);
  return {
    kind,
    token,
    signature,
    expires_in,
    record: {
      signature,
      request_id: grant.request_id,
      client_id: grant.client.client_id,
      subject: grant.subject,
      requested_at_ms: nowMs,
      expires_at_ms: nowMs + expires_in * 1000,
      requested_scopes: [...grant.requested_scopes],
      granted_scopes: [...grant.granted_scopes],
      requested_audience: [...grant.requested_audience],
      granted_audience: [...grant.granted_audience],
      session: grantSessionToJson(grant.session),
    },
  };
}

/** Creates and stores one token. */
export async function issueToken(deps: TokenIssuerDeps, kind: IssuedKind, grant: IssuableGrant, nowMs: number): Promise<IssuedToken> {
  const { token, signature, expires_in, record } = mintToken(deps, kind, grant, nowMs);
  await deps.storage.tokens.create(kind satisfies TokenKind, record);
  return { token, signature, expires_in };
}
