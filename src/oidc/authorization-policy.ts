/**
 * The level a person must have reached in the portal before a client gets an authorization: the
 * client's `authorization_policy` (one_factor, two_factor, or a named policy from
 * `authorization_policies`, whose first rule matching the user wins, else its default_policy).
 * Subjects match as in access control (src/authn/subject-matcher.ts); levels compare through
 * src/authn/level.ts.
 */
import type { FactorLevel } from '../authn/level.js';
import { compileSubjectCondition } from '../authn/subject-matcher.js';
import type { OidcConfig } from '../config/index.js';
import type { UserDetails } from '../users/index.js';


/** A level to reach, or `deny`: no level is enough. */
export type RequiredLevel = FactorLevel | 'deny';

export function requiredLevel(policyName: string, policies: OidcConfig['authorization_policies'], user: UserDetails | null): RequiredLevel {
  if (policyName === 'one_factor' || policyName === 'two_factor') return policyName;
  const policy = policies[policyName];
  if (!policy) return 'two_factor'; // unreachable: config validation requires a known name
  for (const rule of policy.rules) {
    if (user && compileSubjectCondition(rule.subject)(user)) return rule.policy;
  }
  return policy.default_policy;
}
