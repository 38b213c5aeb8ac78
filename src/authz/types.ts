/** The two values of an access decision (Authelia's `Subject` and `Object`) and its answer. */
import type { AccessPolicy } from '../config/index.js';

export type { Subject } from '../authn/subject-matcher.js';

export type Policy = AccessPolicy;

/** What is asked for. */
export interface RequestObject {
  /** The target, already parsed and normalized (target-url.ts). */
  url: URL;
  /** Upper-case. */
  method: string;
  /** The client's address, as resolved from trusted proxies. */
  remoteIp: string;
}

export interface Decision {
  policy: Policy;
  /** Index of the matching rule in `access_control.rules`; -1 when `default_policy` applied. */
  rule: number;
}

/**
 * A decision plus whether it still depends on the subject. `subjectRequired` is true only for an
 * anonymous request whose first possibly-matching rule has a subject condition: the request must
 * authenticate first, then be decided again with its subject (see rules.ts).
 */
export interface AccessDecision extends Decision {
  subjectRequired: boolean;
}
