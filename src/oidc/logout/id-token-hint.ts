/**
 * `id_token_hint` at the end-session endpoint (OIDC RP-Initiated Logout 1.0 §2): an ID Token this
 * provider issued, signed by one of its keys, for one of its clients. An expired one is accepted
 * ("the OP SHOULD accept ID Tokens ... when the RP session has expired", §2; its `exp` is the
 * token's, not the session's), anything else is refused with `invalid_request`: a forged token, one
 * from another issuer, for an unknown client, or a JWT of another kind (a logout token, a JWT
 * access token, a JARM response) signed by the same keys.
 * Pure but for the signature check: no clock (expiry is not checked), no storage.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { IssuerKeySet } from '../../crypto/keys.js';
import type { ClientRegistry, RegisteredClient } from '../../oauth/clients.js';
import { OAuthError } from '../../oauth/errors.js';

export interface IdTokenHint {
  client: RegisteredClient;
  /** The subject as that client knows it. */
  sub: string;
  /** The portal session it was issued in; absent on tokens issued before sessions had one. */
  sid?: string;
}

export interface IdTokenHintDeps {
  issuer: string;
  keys: Pick<IssuerKeySet, 'keys'>;
  clients: Pick<ClientRegistry, 'get'>;
}

const INVALID = 'The id_token_hint is not an ID Token issued by this provider.';

const refuse = (cause: string): OAuthError => new OAuthError('invalid_request', INVALID, { cause: `id_token_hint: ${cause}` });

type PublicKeys = ReadonlyMap<string, { key: KeyObject; algorithms: readonly string[] }>;

function publicKeyFor(byKid: PublicKeys, header: ProtectedHeaderParameters): KeyObject {
  const found = header.kid === undefined ? undefined : byKid.get(header.kid);
  if (found === undefined) throw refuse(`no issuer key has the key id '${String(header.kid)}'`);
  if (header.alg === undefined || !found.algorithms.includes(header.alg)) throw refuse(`the key '${header.kid}' does not sign with ${String(header.alg)}`);
  return found.key;
}

export type IdTokenHintVerifier = (hint: string) => Promise<IdTokenHint>;

/** Made once (the keys' public halves by kid); verifies a hint into its client, subject and sid, or throws invalid_request. */
export function createIdTokenHintVerifier(deps: IdTokenHintDeps): IdTokenHintVerifier {
  const byKid: PublicKeys = new Map(deps.keys.keys.map((k) => [k.kid, { key: createPublicKey(k.privateKey), algorithms: k.algorithms }]));
  return (hint) => verifyIdTokenHint(hint, deps, byKid);
}

async function verifyIdTokenHint(hint: string, deps: IdTokenHintDeps, byKid: PublicKeys): Promise<IdTokenHint> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(hint);
  } catch {
    throw refuse('not a JWS');
  }
  // Our ID Tokens are typed JWT (id-token.ts); logout tokens, JWT access tokens and JARM answers are not.
  if (header.typ !== undefined && header.typ !== 'JWT') throw refuse(`a JWT of type '${header.typ}'`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(hint, publicKeyFor(byKid, header)));
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    throw refuse(`the signature does not verify (${(err as Error).message})`);
  }
  const claims = parseClaims(payload);
  if (claims['iss'] !== deps.issuer) throw refuse(`issued by '${String(claims['iss'])}'`);
  if (typeof claims['sub'] !== 'string' || claims['sub'] === '') throw refuse('no sub');
  if (typeof claims['iat'] !== 'number') throw refuse('no iat');
  // A logout token (typed logout+jwt, refused above) also carries `events`: refused whatever its header says.
  if (claims['events'] !== undefined) throw refuse('a logout token');
  const client = deps.clients.get(clientIdOf(claims));
  if (client === null) throw refuse(`for the unknown client '${clientIdOf(claims)}'`);
  const sid = typeof claims['sid'] === 'string' && claims['sid'] !== '' ? claims['sid'] : undefined;
  return { client, sub: claims['sub'], ...(sid === undefined ? {} : { sid }) };
}

function parseClaims(payload: Uint8Array): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw refuse('its payload is not a JSON object');
}

/** OIDC Core §2: `azp` names the client when present; else the one audience (ours are always one client). */
function clientIdOf(claims: Record<string, unknown>): string {
  if (typeof claims['azp'] === 'string') return claims['azp'];
  const aud = claims['aud'];
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string') return aud[0];
  throw refuse('no single audience');
}
