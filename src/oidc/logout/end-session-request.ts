/**
 * The end-session request (OIDC RP-Initiated Logout 1.0 §2, §3), checked once: which client asks,
 * for which session, and where the browser may go afterwards. Pure but for the hint's signature
 * check (injected). Every refusal is `invalid_request` shown on a page: nothing here is trusted to
 * be redirected to until it has passed.
 */
import type { ClientRegistry, RegisteredClient } from '../../oauth/clients.js';
import { OAuthError } from '../../oauth/errors.js';
import { optionalParameter, rejectDuplicateParameters } from '../../oauth/parameters.js';
import type { IdTokenHint, IdTokenHintVerifier } from './id-token-hint.js';

/** The parameters of §2, in the order the confirmation form carries them. */
export const END_SESSION_PARAMETERS = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;

export interface EndSessionRequest {
  /** The verified `id_token_hint`, if one was sent. */
  hint: IdTokenHint | null;
  /** The client: the hint's, or `client_id`'s. */
  client: RegisteredClient | null;
  /** Registered for `client` (exact match, §3.1); only then present. */
  post_logout_redirect_uri?: string;
  /** §2: returned to the RP with the post-logout redirect. */
  state?: string;
  /** §2 `ui_locales`, preferred first; the pages are in English whatever it says. */
  ui_locales: string[];
  /** §2 `logout_hint`: who the RP thinks is signing out; shown, never trusted on its own. */
  logout_hint?: string;
  /** The request's own parameters, to carry through the confirmation form unchanged. */
  params: Readonly<Record<string, string>>;
}

export interface EndSessionDeps {
  clients: Pick<ClientRegistry, 'get'>;
  verifyHint: IdTokenHintVerifier;
}

/** §2 and §3, in the spec's order; throws `invalid_request`. */
export async function checkEndSessionRequest(input: URLSearchParams, deps: EndSessionDeps): Promise<EndSessionRequest> {
  rejectDuplicateParameters(input);
  const params: Record<string, string> = {};
  for (const name of END_SESSION_PARAMETERS) {
    const value = optionalParameter(input, name);
    if (value !== undefined) params[name] = value;
  }
  const hint = params['id_token_hint'] === undefined ? null : await deps.verifyHint(params['id_token_hint']);
  const client = clientOf(hint, params['client_id'], deps.clients);
  const redirect = params['post_logout_redirect_uri'];
  if (redirect !== undefined) checkPostLogoutRedirectUri(redirect, client);
  return {
    hint,
    client,
    ...(redirect === undefined ? {} : { post_logout_redirect_uri: redirect }),
    ...(params['state'] === undefined ? {} : { state: params['state'] }),
    ui_locales: (params['ui_locales'] ?? '').split(' ').filter((tag) => tag !== ''),
    ...(params['logout_hint'] === undefined ? {} : { logout_hint: params['logout_hint'] }),
    params,
  };
}

/** §2 client_id: "the OP MUST verify that the Client Identifier matches the one used when issuing the ID Token". */
function clientOf(hint: IdTokenHint | null, clientId: string | undefined, clients: Pick<ClientRegistry, 'get'>): RegisteredClient | null {
  if (clientId === undefined) return hint?.client ?? null;
  if (hint !== null) {
    if (hint.client.config.client_id !== clientId) {
      throw new OAuthError('invalid_request', "The client_id does not match the client of the id_token_hint.", { cause: `client_id '${clientId}', hint of '${hint.client.config.client_id}'` });
    }
    return hint.client;
  }
  const client = clients.get(clientId);
  if (client === null) throw new OAuthError('invalid_request', `The client '${clientId}' is not registered.`);
  return client;
}

/**
 * §3.1 + §2: post_logout_redirect_uri "MUST have been previously registered", compared as a simple
 * string (exactly), for a client the request names (by its id_token_hint or client_id).
 */
export function checkPostLogoutRedirectUri(uri: string, client: RegisteredClient | null): void {
  if (client === null) {
    throw new OAuthError('invalid_request', 'A post_logout_redirect_uri needs an id_token_hint or a client_id naming the client it is registered for.');
  }
  if (!client.config.post_logout_redirect_uris.includes(uri)) {
    throw new OAuthError('invalid_request', `The post_logout_redirect_uri is not registered for the client '${client.config.client_id}'.`, { cause: `unregistered post_logout_redirect_uri '${uri}'` });
  }
}

/** §3: the registered URI with `state` added to its query, as a URL a Location header can carry. */
export function postLogoutRedirectUrl(request: Pick<EndSessionRequest, 'post_logout_redirect_uri' | 'state'>): string | null {
  if (request.post_logout_redirect_uri === undefined) return null;
  const url = new URL(request.post_logout_redirect_uri);
  if (request.state !== undefined) url.searchParams.append('state', request.state);
  return url.href;
}

/** Where the request stands against the browser's session: nothing to end, end it at once, or ask first. */
export type LogoutDecision = 'signed_out' | 'sign_out' | 'confirm';

/**
 * §2: the OP "MUST ask the End-User [whether to log out] if an id_token_hint was not provided or if
 * the supplied ID Token does not belong to the current OP session with the RP". Belonging is the
 * hint's `sid` being the session's.
 */
export function decideLogout(request: Pick<EndSessionRequest, 'hint'>, current: { sid?: string | undefined } | null): LogoutDecision {
  if (current === null) return 'signed_out';
  if (request.hint?.sid !== undefined && request.hint.sid === current.sid) return 'sign_out';
  return 'confirm';
}
