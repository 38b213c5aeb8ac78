/**
 * Secrets from files named by environment variables (Authelia's "secrets" method):
 * `GATEHOUSE_<PATH>_FILE` or, for Authelia users, `AUTHELIA_<PATH>_FILE`, where <PATH> is the
 * key's path in upper snake case. Only scalar keys; applied before legacy names are migrated so
 * `issuer_private_key` from a file becomes a `jwks` entry like one written inline.
 */
import { readFileSync } from 'node:fs';
import { formatPath, type ConfigPath, type ConfigProblem } from './errors.js';
import { isRecord } from './legacy.js';

export const SECRET_PATHS: readonly ConfigPath[] = [
  ['identity_providers', 'oidc', 'hmac_secret'],
  ['identity_providers', 'oidc', 'issuer_private_key'],
  ['identity_providers', 'oidc', 'issuer_certificate_chain'],
  ['session', 'secret'],
  ['storage', 'encryption_key'],
  ['storage', 'postgres', 'password'],
  ['authentication_backend', 'ldap', 'password'],
  ['server', 'endpoints', 'remote_introspection', 'client_secret'],
  ['notifier', 'smtp', 'password'],
  ['identity_validation', 'reset_password', 'jwt_secret'],
];

export const ENV_PREFIXES = ['GATEHOUSE_', 'AUTHELIA_'] as const;

export type ReadSecretFile = (path: string) => string;

const readUtf8: ReadSecretFile = (path) => readFileSync(path, 'utf8');

export function secretVariableName(prefix: string, path: ConfigPath): string {
  return `${prefix}${path.join('_').toUpperCase()}_FILE`;
}

/** Fills `data` (in place) from the secret files; returns the problems. Never puts a secret in a message. */
export function applySecretFiles(data: Record<string, unknown>, env: NodeJS.ProcessEnv, readFile: ReadSecretFile = readUtf8): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const path of SECRET_PATHS) {
    const set = ENV_PREFIXES.map((prefix) => secretVariableName(prefix, path)).filter((name) => (env[name] ?? '') !== '');
    if (set.length === 0) continue;
    const where = formatPath(path);
    if (set.length > 1) {
      problems.push({ path: where, message: `is set by both ${set.join(' and ')}: keep one` });
      continue;
    }
    const variable = set[0];
    const file = env[variable]!;
    const parent = parentOf(data, path);
    const key = String(path[path.length - 1]);
    if (parent[key] !== undefined) {
      problems.push({ path: where, message: `is set both in the file and by ${variable}: keep one` });
      continue;
    }
    try {
      parent[key] = readFile(file).replace(/\r?\n$/, '');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      problems.push({ path: where, message: `cannot be read from '${file}' (named by ${variable}): ${reason}` });
    }
  }
  return problems;
}

function parentOf(data: Record<string, unknown>, path: ConfigPath): Record<string, unknown> {
  let node = data;
  for (const segment of path.slice(0, -1)) {
    const key = String(segment);
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  return node;
}
