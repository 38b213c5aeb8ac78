/**
 * The level a person must have reached in the portal before a client gets an authorization: the
 * client's `authorization_policy` (one_factor, two_factor, or a named policy from
 * `authorization_policies`, whose first rule matching the user wins, else its default_policy).
 */
import type { OidcConfig } from '../config/index.js';
import type { UserDetails } from '../users/index.js';

export type RequiredLevel = 'one_factor' | 'two_factor' | 'deny';
export type SessionLevel = 'none' | 'one_factor' | 'two_factor';

export function requiredLevel(policyName: string, policies: OidcConfig['authorization_policies'], user: UserDetails | null): RequiredLevel {
  if (policyName === 'one_factor' || policyName === 'two_factor') return policyName;
  const policy = policies[policyName];
  if (!policy) return 'two_factor'; // unreachable: config validation requires a known name
  for (const rule of policy.rules) {
    if (user && rule.subject.some((all) => all.every((s) => subjectMatches(s, user)))) return rule.policy;
  }
  return policy.default_policy;
}

/** `user:<name>` or `group:<name>` (outer list OR, inner list AND, as in access control). */
function subjectMatches(subject: string, user: UserDetails): boolean {
  if (subject.startsWith('user:')) return subject.slice(5) === user.username;
  if (subject.startsWith('group:')) return user.groups.includes(subject.slice(6));
  return false;
}

const RANK: Record<SessionLevel, number> = { none: 0, one_factor: 1, two_factor: 2 };

export function levelSatisfies(level: SessionLevel, required: 'one_factor' | 'two_factor'): boolean {
  return RANK[level] >= RANK[required];
}
