/**
 * client_secret_jwt and private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9): a JWT in
 * `client_assertion`, signed with the client's secret (HS*) or its private key (RS*, PS*, ES*).
 * Steps: the assertion type, the algorithm the client may use, the signature with its key, the
 * claims (assertion-claims.ts), then the `jti` is spent so the assertion cannot be replayed.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { KeyObject } from 'node:crypto';
import { HMAC_ALGS, RESPONSE_OBJECT_ALGS } from '../../config/schema/common.js';
import { ClientKeyError } from '../client-keys.js';
import type { RegisteredClient } from '../clients.js';
import { OAuthError } from '../errors.js';
import { DEFAULT_ASSERTION_POLICY, assertionAudiences, checkAssertionClaims } from './assertion-claims.js';
import { clientAuthFailure } from './failure.js';
import type { ClientAssertionDeps, ClientAuthMethod, PresentedCredentials } from './types.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const PLAINTEXT_PREFIX = '$plaintext$';

/** The client an assertion claims to come from: `client_id`, else the (unverified) `sub`. */
function claimedClientId(params: URLSearchParams, assertion: string): string {
  const explicit = params.get('client_id');
  if (explicit) return explicit;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
}

/** The algorithms this client may sign with: its registered one, else every one of its method's family. */
export function allowedAssertionAlgs(client: RegisteredClient): string[] {
  const registered = client.config.token_endpoint_auth_signing_alg;
  if (registered !== undefined) return [registered];
  return client.config.token_endpoint_auth_method === 'client_secret_jwt' ? [...HMAC_ALGS] : [...RESPONSE_OBJECT_ALGS];
}

/** client_secret_jwt: the HMAC key is the plaintext secret's bytes (OIDC Core §10.1); a digest cannot sign. */
function hmacKeyOf(client: RegisteredClient): Uint8Array {
  const configured = client.config.client_secret;
  if (client.secret?.algorithm !== 'plaintext' || configured === undefined) {
    throw clientAuthFailure("The client_secret_jwt method needs the client's plaintext client_secret.", false);
  }
  const secret = configured.startsWith(PLAINTEXT_PREFIX) ? configured.slice(PLAINTEXT_PREFIX.length) : configured;
  return new TextEncoder().encode(secret);
}

/** The client's message for a jose failure; anything unexpected stays a server error. */
function describeVerifyFailure(err: unknown, allowed: readonly string[]): string {
  if (err instanceof ClientKeyError) return err.message;
  if (err instanceof errors.JWTExpired) return 'The client assertion has expired (RFC 7523 §3 rule 4).';
  if (err instanceof errors.JWTClaimValidationFailed) return `The client assertion's '${err.claim}' claim is invalid (RFC 7523 §3).`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `The client assertion must be signed with ${allowed.map((a) => `'${a}'`).join(', ')}.`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The client assertion signature is invalid.';
  if (err instanceof errors.JOSEError) return 'The client assertion is not a valid signed JWT (RFC 7519, RFC 7515).';
  throw err;
}

async function verifySignature(client: RegisteredClient, assertion: string, deps: ClientAssertionDeps, nowMs: number): Promise<JWTPayload> {
  const allowed = allowedAssertionAlgs(client);
  const getKey: JWTVerifyGetKey = async (header): Promise<KeyObject | Uint8Array> =>
    client.config.token_endpoint_auth_method === 'client_secret_jwt'
      ? hmacKeyOf(client)
      : deps.keys.keyFor(client.config, { alg: header.alg, ...(header.kid === undefined ? {} : { kid: header.kid }) }, nowMs);
  try {
    const { payload } = await jwtVerify(assertion, getKey, {
      algorithms: allowed,
      currentDate: new Date(nowMs),
      clockTolerance: DEFAULT_ASSERTION_POLICY.clockSkewSeconds,
    });
    return payload;
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    throw clientAuthFailure(describeVerifyFailure(err, allowed), false);
  }
}

export async function verifyClientAssertion(client: RegisteredClient, credentials: PresentedCredentials, deps: ClientAssertionDeps | undefined): Promise<void> {
  const type = credentials.assertion_type ?? '';
  const assertion = credentials.assertion ?? '';
  if (type === '' || assertion === '') {
    throw new OAuthError('invalid_request', "The 'client_assertion_type' and 'client_assertion' parameters must be sent together (RFC 7521 §4.2).");
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) throw clientAuthFailure(`The client_assertion_type '${type}' is not supported (RFC 7523 §2.2).`, false);
  if (!deps) throw clientAuthFailure('JWT client authentication is not available on this server.', false);
  const nowMs = deps.clock.nowMs();
  const payload = await verifySignature(client, assertion, deps, nowMs);
  const audiences = assertionAudiences(deps.issuer, deps.tokenEndpointUrl, credentials.endpointUrl ?? deps.tokenEndpointUrl);
  const policy = { ...DEFAULT_ASSERTION_POLICY, client_id: client.config.client_id, audiences };
  const checked = checkAssertionClaims(payload, policy, nowMs);
  if (typeof checked === 'string') throw clientAuthFailure(checked, false);
  const fresh = await deps.jwtBlacklist.add(`${client.config.client_id}:${checked.jti}`, checked.expSeconds * 1000, nowMs);
  if (!fresh) throw clientAuthFailure("The client assertion's 'jti' has already been used (RFC 7523 §3 rule 7).", false);
}

export const clientAssertion: ClientAuthMethod = {
  name: 'client_assertion',
  methods: ['client_secret_jwt', 'private_key_jwt'],
  extract({ params, endpointUrl }) {
    const type = params.get('client_assertion_type');
    const assertion = params.get('client_assertion');
    if (type === null && assertion === null) return null;
    return {
      client_id: claimedClientId(params, assertion ?? ''),
      assertion: assertion ?? '',
      assertion_type: type ?? '',
      ...(endpointUrl === undefined ? {} : { endpointUrl }),
    };
  },
  verify: (client, credentials, deps) => verifyClientAssertion(client, credentials, deps.assertions),
};
