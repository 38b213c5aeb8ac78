/** The shape every client authentication method module shares (RFC 6749 §2.3, OIDC Core §9). */
import type { TokenEndpointAuthMethod } from '../../config/index.js';
import type { RegisteredClient } from '../clients.js';
import type { SecretCache } from '../secret-cache.js';
import type { ClientKeyStore } from '../client-keys.js';
import type { JwtBlacklist } from '../../storage/types.js';
import type { Clock } from '../../util/clock.js';

/** What a back-channel request offers for client authentication. */
export interface ClientAuthRequest {
  /** The `Authorization` header, when sent. */
  authorization: string | undefined;
  /** The form body. */
  params: URLSearchParams;
  /** The URL of the endpoint that received the request: a client assertion's `aud` may name it (RFC 7523 §3). */
  endpointUrl?: string;
}

/** Credentials one method found in the request. */
export interface PresentedCredentials {
  client_id: string;
  /** The secret (client_secret_basic, client_secret_post). */
  secret?: string;
  /** The JWT (client_secret_jwt, private_key_jwt). */
  assertion?: string;
  /** The `client_assertion_type` sent with it (RFC 7521 §4.2). */
  assertion_type?: string;
  /** The URL of the endpoint the assertion was sent to (`ClientAuthRequest.endpointUrl`). */
  endpointUrl?: string;
}

/** What verifying a client assertion (client_secret_jwt, private_key_jwt) needs. */
export interface ClientAssertionDeps {
  /** The issuer identifier: an assertion's `aud` may name it (RFC 7523 §3, draft-ietf-oauth-rfc7523bis). */
  issuer: string;
  /** The token endpoint URL: `aud` may name it at every endpoint (Authelia's OpenID Connect 1.0 integration guide, "Client Assertion Audience"; RFC 9126 §2). */
  tokenEndpointUrl: string;
  /** Each `jti` is accepted once (RFC 7523 §3 rule 7). */
  jwtBlacklist: JwtBlacklist;
  keys: ClientKeyStore;
  clock: Clock;
}

export interface ClientAuthDeps {
  secrets: SecretCache;
  /** Absent when the context wires no replay store: JWT client authentication is then refused. */
  assertions?: ClientAssertionDeps;
}

export interface ClientAuthMethod {
  /** How this module is named in discovery and in error messages. */
  readonly name: string;
  /** The `token_endpoint_auth_method` values this module verifies. */
  readonly methods: readonly TokenEndpointAuthMethod[];
  /** The credentials this request presents for this method, or null when it presents none. */
  extract(request: ClientAuthRequest): PresentedCredentials | null;
  /** Throws `invalid_client` unless the credentials prove that the request comes from `client`. */
  verify(client: RegisteredClient, credentials: PresentedCredentials, deps: ClientAuthDeps): Promise<void>;
}
