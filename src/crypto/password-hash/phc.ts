/**
 * Splits a PHC string `$id$[v=19$]k=v,k=v$salt$hash` into its parts. Only the shape is checked
 * here; each format decides which parameters it needs and what values are allowed.
 */
import { DigestFormatError } from './errors.js';

export interface PhcParts {
  readonly id: string;
  readonly version: string | undefined;
  readonly params: ReadonlyMap<string, string>;
  readonly salt: string;
  readonly hash: string;
}

export function splitPhc(encoded: string, label: string): PhcParts {
  const fields = encoded.split('$');
  // ['', id, (v=..)?, params, salt, hash]
  if (fields[0] !== '' || (fields.length !== 5 && fields.length !== 6)) {
    throw new DigestFormatError(`the ${label} digest does not have the form $id$params$salt$hash`);
  }
  const hasVersion = fields.length === 6;
  const versionField = hasVersion ? fields[2] : undefined;
  if (versionField !== undefined && !versionField.startsWith('v=')) {
    throw new DigestFormatError(`the ${label} digest has an unexpected field where the version (v=) belongs`);
  }
  const [paramsField, salt, hash] = fields.slice(hasVersion ? 3 : 2) as [string, string, string];
  return {
    id: fields[1],
    version: versionField?.slice(2),
    params: parseParams(paramsField, label),
    salt,
    hash,
  };
}

function parseParams(field: string, label: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of field.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new DigestFormatError(`the ${label} digest parameters are not a k=v list`);
    const key = pair.slice(0, eq);
    if (params.has(key)) throw new DigestFormatError(`the ${label} digest repeats a parameter`);
    params.set(key, pair.slice(eq + 1));
  }
  return params;
}

/** Rejects parameters other than `allowed`, so a typo never silently changes the meaning. */
export function checkParamNames(params: ReadonlyMap<string, string>, allowed: readonly string[], label: string): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw new DigestFormatError(`the ${label} digest has a parameter other than ${allowed.join(', ')}`);
  }
}
