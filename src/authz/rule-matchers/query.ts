/**
 * `query`: a list of lists of conditions on the target's query parameters; the rule matches when
 * all conditions of any inner list hold (outer OR, inner AND). As in Authelia, a parameter's
 * value is its *first* occurrence, and a missing parameter reads as '' for equal/pattern.
 */
import { compileGoRegex } from './go-regex.js';
import type { Matcher } from './match-input.js';

export type QueryOperator = 'equal' | 'not equal' | 'present' | 'absent' | 'pattern' | 'not pattern';

export interface QueryCondition {
  key: string;
  operator: QueryOperator;
  value?: string | undefined;
}

type ParamCheck = (params: URLSearchParams) => boolean;

function compileCondition({ key, operator, value = '' }: QueryCondition): ParamCheck {
  switch (operator) {
    case 'present':
      return (params) => params.has(key);
    case 'absent':
      return (params) => !params.has(key);
    case 'equal':
      return (params) => (params.get(key) ?? '') === value;
    case 'not equal':
      return (params) => (params.get(key) ?? '') !== value;
    case 'pattern': {
      const regex = compileGoRegex(value);
      return (params) => regex.test(params.get(key) ?? '');
    }
    case 'not pattern': {
      const regex = compileGoRegex(value);
      return (params) => !regex.test(params.get(key) ?? '');
    }
  }
}

export function compileQuery(query: readonly (readonly QueryCondition[])[]): Matcher {
  const alternatives = query.map((conditions) => conditions.map(compileCondition));
  return ({ url }) => {
    const params = url.searchParams;
    return alternatives.some((checks) => checks.every((check) => check(params)));
  };
}
