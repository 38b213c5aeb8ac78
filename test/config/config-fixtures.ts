/** Builders for configuration tests: YAML from objects, problems as `path: message` lines. */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { NOT_IMPLEMENTED } from '../../src/config/authelia/not-implemented.js';
import { ConfigError, parseConfig, type Config } from '../../src/config/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
export const fixture = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');

/** A moment inside the fixture chain's validity (both certificates). */
export const VALID_NOW_MS = Date.parse(new X509Certificate(fixture('leaf.crt')).validFrom) + 86_400_000;
export const AFTER_EXPIRY_MS = Date.parse(new X509Certificate(fixture('leaf.crt')).validTo) + 86_400_000;

type Json = Record<string, unknown>;

export const baseClient = (): Json => ({
  client_id: 'app',
  client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng',
  redirect_uris: ['https://app.example.com/callback'],
});

/** A provider needs an issuer; the base configures no session cookie to derive it from. */
export const BASE_ISSUER = 'https://auth.example.com';

export const baseConfig = (): Json => ({
  storage: { local: { path: '/var/lib/gatehouse/db.sqlite3' } },
  identity_providers: { oidc: { issuer: BASE_ISSUER, clients: [baseClient()] } },
});

/** Shallow-merges `overrides` into the single client; `undefined` removes a key (in either). */
export function withClient(overrides: Json, oidcOverrides: Json = {}): Json {
  const config = baseConfig();
  const client = merge(baseClient(), overrides);
  (config['identity_providers'] as Json)['oidc'] = merge({ issuer: BASE_ISSUER, clients: [client] }, oidcOverrides);
  return config;
}

export function merge(target: Json, overrides: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

export const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

export interface ParseTestOptions {
  env?: NodeJS.ProcessEnv;
  nowMs?: number;
  readSecretFile?: (path: string) => string;
}

/** `path: message` for every problem; [] when the configuration is valid. */
export function problemsOf(source: string | Json, opts: ParseTestOptions = {}): string[] {
  try {
    parse(source, opts);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
}

export function parse(source: string | Json, opts: ParseTestOptions = {}): { config: Config; warnings: string[] } {
  const text = typeof source === 'string' ? source : toYaml(source);
  return parseConfig(text, { env: opts.env ?? {}, nowMs: opts.nowMs ?? VALID_NOW_MS, ...(opts.readSecretFile ? { readSecretFile: opts.readSecretFile } : {}) });
}

/** The start-up warning for a key of Authelia's that Gatehouse accepts without implementing it. */
export function notImplementedWarning(key: string): string {
  const entry = NOT_IMPLEMENTED.find((e) => e.key === key);
  if (!entry || !('instead' in entry)) throw new Error(`NOT_IMPLEMENTED has no warning for ${key}`);
  return `config key ${key} is accepted for compatibility with Authelia but not implemented: ${entry.instead}`;
}
