/** `methods`: the target's method (upper-case) is one of the listed methods. */
import type { Matcher } from './match-input.js';

export function compileMethods(methods: readonly string[]): Matcher {
  const allowed = new Set(methods.map((method) => method.toUpperCase()));
  return ({ method }) => allowed.has(method);
}
