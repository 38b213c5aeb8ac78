/**
 * Request parameters at the back-channel endpoints (token, introspection, revocation, PAR).
 * RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once."
 */
import { OAuthError } from './errors.js';

/** Parameters that may legitimately repeat (RFC 8693 §2.1 `audience`, RFC 8707 §2 `resource`). */
export const REPEATABLE_PARAMETERS: ReadonlySet<string> = new Set(['audience', 'resource']);

/** Throws invalid_request naming the first parameter sent more than once. */
export function rejectDuplicateParameters(params: URLSearchParams, repeatable: ReadonlySet<string> = REPEATABLE_PARAMETERS): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name) && !repeatable.has(name)) {
      throw new OAuthError('invalid_request', `The '${name}' parameter must not be included more than once.`);
    }
    seen.add(name);
  }
}

/** A single, non-empty parameter value; undefined when absent or empty. */
export function optionalParameter(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

/** A required parameter: invalid_request when it is absent or empty. */
export function requiredParameter(params: URLSearchParams, name: string): string {
  const value = optionalParameter(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `The '${name}' parameter is missing.`);
  return value;
}
