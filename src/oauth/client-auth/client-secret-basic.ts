/**
 * client_secret_basic (RFC 6749 §2.3.1): `Authorization: Basic base64(id ":" secret)`, where id
 * and secret were each application/x-www-form-urlencoded first (so ':' in an id arrives as %3A).
 */
import { clientAuthFailure } from './failure.js';
import type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './types.js';
import { verifyClientSecret } from './verify-secret.js';

const BASIC = /^basic\s+(\S+)\s*$/i;

/** Reverses application/x-www-form-urlencoded: '+' is a space, then percent-decoding. */
export function formUrlDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** The Basic credentials, or null when no Basic header was sent; invalid_client when malformed. */
export function parseBasicCredentials(authorization: string | undefined): PresentedCredentials | null {
  if (authorization === undefined || !/^basic(\s|$)/i.test(authorization)) return null;
  const match = BASIC.exec(authorization);
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw clientAuthFailure('The HTTP Basic credentials are malformed (RFC 6749 §2.3.1, RFC 7617 §2).', true);
  try {
    return { client_id: formUrlDecode(decoded.slice(0, colon)), secret: formUrlDecode(decoded.slice(colon + 1)) };
  } catch {
    throw clientAuthFailure('The HTTP Basic credentials are not application/x-www-form-urlencoded (RFC 6749 §2.3.1).', true);
  }
}

export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',
  methods: ['client_secret_basic'],
  extract: (request: ClientAuthRequest) => parseBasicCredentials(request.authorization),
  verify: (client, credentials, deps) => verifyClientSecret(client, credentials, deps, true),
};
