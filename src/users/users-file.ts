/**
 * Parses and validates Authelia's users file (`authentication_backend.file`): pure, no I/O.
 * Every problem is reported at once, each with its `users.<name>.<field>` path and line:column.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import { parseDigest } from '../crypto/password-hash/index.js';
import type { UserRecord } from './user.js';
import type { UsersFileProblem } from './users-file-error.js';
import { YamlReader } from './yaml-reader.js';

export interface ParsedUsersFile {
  users: Map<string, UserRecord>;
  problems: UsersFileProblem[];
  /** Accepted but worth fixing (plaintext passwords, an empty users map). */
  warnings: UsersFileProblem[];
}

const USER_KEYS = ['displayname', 'password', 'email', 'emails', 'groups', 'disabled'] as const;
type UserKey = (typeof USER_KEYS)[number];

/** local@domain, no whitespace, one `@`, dot-separated non-empty domain labels: a sanity check, not RFC 5322. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*$/;
const WHITESPACE = /\s/;

export function parseUsersFile(text: string): ParsedUsersFile {
  const reader = new YamlReader(text);
  const users = new Map<string, UserRecord>();
  // A syntax error leaves the tree unreliable: report it alone rather than a cascade of guesses.
  if (reader.problems.length === 0) readRoot(reader, users);
  return { users: reader.problems.length === 0 ? users : new Map<string, UserRecord>(), problems: reader.problems, warnings: reader.warnings };
}

function readRoot(reader: YamlReader, users: Map<string, UserRecord>): void {
  const root = reader.resolve(reader.doc.contents);
  if (!isMap(root)) {
    reader.problem('users', root, root === null ? 'is required' : 'the file must be a mapping with a `users` key');
    return;
  }
  let usersNode: Pair | undefined;
  for (const pair of root.items) {
    const key = reader.keyText(pair.key);
    if (key === 'users') usersNode = pair;
    else reader.problem(key ?? '', pair.key, 'unknown key (expected: users)');
  }
  if (usersNode === undefined) {
    reader.problem('users', root, 'is required');
    return;
  }
  const map = reader.resolve(usersNode.value);
  if (!isMap(map)) {
    reader.problem('users', map ?? usersNode.key, 'must be a mapping of usernames to users');
    return;
  }
  if (map.items.length === 0) reader.warning('users', map, 'no users are defined: nobody can log in');
  for (const pair of map.items) readUser(reader, pair, users);
}

function readUser(reader: YamlReader, pair: Pair, users: Map<string, UserRecord>): void {
  const username = reader.keyText(pair.key) ?? '';
  const path = `users.${username}`;
  if (username === '' || WHITESPACE.test(username)) {
    reader.problem(path, pair.key, 'the username must be non-empty and contain no whitespace');
    return;
  }
  if (users.has(username)) {
    reader.problem(path, pair.key, 'the username is defined more than once');
    return;
  }
  const node = reader.resolve(pair.value);
  if (!isMap(node)) {
    reader.problem(path, node ?? pair.key, 'must be a mapping (displayname, password, email, groups, disabled)');
    return;
  }
  const fields = readFields(reader, path, node);
  const before = reader.problems.length;
  const password_digest = readPassword(reader, path, pair.key, fields.password);
  const display_name = readDisplayName(reader, path, pair.key, fields.displayname);
  const emails = readEmails(reader, path, pair.key, fields.email, fields.emails);
  const groups = fields.groups === undefined ? [] : readStringList(reader, `${path}.groups`, fields.groups, 'a group');
  const disabled = fields.disabled === undefined ? false : readBoolean(reader, `${path}.disabled`, fields.disabled);
  if (reader.problems.length === before && password_digest !== null && display_name !== null && emails !== null && groups !== null && disabled !== null) {
    users.set(username, { username, display_name, emails, groups, disabled, password_digest });
  }
}

function readFields(reader: YamlReader, path: string, node: YAMLMap): Partial<Record<UserKey, Node | null>> {
  const fields: Partial<Record<UserKey, Node | null>> = {};
  for (const pair of node.items) {
    const key = reader.keyText(pair.key) ?? '';
    if ((USER_KEYS as readonly string[]).includes(key)) fields[key as UserKey] = reader.resolve(pair.value);
    else reader.problem(`${path}.${key}`, pair.key, `unknown key (expected: ${USER_KEYS.join(', ')})`);
  }
  return fields;
}

function readPassword(reader: YamlReader, path: string, userKey: unknown, node: Node | null | undefined): string | null {
  if (node === undefined) return missing(reader, `${path}.password`, userKey);
  const value = readString(reader, `${path}.password`, node);
  if (value === null) return null;
  try {
    // The digest's own message names the problem, never the value.
    if (parseDigest(value).deprecated) {
      reader.warning(`${path}.password`, node, 'is a plaintext password: store a password digest instead');
    }
    return value;
  } catch (error) {
    reader.problem(`${path}.password`, node, `is not a readable password digest: ${(error as Error).message}`);
    return null;
  }
}

function readDisplayName(reader: YamlReader, path: string, userKey: unknown, node: Node | null | undefined): string | null {
  if (node === undefined) return missing(reader, `${path}.displayname`, userKey);
  return readString(reader, `${path}.displayname`, node);
}

/** `email: a@b` or `emails: [a@b, c@d]`, exactly one of them; the first address is the primary one. */
function readEmails(
  reader: YamlReader, path: string, userKey: unknown, email: Node | null | undefined, emails: Node | null | undefined,
): string[] | null {
  if (email !== undefined && emails !== undefined) {
    reader.problem(path, userKey, 'set either email or emails, not both');
    return null;
  }
  if (email === undefined && emails === undefined) return missing(reader, `${path}.email`, userKey, ' (or emails)');
  const list = email !== undefined
    ? [readString(reader, `${path}.email`, email)]
    : readStringItems(reader, `${path}.emails`, emails ?? null, 'an email address');
  if (list === null) return null;
  if (emails !== undefined && list.length === 0) {
    reader.problem(`${path}.emails`, emails, 'must list at least one email address');
    return null;
  }
  // Every address is checked, even after a bad item, so one pass reports everything.
  let ok = true;
  list.forEach((address, index) => {
    if (address === null) ok = false;
    else if (!EMAIL_ADDRESS.test(address)) {
      const where = email !== undefined ? `${path}.email` : `${path}.emails[${index}]`;
      const node = email !== undefined ? email : isSeq(emails) ? emails.items[index] : emails;
      reader.problem(where, node, `"${address}" is not an email address`);
      ok = false;
    }
  });
  return ok ? (list as string[]) : null;
}

function readString(reader: YamlReader, path: string, node: Node | null, expected = 'a non-empty string'): string | null {
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
  reader.problem(path, node, `must be ${expected}`);
  return null;
}

/** The list's strings, with null where an item is not one (already reported); null when not a list. */
function readStringItems(reader: YamlReader, path: string, node: Node | null, what: string): (string | null)[] | null {
  if (!isSeq(node)) {
    reader.problem(path, node, 'must be a list of strings');
    return null;
  }
  return node.items.map((item, index) => readString(reader, `${path}[${index}]`, reader.resolve(item), `${what} (a non-empty string)`));
}

function readStringList(reader: YamlReader, path: string, node: Node | null, what: string): string[] | null {
  const items = readStringItems(reader, path, node, what);
  return items === null || items.includes(null) ? null : (items as string[]);
}

function readBoolean(reader: YamlReader, path: string, node: Node | null): boolean | null {
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  reader.problem(path, node, 'must be true or false');
  return null;
}

function missing(reader: YamlReader, path: string, userKey: unknown, hint = ''): null {
  reader.problem(path, userKey, `is required${hint}`);
  return null;
}
