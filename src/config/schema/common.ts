/** Field builders shared by the section schemas: durations, URLs, CIDRs, regexes, algorithm lists. */
import { isIP } from 'node:net';
import { z } from 'zod';
import { compileGoRegex } from '../../authz/rule-matchers/go-regex.js';
import { parseDuration } from '../duration.js';

const durationInput = () =>
  z.custom<string | number>((v) => typeof v === 'string' || typeof v === 'number', {
    error: (iss) => `must be a duration such as '90', '1h30m' or '2 days' but is ${describeValue(iss.input)}`,
  });

function secondsOrIssue(value: string | number, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
    return z.NEVER;
  }
}

/** A duration in Authelia's notation, as integer seconds in the model. */
export const durationSeconds = durationInput().transform(secondsOrIssue);

/** A duration where `-1` means "disabled" (kept as -1). */
export const durationOrDisabled = durationInput().transform((value, ctx) =>
  value === -1 || value === '-1' ? -1 : secondsOrIssue(value, ctx),
);

export const durationDefault = (seconds: number) => durationSeconds.optional().transform((v) => v ?? seconds);

/** An optional value where Authelia's reference file writes `''` for "not set" (`sector_identifier_uri: ''`). */
export const optionalUnlessEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Accepts a single string where a list is expected (`allowed_origins: "*"`, `domain: a.com`). */
export const stringOrList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(item));

/** Enum matched case-insensitively, canonical spelling out (`bearer` → `Bearer`, `sha256` → `SHA256`). */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? (values.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v) : v),
    z.enum(values),
  );
}

/** A short, never-secret description of a value for messages: strings and numbers are shown, others named. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

export function tryUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export function isLocalhost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname.endsWith('.localhost');
}

/** An absolute https URL; http is accepted for localhost only (development). */
export const httpsUrl = z.string().superRefine((value, ctx) => {
  const url = tryUrl(value);
  if (!url) {
    ctx.addIssue({ code: 'custom', message: `must be an absolute URL but is '${value}'`, input: value });
  } else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocalhost(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: `must be an https URL (http only for localhost) but is '${value}'`, input: value });
  }
});

/** An IP address or CIDR range: `10.0.0.0/8`, `::1/128`, `192.168.1.1`. */
export function isCidr(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const cidr = z.string().refine(isCidr, {
  error: (iss) => `must be an IP address or CIDR range such as '10.0.0.0/8' but is ${describeValue(iss.input)}`,
});

/** Compiled as access control compiles it: Go's `(?P<User>…)` and a leading `(?i)` are Authelia's spellings. */
export function regexProblem(source: string): string | null {
  try {
    compileGoRegex(source);
    return null;
  } catch (err) {
    return `must be a valid regular expression but '${source}' does not compile: ${(err as Error).message}`;
  }
}

export const regex = z.string().superRefine((value, ctx) => {
  const problem = regexProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});

/** `tcp://host:port/path`, `host:port`, `:port` or `host` → parts; null when unreadable. */
export interface ListenAddress {
  host: string;
  port: number;
  path: string;
}

export function parseAddress(value: string, defaultPort: number): ListenAddress | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`;
  const match = /^tcp:\/\/(\[[^\]]*\]|[^:/]*)(?::(\d{1,5}))?(\/.*)?$/i.exec(withScheme);
  if (!match) return null;
  const host = match[1].replace(/^\[(.*)\]$/, '$1');
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 0 || port > 65_535) return null;
  return { host, port, path: match[3] ?? '' };
}

export const RESPONSE_OBJECT_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type ResponseObjectAlg = (typeof RESPONSE_OBJECT_ALGS)[number];
export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;
/** The Request Object table of the integration guide: none, HS*, RS*, PS*, ES*. */
export const REQUEST_OBJECT_ALGS = ['none', ...HMAC_ALGS, ...RESPONSE_OBJECT_ALGS] as const;
