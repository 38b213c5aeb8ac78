/**
 * Requested audiences (`audience` parameter, as fosite and Authelia accept it: space-delimited
 * and/or repeated) checked against the client's registered `audience` list.
 */
import type { OidcClientConfig } from '../config/index.js';
import { OAuthError } from './errors.js';

/** Every requested audience, from all `audience` parameters, split on spaces, without duplicates. */
export function parseAudience(params: URLSearchParams): string[] {
  const values = params.getAll('audience').flatMap((v) => v.split(' ')).filter((v) => v !== '');
  return [...new Set(values)];
}

/** Throws invalid_request naming the first requested audience the client is not registered for. */
export function requireAudienceWithin(requested: readonly string[], allowed: readonly string[]): void {
  const extra = requested.find((a) => !allowed.includes(a));
  if (extra !== undefined) throw new OAuthError('invalid_request', `The requested audience '${extra}' is not registered for the client.`);
}

/**
 * The audience to grant (clients guide, `requested_audience_mode`): explicit grants exactly what
 * was requested; implicit grants the whole registered audience when none was requested.
 */
export function grantAudience(requested: readonly string[], client: Pick<OidcClientConfig, 'audience' | 'requested_audience_mode'>): string[] {
  requireAudienceWithin(requested, client.audience);
  if (requested.length === 0 && client.requested_audience_mode === 'implicit') return [...client.audience];
  return [...requested];
}
