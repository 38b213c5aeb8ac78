/**
 * RFC 7636 §4.3-4.4 at the authorization endpoint, under the provider's `enforce_pkce`,
 * `enable_pkce_plain_challenge` and the client's `require_pkce` / `pkce_challenge_method`.
 */
import type { OidcClientConfig, OidcConfig } from '../../config/index.js';
import { OAuthError } from '../errors.js';

const CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function pkceRequired(provider: Pick<OidcConfig, 'enforce_pkce'>, client: Pick<OidcClientConfig, 'public' | 'require_pkce'>): boolean {
  return provider.enforce_pkce === 'always' || (provider.enforce_pkce === 'public_clients_only' && client.public) || client.require_pkce;
}

export function checkPkce(
  params: URLSearchParams,
  provider: Pick<OidcConfig, 'enforce_pkce' | 'enable_pkce_plain_challenge'>,
  client: Pick<OidcClientConfig, 'public' | 'require_pkce' | 'pkce_challenge_method'>,
): { code_challenge?: string; code_challenge_method?: 'S256' | 'plain' } {
  const challenge = params.get('code_challenge') ?? '';
  const rawMethod = params.get('code_challenge_method') ?? '';
  if (challenge === '') {
    if (rawMethod !== '') throw new OAuthError('invalid_request', "'code_challenge_method' was sent without a 'code_challenge'.");
    if (pkceRequired(provider, client)) throw new OAuthError('invalid_request', 'This client must use PKCE: the code_challenge parameter is required.');
    return {};
  }
  // RFC 7636 §4.3: plain when the method is absent.
  const method = rawMethod === '' ? 'plain' : rawMethod;
  if (method !== 'S256' && method !== 'plain') throw new OAuthError('invalid_request', `The code challenge method '${method}' is not supported.`);
  if (method === 'plain' && !provider.enable_pkce_plain_challenge) {
    throw new OAuthError('invalid_request', "The 'plain' code challenge method is not allowed: use S256.");
  }
  if (client.pkce_challenge_method !== '' && method !== client.pkce_challenge_method) {
    throw new OAuthError('invalid_request', `This client must use the code challenge method '${client.pkce_challenge_method}'.`);
  }
  if (!CHALLENGE.test(challenge)) throw new OAuthError('invalid_request', 'The code_challenge must be 43 to 128 unreserved characters (RFC 7636 §4.2).');
  return { code_challenge: challenge, code_challenge_method: method };
}
