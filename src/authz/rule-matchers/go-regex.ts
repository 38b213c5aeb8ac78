/**
 * Authelia's rules are Go (RE2) regular expressions; the forms its documentation uses that
 * JavaScript spells differently are translated once at start-up:
 * - named groups `(?P<User>…)` → `(?<User>…)`;
 * - a leading `(?i)` → the `i` flag (JavaScript has no inline flags before V8 12.5).
 * Everything else is passed through: the config schema has already checked that it compiles.
 */
const GO_NAMED_GROUP = /(?<!\\)\(\?P</g;
const LEADING_CASE_INSENSITIVE = '(?i)';

export function compileGoRegex(source: string): RegExp {
  const caseInsensitive = source.startsWith(LEADING_CASE_INSENSITIVE);
  const body = (caseInsensitive ? source.slice(LEADING_CASE_INSENSITIVE.length) : source).replace(GO_NAMED_GROUP, '(?<');
  return new RegExp(body, caseInsensitive ? 'i' : '');
}
