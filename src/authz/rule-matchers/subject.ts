/**
 * `subject`: who the rule is for, matched by the one subject matcher (src/authn/subject-matcher.ts:
 * `user:`, `group:`, `oauth2:client:`; outer list OR, inner list AND). An anonymous request could
 * match any subject: it answers true, and the rule then asks the request to authenticate (rules.ts).
 */
import { compileSubjectCondition } from '../../authn/subject-matcher.js';
import type { Matcher } from './match-input.js';

export function compileSubjects(subjects: readonly (readonly string[])[]): Matcher {
  const matches = compileSubjectCondition(subjects);
  return ({ subject }) => subject === null || matches(subject);
}
