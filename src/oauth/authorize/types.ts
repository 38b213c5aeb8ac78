/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), as the checks leave it. */
import type { ResponseMode, ResponseType } from '../../config/index.js';
import type { RegisteredClient } from '../clients.js';

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';
export type { ResponseMode, ResponseType };

/**
 * A response mode once `jwt` is resolved (JARM §2.3.4: `query.jwt` for `code`, `fragment.jwt`
 * otherwise): a plain delivery, or a JARM one that signs and then hands off to that delivery.
 */
export type DeliveryMode = 'query' | 'fragment' | 'form_post';
export type SupportedResponseMode = DeliveryMode | `${DeliveryMode}.jwt`;

export interface AuthorizationRequest {
  client: RegisteredClient;
  redirect_uri: string;
  /** The canonical spelling (the config's), whatever order the request used. */
  response_type: ResponseType;
  response_mode: SupportedResponseMode;
  scopes: string[];
  audience: string[];
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: 'S256' | 'plain';
  prompt: ReadonlySet<Prompt>;
  /** OIDC Core §3.1.2.1 `max_age`, seconds. */
  max_age?: number;
  /** The request's effective parameters (src/oidc/interaction keeps them while the person signs in). */
  params: URLSearchParams;
}

/** Where errors may go once the client and its redirect URI are known (RFC 6749 §4.1.2.1). */
export interface ErrorDestination {
  redirect_uri: string;
  response_mode: SupportedResponseMode;
  /** The client, for JARM: errors are signed too (JARM §2.4). */
  client: RegisteredClient;
  state?: string;
}
