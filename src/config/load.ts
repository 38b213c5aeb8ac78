/**
 * YAML text → typed, frozen model. Steps, each collecting problems rather than stopping:
 * YAML syntax → secrets from `*_FILE` variables → legacy names → Authelia keys Gatehouse does not
 * implement set aside (authelia/not-implemented.ts) → zod, per section → cross-field checks.
 * Every problem carries its path and, where the file has it, line:column; an unknown key also
 * the closest name Gatehouse or Authelia has beside it.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { setAsideNotImplemented } from './authelia/not-implemented.js';
import { checkConfig } from './checks/index.js';
import type { ParsedConfig } from './checks/types.js';
import { ConfigError, formatPath, type ConfigProblem, type PathProblem } from './errors.js';
import { unknownKeyMessage } from './key-names.js';
import { applyLegacy, isRecord } from './legacy.js';
import { createLocator } from './positions.js';
import { configSchema, type Config } from './schema/config.js';
import { applySecretFiles, type ReadSecretFile } from './secrets.js';
import { configErrorMap, issuesToProblems } from './zod-messages.js';

export interface ParseOptions {
  env: NodeJS.ProcessEnv;
  /** "Now" for certificate validity: passed in so that validation stays pure. */
  nowMs: number;
  fileName?: string;
  /** Reads the files named by `*_FILE` variables (tests replace it). */
  readSecretFile?: ReadSecretFile;
}

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/** Throws ConfigError with every problem found. */
export function parseConfig(text: string, opts: ParseOptions): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax: ConfigProblem[] = doc.errors.map((err) => {
    const { line, col } = lineCounter.linePos(syntaxErrorOffset(doc, err));
    return { path: '', message: err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), line, column: col };
  });
  if (syntax.length > 0) throw new ConfigError(syntax);

  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (!isRecord(data)) throw new ConfigError([{ path: '', message: 'must be a map of sections (server, identity_providers, …)', line: 1, column: 1 }]);

  const problems: ConfigProblem[] = applySecretFiles(data, opts.env, opts.readSecretFile);
  const legacy = applyLegacy(data);
  const locate = createLocator(doc, lineCounter, legacy.aliases);
  const place = (p: PathProblem): ConfigProblem => ({ path: formatPath(p.path), message: p.message, ...locate(p.path) });
  problems.push(...legacy.problems.map(place));
  const setAside = setAsideNotImplemented(legacy.value);
  problems.push(...setAside.problems.map(place));

  const shape = configSchema.shape;
  const sections: Record<string, unknown> = {};
  for (const key of Object.keys(legacy.value)) {
    if (!(key in shape)) problems.push(place({ path: [key], message: unknownKeyMessage([key]) }));
  }
  for (const [key, schema] of Object.entries(shape)) {
    const result = schema.safeParse(legacy.value[key], { error: configErrorMap });
    if (result.success) sections[key] = result.data;
    else problems.push(...issuesToProblems(result.error.issues, [key], locate));
  }

  const checks = checkConfig(sections, opts.nowMs);
  problems.push(...checks.problems.map(place));
  if (problems.length > 0) throw new ConfigError(sortByPosition(problems));

  const warnings = [...doc.warnings.map((w) => w.message), ...legacy.warnings, ...setAside.warnings, ...checks.warnings];
  return { config: deepFreeze(sections as ParsedConfig), warnings };
}

export async function loadConfigFile(path: string, opts: Omit<ParseOptions, 'fileName'>): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read the configuration file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseConfig(text, { ...opts, fileName: path });
}

/**
 * Where a syntax error is: the parser's offset, except for an unterminated quoted string, which
 * it reports where the file ends; the string's opening quote is where the fix goes.
 */
function syntaxErrorOffset(doc: Document, err: YAMLError): number {
  let offset = err.pos[0];
  if (err.code !== 'MISSING_CHAR' || !err.message.includes('quote')) return offset;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') && node.range?.[1] === err.pos[0]) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/** Problems in file order; those without a position (secrets from the environment) first. */
function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? 0) - (b.problem.line ?? 0) || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
