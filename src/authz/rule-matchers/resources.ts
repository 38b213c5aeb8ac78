/**
 * `resources`: any regex matches the path and query, `url.pathname + url.search` (Authelia's
 * `Object.Path`: `/a/b?x=1`) as the proxy sent it: targets with dot or empty segments never get
 * here (target-url.ts), and only unreserved escapes are decoded. Regexes are unanchored, as in Authelia; anchor them (`^/api/`) in the config.
 */
import { compileGoRegex } from './go-regex.js';
import type { Matcher } from './match-input.js';

export function compileResources(resources: readonly string[]): Matcher {
  const regexes = resources.map(compileGoRegex);
  return ({ pathAndQuery }) => regexes.some((regex) => regex.test(pathAndQuery));
}
