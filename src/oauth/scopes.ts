/** Scope values (RFC 6749 §3.3): parsing, and the checks the grants share. */
import { OAuthError } from './errors.js';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The space-delimited `scope` parameter as a list without duplicates; [] when absent. */
export function parseScope(value: string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  const scopes = value.split(' ').filter((s) => s !== '');
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw new OAuthError('invalid_scope', `The scope '${scope}' contains characters RFC 6749 §3.3 does not allow.`);
  }
  return [...new Set(scopes)];
}

export const formatScope = (scopes: readonly string[]): string => scopes.join(' ');

/** Throws invalid_scope naming the first requested scope that is not in `allowed`. */
export function requireScopesWithin(requested: readonly string[], allowed: readonly string[], what: string): void {
  const extra = requested.find((s) => !allowed.includes(s));
  if (extra !== undefined) throw new OAuthError('invalid_scope', `The scope '${extra}' is not ${what}.`);
}

/** OIDC Core §11: a refresh token is issued only on the offline_access scope (Authelia also accepts 'offline'). */
export const OFFLINE_SCOPES: readonly string[] = ['offline_access', 'offline'];
export const grantsOfflineAccess = (scopes: readonly string[]): boolean => scopes.some((s) => OFFLINE_SCOPES.includes(s));
