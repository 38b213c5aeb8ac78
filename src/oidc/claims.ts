/**
 * The claims each scope releases about the user: exactly the integration guide's scope tables
 * (Authelia's OpenID Connect 1.0 integration guide, "Scope Definitions"), nothing else. Identity claims are opt-in per scope, so a client only
 * learns what it was granted.
 */
import type { UserDetails } from '../users/user.js';

/** Every claim name the tables below can produce (for discovery's `claims_supported`). */
export const SCOPE_CLAIM_NAMES: readonly string[] = Object.freeze([
  'groups',
  'email',
  'email_verified',
  'alt_emails',
  'preferred_username',
  'name',
]);

type ScopeTable = (user: UserDetails) => Record<string, unknown>;

const SCOPE_TABLES: Readonly<Record<string, ScopeTable>> = Object.freeze({
  // Authelia's OpenID Connect 1.0 integration guide, "groups": groups ← groups.
  groups: (user) => ({ groups: [...user.groups] }),
  // Authelia's OpenID Connect 1.0 integration guide, "email": email ← email[0], email_verified assumed true, alt_emails ← email[1:].
  email: (user) => {
    const [primary, ...alternates] = user.emails;
    return primary === undefined ? {} : { email: primary, email_verified: true, alt_emails: alternates };
  },
  // Authelia's OpenID Connect 1.0 integration guide, "profile": preferred_username ← username, name ← display_name.
  profile: (user) => ({ preferred_username: user.username, name: user.display_name }),
});

/** The claims the granted `scopes` release about `user`; scopes without a table add nothing. */
export function scopeClaims(user: UserDetails, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const scope of new Set(scopes)) {
    const table = Object.hasOwn(SCOPE_TABLES, scope) ? SCOPE_TABLES[scope] : undefined;
    if (table) Object.assign(claims, table(user));
  }
  return claims;
}
