/**
 * Problems in the users file, each with its key path and position, formatted like config problems
 * (`users.john.email (line 4:12): …`). Messages never contain a password digest.
 */

export interface UsersFileProblem {
  /** e.g. `users.john.emails[1]` */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** One line per problem: `path (line 12:7): message`. */
export function formatUsersFileProblem(problem: UsersFileProblem): string {
  const where = problem.line !== undefined ? ` (line ${problem.line}:${problem.column ?? 1})` : '';
  const path = problem.path === '' ? '<root>' : problem.path;
  return `${path}${where}: ${problem.message}`;
}

export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
  readonly code = 'ERR_USERS_FILE';
  readonly problems: UsersFileProblem[];

  constructor(file: string, problems: UsersFileProblem[]) {
    super(`invalid users file ${file}:\n${problems.map(formatUsersFileProblem).join('\n')}`);
    this.problems = problems;
  }
}
