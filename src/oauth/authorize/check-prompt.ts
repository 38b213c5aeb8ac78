/** OIDC Core §3.1.2.1 `prompt` and `max_age`. */
import { OAuthError } from '../errors.js';
import type { Prompt } from './types.js';

const PROMPTS: ReadonlySet<string> = new Set(['none', 'login', 'consent', 'select_account']);

export function checkPrompt(params: URLSearchParams): ReadonlySet<Prompt> {
  const values = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  for (const value of values) {
    if (!PROMPTS.has(value)) throw new OAuthError('invalid_request', `The prompt value '${value}' is not supported.`);
  }
  // "If this parameter contains none with any other value, an error is returned."
  if (values.includes('none') && values.length > 1) throw new OAuthError('invalid_request', "The prompt value 'none' must be used alone.");
  return new Set(values as Prompt[]);
}

export function checkMaxAge(params: URLSearchParams): number | undefined {
  const raw = params.get('max_age');
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new OAuthError('invalid_request', "The 'max_age' parameter must be a non-negative whole number of seconds.");
  return Number(raw);
}
