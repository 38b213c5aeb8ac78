/**
 * Client authentication (RFC 6749 §2.3, §3.2.1): the registry of methods and the one function the
 * back-channel endpoints call. Steps: find which method the request uses (exactly one), find the
 * client, check the method is the registered one, verify the credentials. Every failure after a
 * secret was presented costs one digest verification; a full verification queue is 503
 * `temporarily_unavailable` with `Retry-After` (verify-secret.ts).
 */
import type { TokenEndpointAuthMethod } from '../../config/index.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { OAuthError } from '../errors.js';
import { clientAssertion } from './client-assertion.js';
import { clientSecretBasic } from './client-secret-basic.js';
import { clientSecretPost } from './client-secret-post.js';
import { dummySecretOf } from './dummy-secret.js';
import { CLIENT_AUTH_FAILED, clientAuthFailure } from './failure.js';
import { none } from './none.js';
import type { ClientAuthDeps, ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './types.js';
import { spendSecretVerification } from './verify-secret.js';

export type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials, ClientAuthDeps } from './types.js';

/** Every method by its `token_endpoint_auth_method` value. */
export const CLIENT_AUTH_METHODS: Readonly<Record<TokenEndpointAuthMethod, ClientAuthMethod>> = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  client_secret_jwt: clientAssertion,
  private_key_jwt: clientAssertion,
  none,
};

/** The methods that carry credentials, in the order they are looked for. `none` is the fallback. */
const CREDENTIAL_METHODS: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost, clientAssertion];

export interface AuthenticatedClient {
  client: RegisteredClient;
  /** The method the request used. */
  method: TokenEndpointAuthMethod;
}

export interface AuthenticateClientDeps extends ClientAuthDeps {
  clients: ClientRegistry;
}

interface Presented {
  module: ClientAuthMethod;
  credentials: PresentedCredentials;
}

/** RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request." */
export function findPresentedMethod(request: ClientAuthRequest): Presented | null {
  const found: Presented[] = [];
  for (const module of CREDENTIAL_METHODS) {
    const credentials = module.extract(request);
    if (credentials) found.push({ module, credentials });
  }
  if (found.length > 1) {
    throw new OAuthError('invalid_request', `The client used more than one authentication method (${found.map((f) => f.module.name).join(', ')}).`);
  }
  if (found.length === 1) {
    const [only] = found as [Presented];
    const bodyId = request.params.get('client_id');
    // A client_id in the body alongside Basic credentials is tolerated only when it names the same client.
    if (bodyId && bodyId !== only.credentials.client_id) {
      throw new OAuthError('invalid_request', "The 'client_id' parameter does not match the authenticated client.");
    }
    return only;
  }
  const credentials = none.extract(request);
  return credentials ? { module: none, credentials } : null;
}

/** The methods a client may use: its registered one, plus the secret methods when it allows several. */
export function allowedMethods(client: RegisteredClient): TokenEndpointAuthMethod[] {
  const registered = client.config.token_endpoint_auth_method;
  if (!client.config.allow_multiple_auth_methods || client.secret === null) return [registered];
  return [...new Set<TokenEndpointAuthMethod>([registered, 'client_secret_basic', 'client_secret_post'])];
}

export async function authenticateClient(deps: AuthenticateClientDeps, request: ClientAuthRequest): Promise<AuthenticatedClient> {
  const presented = findPresentedMethod(request);
  const basicTried = presented?.module === clientSecretBasic;
  if (!presented) throw clientAuthFailure('Client authentication failed: the request carries no client credentials.', false);
  const client = deps.clients.get(presented.credentials.client_id);
  // Each failure below costs what a wrong secret does (verify-secret.ts): timing must not tell a
  // prober whether the client exists, has a secret, or uses another method.
  if (!client) {
    await spendSecretVerification(presented.credentials, deps, dummySecretOf(deps.clients));
    throw clientAuthFailure(CLIENT_AUTH_FAILED, basicTried);
  }
  const allowed = allowedMethods(client);
  const method = presented.module.methods.find((m) => allowed.includes(m));
  if (!method) {
    // E.g. a public client (no secret) presenting one: the description is for debug messages only.
    await spendSecretVerification(presented.credentials, deps, dummySecretOf(deps.clients));
    throw clientAuthFailure(
      `The client is registered for the token_endpoint_auth_method '${client.config.token_endpoint_auth_method}' but the request used '${presented.module.name}'.`,
      basicTried,
    );
  }
  await presented.module.verify(client, presented.credentials, deps);
  return { client, method };
}
