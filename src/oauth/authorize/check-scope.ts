/** RFC 6749 §3.3: every requested scope must be one the client is registered for. */
import type { OidcClientConfig } from '../../config/index.js';
import { OAuthError } from '../errors.js';
import { parseScope } from '../scopes.js';

export function checkScope(params: URLSearchParams, client: Pick<OidcClientConfig, 'scopes'>): string[] {
  const requested = parseScope(params.get('scope'));
  const unknown = requested.find((scope) => !client.scopes.includes(scope));
  if (unknown !== undefined) throw new OAuthError('invalid_scope', `The scope '${unknown}' is not registered for the client.`);
  return requested;
}
