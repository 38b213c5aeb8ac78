/** Every configuration problem is collected and reported at once, each with its path and position. */
export interface ConfigProblem {
  /** e.g. `identity_providers.oidc.clients[0].redirect_uris[1]` */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type ConfigPath = readonly (string | number)[];

/** A problem before it is placed in the file: its path as segments. */
export interface PathProblem {
  path: ConfigPath;
  message: string;
}

/** `['a', 'b', 0, 'c']` → `a.b[0].c` */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** One line per problem: `path (line 12:7): message`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line !== undefined ? ` (line ${problem.line}:${problem.column ?? 1})` : '';
  const path = problem.path === '' ? '<root>' : problem.path;
  return `${path}${where}: ${problem.message}`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}
