/**
 * How sure we are of who the person is: Authelia's authentication levels, in the order they rank.
 * `none` is a session that has not finished its first factor; `one_factor` is a password (or
 * another single proof: a bearer token, basic credentials); `two_factor` adds a second factor.
 * The one definition of the level: sessions, forward-auth identities, access policies and the
 * OIDC authorization policy all compare through `levelSatisfies`.
 */
export const AUTHENTICATION_LEVELS = ['none', 'one_factor', 'two_factor'] as const;

export type AuthenticationLevel = (typeof AUTHENTICATION_LEVELS)[number];

/** A level someone has reached by proving something: what an authenticated identity carries. */
export type FactorLevel = Exclude<AuthenticationLevel, 'none'>;

/** Each level's rank: a higher one satisfies every lower one. */
export const LEVEL_RANK: Readonly<Record<AuthenticationLevel, number>> = Object.freeze({ none: 0, one_factor: 1, two_factor: 2 });

/** True when `level` is at least `required` (two_factor satisfies one_factor; none satisfies only none). */
export function levelSatisfies(level: AuthenticationLevel, required: AuthenticationLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[required];
}
