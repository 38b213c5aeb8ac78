/**
 * `state` and `nonce`, when present, must be at least `minimum_parameter_entropy` characters
 * (provider option; too short a value is guessable and defeats CSRF / replay protection).
 */
import { OAuthError } from '../errors.js';

export function checkParameterEntropy(params: URLSearchParams, minimum: number): { state?: string; nonce?: string } {
  const out: { state?: string; nonce?: string } = {};
  for (const name of ['state', 'nonce'] as const) {
    const value = params.get(name);
    if (value === null || value === '') continue;
    if (value.length < minimum) {
      throw new OAuthError('invalid_request', `The '${name}' parameter must be at least ${minimum} characters long.`);
    }
    out[name] = value;
  }
  return out;
}
