/**
 * `resources`: any regex matches the path and query, `url.pathname + url.search` (Authelia's
 * `Object.Path`: `/a/b?x=1`), after normalization: dot segments resolved, unreserved escapes
 * decoded. Regexes are unanchored, as in Authelia; anchor them (`^/api/`) in the config.
 */
import { compileGoRegex } from './go-regex.js';
import type { Matcher } from './match-input.js';

export function compileResources(resources: readonly string[]): Matcher {
  const regexes = resources.map(compileGoRegex);
  return ({ pathAndQuery }) => regexes.some((regex) => regex.test(pathAndQuery));
}
