/** What every cross-field check returns: problems at paths, and warnings (sentences). */
import type { z } from 'zod';
import type { ConfigPath, PathProblem } from '../errors.js';
import type { configSchema } from '../schema/config.js';

export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedOidc = NonNullable<NonNullable<ParsedConfig['identity_providers']>['oidc']>;
export type ParsedClient = ParsedOidc['clients'][number];

export type CheckProblem = PathProblem;

export interface CheckReport {
  problems: CheckProblem[];
  warnings: string[];
}

export const OIDC_PATH = ['identity_providers', 'oidc'] as const;

/** Reports each repeated entry of a list at its second (and later) position. */
export function duplicateProblems(values: readonly string[], path: ConfigPath, what = 'is listed'): CheckProblem[] {
  const seen = new Map<string, number>();
  const problems: CheckProblem[] = [];
  values.forEach((value, i) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else problems.push({ path: [...path, i], message: `'${value}' ${what} twice (first at index ${first})` });
  });
  return problems;
}
