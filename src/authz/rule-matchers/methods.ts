/** `methods`: the target's method, as sent (case-sensitive, RFC 9110 §9.1), is one of the listed methods. */
import type { Matcher } from './match-input.js';

export function compileMethods(methods: readonly string[]): Matcher {
  const allowed = new Set(methods.map((method) => method.toUpperCase()));
  return ({ method }) => allowed.has(method);
}
