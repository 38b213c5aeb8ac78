/**
 * One request as the compiled rule conditions read it: every value is computed once per
 * `decide` call, not once per rule.
 */
import type { Subject } from '../types.js';

export interface MatchInput {
  /** `url.hostname`: lower-case, no port, no trailing dot. */
  readonly host: string;
  readonly method: string;
  /** `url.pathname + url.search` (Authelia's object path), or '' when no rule has `resources`. */
  readonly pathAndQuery: string;
  readonly url: URL;
  readonly remoteIp: string;
  /** null: anonymous. Subject conditions then answer "could match once authenticated". */
  readonly subject: Subject | null;
}

/** One compiled rule condition. */
export type Matcher = (input: MatchInput) => boolean;
