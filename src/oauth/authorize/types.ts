/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), as the checks leave it. */
import type { RegisteredClient } from '../clients.js';

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';
export type SupportedResponseMode = 'query' | 'form_post';

export interface AuthorizationRequest {
  client: RegisteredClient;
  redirect_uri: string;
  response_type: 'code';
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
  /** The request's parameters, to resume it after sign-in or consent. */
  params: URLSearchParams;
}

/** Where errors may go once the client and its redirect URI are known (RFC 6749 §4.1.2.1). */
export interface ErrorDestination {
  redirect_uri: string;
  response_mode: SupportedResponseMode;
  state?: string;
}
