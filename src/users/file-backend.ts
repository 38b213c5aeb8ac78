/**
 * The file users backend (`authentication_backend.file`): loads the YAML users file, optionally
 * watches it, and swaps in each good edit atomically. A broken edit is logged and the last good
 * users are kept, so a typo in the file never locks everybody out.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { hashPassword, HashVerificationBusyError, parseDigest, pickDummyDigest, type HashParamsInput, type PasswordDigest } from '../crypto/password-hash/index.js';
import type { Logger } from '../observability/log.js';
import { watchFile } from './file-watcher.js';
import type { FileWatch } from './file-watcher.js';
import type { UserDetails, UserRecord, UsersBackend } from './user.js';
import { formatUsersFileProblem, UsersFileError } from './users-file-error.js';
import type { UsersFileProblem } from './users-file-error.js';
import { parseUsersFile } from './users-file.js';

export interface FileBackendOptions {
  path: string;
  watch: boolean;
  logger: Logger;
  /** Quiet time after the last change event before reloading; 100 ms unless a test says otherwise. */
  debounceMs?: number;
  /** How new passwords are hashed (`authentication_backend.file.password`); without it, passwords cannot be changed. */
  hashParams?: HashParamsInput;
}

export interface FileUsersBackend extends UsersBackend {
  /** The file backend always knows: `peek` without its "ask the directory" case. */
  get(username: string): UserDetails | null;
  /** Re-reads the file now (the watcher calls this too). Never rejects: failures are logged. */
  reload(): Promise<void>;
}

interface Entry {
  details: Readonly<UserDetails>;
  digest: PasswordDigest;
}

/** One immutable generation of users: replaced whole, never edited. */
interface Snapshot {
  users: ReadonlyMap<string, Entry>;
  dummy: PasswordDigest;
  fingerprint: string;
}

type ReadResult = { ok: true; text: string } | { ok: false; missing: boolean; message: string };

/** Throws UsersFileError when the file cannot be read or is invalid at start-up. */
export async function openFileBackend(options: FileBackendOptions): Promise<FileUsersBackend> {
  const { path, logger } = options;
  const first = await readUsersFile(path);
  if (!first.ok) throw new UsersFileError(path, [{ path: '', message: first.message }]);
  const parsed = parseUsersFile(first.text);
  if (parsed.problems.length > 0) throw new UsersFileError(path, parsed.problems);
  logWarnings(logger, path, parsed.warnings);

  let snapshot = buildSnapshot(parsed.users);
  let version = 0;
  let closed = false;
  let pending: Promise<void> = Promise.resolve();

  const reloadOnce = async (): Promise<void> => {
    if (closed) return;
    const read = await readUsersFile(path);
    if (closed) return;
    if (!read.ok) {
      // A rename-over-save leaves the file missing for a moment; its re-creation fires another event.
      if (read.missing) logger.warn('users file is missing; keeping the previous users', { path });
      else logger.error('users file cannot be read; keeping the previous users', { path, reason: read.message });
      return;
    }
    const next = parseUsersFile(read.text);
    if (next.problems.length > 0) {
      logger.error('users file is invalid; keeping the previous users', { path, problems: next.problems.map(formatUsersFileProblem) });
      return;
    }
    logWarnings(logger, path, next.warnings);
    const candidate = buildSnapshot(next.users);
    if (candidate.fingerprint === snapshot.fingerprint) {
      logger.debug('users file unchanged', { path });
      return;
    }
    snapshot = candidate;
    version += 1;
    logger.info('users file reloaded', { users: candidate.users.size });
  };

  // Reloads run one after another, so an older read can never overwrite a newer one.
  const reload = (): Promise<void> => {
    pending = pending.then(reloadOnce).catch((error: unknown) => logger.error('users file reload failed', { path, error }));
    return pending;
  };

  const watcher: FileWatch | undefined = options.watch
    ? watchFile(path, () => void reload(), { debounceMs: options.debounceMs ?? 100, logger })
    : undefined;

  return {
    get version() { return version; },
    get: (username) => snapshot.users.get(username)?.details ?? null,
    peek: (username) => snapshot.users.get(username)?.details ?? null,
    lookup: (username) => Promise.resolve(snapshot.users.get(username)?.details ?? null),
    checkPassword: async (username, password) => {
      const current = snapshot;
      const entry = current.users.get(username);
      // Always verify exactly one digest, whatever the outcome, so every "no" costs the same.
      const matches = await (entry?.digest ?? current.dummy).verify(password).catch((error: unknown) => {
        // A full verification queue checked nothing: "try again later", not a wrong password.
        if (error instanceof HashVerificationBusyError) throw error;
        logger.error('password verification failed', { username, error });
        return false;
      });
      return entry !== undefined && !entry.details.disabled && matches;
    },
    /**
     * In the reload queue, so no reload runs meanwhile: the file is read, the user's `password`
     * replaced in the YAML document (comments and order kept), written beside and renamed over
     * (never half-written), and loaded at once; the watcher's own reload then finds it unchanged.
     */
    changePassword: (username, newPassword) => {
      const hashParams = options.hashParams;
      const change = pending.then(async (): Promise<boolean> => {
        if (!hashParams) throw new Error('the users file backend has no password hash settings');
        const read = await readUsersFile(path);
        if (!read.ok) throw new Error(read.message);
        const document = parseDocument(read.text);
        if (!document.hasIn(['users', username])) return false;
        document.setIn(['users', username, 'password'], await hashPassword(newPassword, hashParams));
        const temporary = `${path}.gatehouse-${process.pid}.tmp`;
        await writeFile(temporary, document.toString(), { mode: (await stat(path)).mode & 0o777 });
        await rename(temporary, path);
        await reloadOnce();
        return true;
      });
      pending = change.then(() => undefined, () => undefined);
      return change;
    },
    reload,
    close: () => {
      closed = true;
      watcher?.close();
    },
  };
}

async function readUsersFile(path: string): Promise<ReadResult> {
  try {
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, message: 'the users file does not exist' };
    return { ok: false, missing: false, message: `the users file cannot be read (${code ?? (error as Error).message})` };
  }
}

function buildSnapshot(records: ReadonlyMap<string, UserRecord>): Snapshot {
  const users = new Map<string, Entry>();
  for (const [username, record] of records) {
    const { password_digest, ...details } = record;
    users.set(username, {
      details: Object.freeze({ ...details, emails: Object.freeze([...details.emails]), groups: Object.freeze([...details.groups]) }) as Readonly<UserDetails>,
      digest: parseDigest(password_digest),
    });
  }
  return { users, dummy: pickDummyDigest([...users.values()].map((e) => e.digest)), fingerprint: fingerprintOf(records) };
}

/** Equal for equal users (digests included), whatever the order, comments or formatting of the file. */
function fingerprintOf(records: ReadonlyMap<string, UserRecord>): string {
  const sorted = [...records.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  return JSON.stringify(sorted.map((r) => [r.username, r.display_name, r.emails, r.groups, r.disabled, r.password_digest]));
}

function logWarnings(logger: Logger, path: string, warnings: UsersFileProblem[]): void {
  for (const warning of warnings) logger.warn('users file warning', { path, problem: formatUsersFileProblem(warning) });
}
