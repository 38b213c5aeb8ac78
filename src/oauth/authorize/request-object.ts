/**
 * Request Objects at the authorization endpoint (RFC 9101 §4-§6, OIDC Core §6.1): the `request`
 * parameter carries the authorization request as a JWT. It is verified with the client's
 * registered material and its claims become the request parameters, before any other check runs.
 *
 * Merge rule (a decision): the object's claims win, and query parameters the object does not name
 * are kept (OIDC Core §6.3.3). RFC 9101 §6.3 says to ignore them instead; merging keeps clients
 * written for OIDC working, and nothing in the query can override a signed value.
 *
 * Every failure is an UnsafeAuthorizationError (shown as a page): until the object is verified, no
 * redirect URI from it — or from the query it may override — is trusted.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, UnsecuredJWT, type CryptoKey } from 'jose';
import { REQUEST_OBJECT_ALGS } from '../../config/schema/common.js';
import type { JwtBlacklist } from '../../storage/types.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { checkClient, UnsafeAuthorizationError } from './check-client.js';

/** The protected header fields a key resolver may use to pick a key. */
export interface RequestObjectHeader {
  alg: string;
  kid?: string;
}

/** The client's public key for an asymmetric algorithm; throws (any error) when none fits. */
export type ClientKeyResolver = (client: RegisteredClient, header: RequestObjectHeader) => Promise<CryptoKey | KeyObject>;

export interface RequestObjectDeps {
  clients: ClientRegistry;
  /** Our issuer URL: the `aud` a request object must name when it has one (RFC 9101 §4). */
  issuer: string;
  nowMs: number;
  /** When given, a `jti` is single use (RFC 7519 §4.1.7). */
  jwtBlacklist?: JwtBlacklist;
  /** Client public keys (jwks / jwks_uri); defaults to the config `jwks` PEM keys only. */
  clientKeys?: ClientKeyResolver;
}

type Claims = Record<string, unknown>;

/** How long a `jti` is remembered when the object has no `exp` (it never expires on its own). */
const JTI_RETENTION_WITHOUT_EXP_SECONDS = 3600;
/** JWT bookkeeping claims: they describe the object, they are not request parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);
const SIGNED_ALGS: readonly string[] = REQUEST_OBJECT_ALGS.filter((alg) => alg !== 'none');
const PLAINTEXT_PREFIX = '$plaintext$';

function invalid(description: string, cause?: unknown): UnsafeAuthorizationError {
  return new UnsafeAuthorizationError('invalid_request_object', description, cause === undefined ? {} : { cause });
}

/**
 * The authorization request with its Request Object applied. Without `request` the query comes
 * back unchanged: a PAR `request_uri` is left to resolvePushedRequest, any other to the checks,
 * which refuse it at the client's redirect URI (check-request-uri.ts).
 */
export async function resolveRequestObject(query: URLSearchParams, deps: RequestObjectDeps): Promise<URLSearchParams> {
  const request = query.get('request');
  const requestUri = query.get('request_uri');
  if (request === null) return query;
  if (requestUri !== null) throw new UnsafeAuthorizationError('invalid_request', "The 'request' and 'request_uri' parameters must not be used together.");
  const client = checkClient(query, deps.clients);
  const claims = await verifyRequestObject(request, client, deps);
  checkClaims(claims, query, deps);
  await consumeJti(claims, client.config.client_id, deps);
  return mergeParameters(claims, query);
}

/** RFC 9101 §6.1-§6.2: the JWS verified with the client's material for the allowed algorithm. */
async function verifyRequestObject(jwt: string, client: RegisteredClient, deps: RequestObjectDeps): Promise<Claims> {
  if (jwt.split('.').length === 5) throw invalid('Encrypted request objects are not supported.');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch (err) {
    throw invalid('The request object is not a valid JWT.', err);
  }
  const required = client.config.request_object_signing_alg;
  // OIDC Registration §2: with no registered algorithm any supported one may be used, and discovery lists `none`.
  if (alg === 'none') {
    if (required !== undefined && required !== 'none') throw invalid(`The request object must be signed for the client '${client.config.client_id}'.`);
    return decodeUnsigned(jwt);
  }
  if (typeof alg !== 'string' || !SIGNED_ALGS.includes(alg)) throw invalid(`The request object algorithm '${String(alg)}' is not supported.`);
  if (required !== undefined && alg !== required) {
    throw invalid(`The request object must be signed with '${required}' for the client '${client.config.client_id}', not '${alg}'.`);
  }
  const key = await requestObjectKey(client, alg, jwt, deps);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jwt, key, { algorithms: [alg] }));
  } catch (err) {
    throw invalid('The request object signature is invalid.', err);
  }
  return parseClaims(new TextDecoder().decode(payload));
}

function decodeUnsigned(jwt: string): Claims {
  try {
    return UnsecuredJWT.decode(jwt).payload;
  } catch (err) {
    throw invalid('The request object is not a valid JWT.', err);
  }
}

