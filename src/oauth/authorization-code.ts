/**
 * Issues an authorization code (RFC 6749 §4.1.2) for the authorization endpoint. The code is
 * stored by signature with the GrantSession; the token endpoint consumes it once.
 */
import type { OidcClientConfig } from '../config/index.js';
import type { GrantSession } from './grant-session.js';
import { issueToken, type TokenIssuerDeps } from './token-issuer.js';
import { systemRandom, type Random } from '../util/random.js';

export interface AuthorizationCodeInput {
  client_id: string;
  /** The grant family id; every token later issued from this code shares it. New UUID when absent. */
  request_id?: string;
  subject: string;
  /** The scopes granted (after consent). */
  scopes: string[];
  /** The audience granted (after consent). */
  audience: string[];
  /** What was requested, when it differs from what was granted; defaults to the granted values. */
  requested_scopes?: string[];
  requested_audience?: string[];
  session: GrantSession;
  nowMs: number;
}

export interface AuthorizationCodeDeps extends TokenIssuerDeps {
  clients: { get(client_id: string): { config: OidcClientConfig } | null };
  /** Where a new request_id comes from; default: the system's UUIDs. */
  random?: Random;
}

/** The code to hand to the client; its lifetime is `lifespans.authorize_code` (or the client's custom one). */
export async function issueAuthorizationCode(deps: AuthorizationCodeDeps, input: AuthorizationCodeInput): Promise<string> {
  const client = deps.clients.get(input.client_id);
  if (!client) throw new Error(`issueAuthorizationCode: unknown client '${input.client_id}'`);
  const issued = await issueToken(deps, 'authorization_code', {
    request_id: input.request_id ?? (deps.random ?? systemRandom).uuid(),
    client: client.config,
    subject: input.subject,
    requested_scopes: input.requested_scopes ?? input.scopes,
    granted_scopes: input.scopes,
    requested_audience: input.requested_audience ?? input.audience,
    granted_audience: input.audience,
    session: input.session,
  }, input.nowMs);
  return issued.token;
}
