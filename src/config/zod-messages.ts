/**
 * Zod issues → configuration problems with sentences that name the bad value ("must be one of
 * 'never', 'public_clients_only', 'always' but is 'sometimes'"). Only types, enum values and
 * numbers are shown; a string that might be a secret is shown only when the schema chose to.
 */
import type { z } from 'zod';
import { formatPath, type ConfigPath, type ConfigProblem } from './errors.js';
import { unknownKeyMessage } from './key-names.js';
import { describeValue } from './schema/common.js';

const TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'a map',
};

/** A scalar as written (`1.5`), a map or list by its kind: never `[object Object]`. */
function valueText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return describeType(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}

const quote = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v));

/** The error map passed to `safeParse`: only issues without a message of their own come here. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int' || (issue.expected === 'number' && typeof issue.input === 'number')) {
        return `must be a whole number but is ${valueText(issue.input)}`;
      }
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected} but is ${describeType(issue.input)}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `must be ${quote(issue.values[0])} but is ${describeValue(issue.input)}`;
      return `must be one of ${issue.values.map(quote).join(', ')} but is ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
      if (issue.origin === 'string') {
        return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters long`;
      }
      return `must be at least ${String(issue.minimum)} but is ${String(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} entries`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters long`;
      return `must be at most ${String(issue.maximum)} but is ${String(issue.input)}`;
    case 'invalid_format':
      return `must match the format ${issue.format} but is ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `is not valid: ${issue.errors.map((branch) => branch[0]?.message).filter(Boolean).join('; or ')}`;
    default:
      return undefined;
  }
};

/** Unknown keys become one problem each, at the key itself, with the closest known name. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: ConfigPath,
  locate: (path: ConfigPath) => { line: number; column: number } | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: ConfigPath, message: string): void => {
    problems.push({ path: formatPath(path), message, ...locate(path) });
  };
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.filter((s): s is string | number => typeof s !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...path, key], unknownKeyMessage([...path, key]));
    } else {
      add(path, issue.message);
    }
  }
  return problems;
}