function parseClaims(json: string): Claims {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw invalid('The request object payload is not a JSON object.', err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The request object payload is not a JSON object.');
  return value as Claims;
}

/** HS*: the client's plaintext secret (client_secret_jwt); others: the client's public keys. */
async function requestObjectKey(client: RegisteredClient, alg: string, jwt: string, deps: RequestObjectDeps): Promise<CryptoKey | KeyObject | Uint8Array> {
  if (alg.startsWith('HS')) return hmacSecret(client);
  const kid = decodeProtectedHeader(jwt).kid;
  try {
    return await (deps.clientKeys ?? configJwksKey)(client, kid === undefined ? { alg } : { alg, kid });
  } catch (err) {
    throw invalid(`No key of the client '${client.config.client_id}' can verify a '${alg}' request object.`, err);
  }
}

/** A digest cannot key an HMAC: only a `$plaintext$` (or prefix-less) secret can. */
function hmacSecret(client: RegisteredClient): Uint8Array {
  const secret = client.secret;
  if (secret === null || secret.algorithm !== 'plaintext') {
    throw invalid(`The client '${client.config.client_id}' has no plaintext secret to verify an HMAC request object.`);
  }
  const value = secret.encoded.startsWith(PLAINTEXT_PREFIX) ? secret.encoded.slice(PLAINTEXT_PREFIX.length) : secret.encoded;
  return new TextEncoder().encode(value);
}

/**
 * The fallback resolver: the config `jwks` PEM keys, by `kid` when the header names one, else the
 * only key whose `algorithm` (when set) matches. `jwks_uri` needs src/oauth/client-keys.ts.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async like every ClientKeyResolver: no matching key must reject, not throw
export async function configJwksKey(client: RegisteredClient, header: RequestObjectHeader): Promise<KeyObject> {
  const candidates = (client.config.jwks ?? []).filter(
    (jwk) => (header.kid === undefined || jwk.key_id === header.kid) && (jwk.algorithm === undefined || jwk.algorithm === header.alg),
  );
  const [only] = candidates;
  if (candidates.length !== 1 || only === undefined) throw new Error(`${candidates.length} configured keys match kid '${header.kid ?? ''}' and alg '${header.alg}'`);
  return createPublicKey(only.key);
}

/** RFC 9101 §4-§5 and OIDC Core §6.1: the claims that bind the object to us, the client and the query. */
function checkClaims(claims: Claims, query: URLSearchParams, deps: RequestObjectDeps): void {
  const clientId = query.get('client_id') ?? '';
  const nowSeconds = Math.floor(deps.nowMs / 1000);
  if ('request' in claims || 'request_uri' in claims) throw invalid("The request object must not contain 'request' or 'request_uri'.");
  if (claims['iss'] !== undefined && claims['iss'] !== clientId) throw invalid(`The request object 'iss' must be the client id '${clientId}'.`);
  if (claims['aud'] !== undefined && !audienceIncludes(claims['aud'], deps.issuer)) throw invalid(`The request object 'aud' must include the issuer '${deps.issuer}'.`);
  const exp = claims['exp'];
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds >= exp)) throw invalid('The request object has expired.');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds < nbf)) throw invalid('The request object is not valid yet.');
  if (claims['client_id'] !== undefined && claims['client_id'] !== clientId) {
    throw invalid(`The request object 'client_id' does not match the 'client_id' parameter '${clientId}'.`);
  }
  const responseType = query.get('response_type');
  if (claims['response_type'] !== undefined && responseType !== null && claims['response_type'] !== responseType) {
    throw invalid(`The request object 'response_type' does not match the 'response_type' parameter '${responseType}'.`);
  }
}

function audienceIncludes(aud: unknown, issuer: string): boolean {
  return aud === issuer || (Array.isArray(aud) && aud.includes(issuer));
}

/** A `jti` is single use for its client while the object could still be accepted. */
async function consumeJti(claims: Claims, clientId: string, deps: RequestObjectDeps): Promise<void> {
  const jti = claims['jti'];
  if (jti === undefined || deps.jwtBlacklist === undefined) return;
  if (typeof jti !== 'string' || jti === '') throw invalid("The request object 'jti' must be a non-empty string.");
  const exp = claims['exp'];
  const expiresAtMs = typeof exp === 'number' ? exp * 1000 : deps.nowMs + JTI_RETENTION_WITHOUT_EXP_SECONDS * 1000;
  if (!(await deps.jwtBlacklist.add(`${clientId}:req:${jti}`, expiresAtMs, deps.nowMs))) throw invalid('The request object has already been used.');
}

/**
 * The object's claims as parameters (strings as they are, arrays space-joined, JSON objects such as
 * `claims` re-serialised, numbers and booleans as text), then query parameters it does not name.
 */
export function mergeParameters(claims: Claims, query: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name) || value === null || value === undefined) continue;
    params.set(name, claimAsParameter(value));
  }
  for (const name of new Set(query.keys())) {
    if (name === 'request' || params.has(name)) continue;
    for (const value of query.getAll(name)) params.append(name, value);
  }
  return params;
}

function claimAsParameter(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(' ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}
