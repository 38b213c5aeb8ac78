/**
 * `gatehouse storage user webauthn list|delete` (Authelia's command names): an administrator's view
 * of a user's registered security keys and passkeys, and their removal (a lost key), straight in
 * storage without starting the server. Through the settings interface of src/authn/webauthn.
 */
import { resolve } from 'node:path';
import { listWebAuthnCredentials, removeAllWebAuthnCredentials, removeWebAuthnCredential, type WebAuthnCredentialSummary } from '../authn/webauthn/index.js';
import { ConfigError, loadConfigFile } from '../config/index.js';
import { createLogger } from '../observability/log.js';
import { openStorage } from '../storage/index.js';
import type { Storage } from '../storage/types.js';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, stringOption, type CliIO, type Command, type ParsedCommandLine } from './command.js';
import { resolveEncryptionKey } from './storage-migrate.js';

const CONFIG_OPTION = { config: { type: 'string', short: 'c', default: 'config.yml' } } as const;
const HELP_CONFIG = '  -c, --config FILE   configuration file (default: config.yml)\n  -h, --help          show this help';

/** Opens storage as configured (already migrated: `gatehouse storage migrate up`), runs `work`, closes it. */
export async function withStorage(args: ParsedCommandLine, io: CliIO, work: (storage: Storage) => Promise<number>): Promise<number> {
  const path = stringOption(args, 'config') ?? 'config.yml';
  let storage: Storage;
  try {
    const { config } = await loadConfigFile(resolve(io.cwd, path), { env: io.env, nowMs: systemClock.nowMs() });
    const logger = createLogger({ level: 'warn', format: 'text', sink: { write: (line: string) => (io.err(line), true) } });
    storage = await openStorage(await resolveEncryptionKey(config.storage), { logger, migrate: false });
  } catch (err) {
    io.err(err instanceof ConfigError ? `gatehouse: the configuration in ${path} is invalid:\n${err.message}\n` : `gatehouse: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

export function usernameOf(args: ParsedCommandLine): string {
  const [username, ...extra] = args.positionals;
  if (!username) throw new UsageError('give the username');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return username;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** One row per credential: its id (what --kid takes), name, kind, dates, counter and authenticator model. */
export function formatWebAuthnCredentials(credentials: readonly WebAuthnCredentialSummary[]): string {
  const rows = [['ID', 'DESCRIPTION', 'KIND', 'RP ID', 'CREATED', 'LAST USED', 'SIGN COUNT', 'AAGUID']];
  for (const c of credentials) {
    rows.push([c.credential_id, c.description, c.discoverable ? 'passkey' : 'security key', c.rp_id, iso(c.created_at_ms), iso(c.last_used_at_ms), String(c.sign_count), c.aaguid]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export const storageUserWebAuthnListCommand: Command = {
  words: ['storage', 'user', 'webauthn', 'list'],
  summary: "list a user's WebAuthn credentials (security keys, passkeys)",
  help: `Usage: gatehouse storage user webauthn list USERNAME [--config FILE]

Lists the user's registered WebAuthn credentials: the credential id (what delete --kid takes),
its name, whether it is a passkey (discoverable), the relying party id, when it was registered and
last used, its signature counter and its authenticator model (AAGUID).

Options:
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION },
  allowPositionals: true,
  run: (args, io) => {
    const username = usernameOf(args);
    return withStorage(args, io, async (storage) => {
      const credentials = await listWebAuthnCredentials(storage.webauthn, username);
      if (credentials.length === 0) io.out(`${username} has no WebAuthn credentials\n`);
      else io.out(formatWebAuthnCredentials(credentials));
      return EXIT_OK;
    });
  },
};

export const storageUserWebAuthnDeleteCommand: Command = {
  words: ['storage', 'user', 'webauthn', 'delete'],
  summary: "delete a user's WebAuthn credentials",
  help: `Usage: gatehouse storage user webauthn delete USERNAME (--all | --description NAME | --kid ID) [--config FILE]

Deletes one of the user's WebAuthn credentials, by its name or its credential id (as listed by
'gatehouse storage user webauthn list'), or all of them. Exits 1 when nothing matched.

Options:
      --all              every credential of the user
      --description NAME the credential with this name
      --kid ID           the credential with this id
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION, all: { type: 'boolean' }, description: { type: 'string' }, kid: { type: 'string' } },
  allowPositionals: true,
  run: (args, io) => {
    const username = usernameOf(args);
    const all = args.values['all'] === true;
    const description = stringOption(args, 'description');
    const kid = stringOption(args, 'kid');
    if ([all, description !== undefined, kid !== undefined].filter(Boolean).length !== 1) throw new UsageError('give exactly one of --all, --description and --kid');
    return withStorage(args, io, async (storage) => {
      let deleted: number;
      if (all) {
        deleted = await removeAllWebAuthnCredentials(storage.webauthn, username);
      } else {
        const id = kid ?? (await listWebAuthnCredentials(storage.webauthn, username)).find((c) => c.description === description)?.credential_id;
        deleted = id !== undefined && (await removeWebAuthnCredential(storage.webauthn, username, id)) ? 1 : 0;
      }
      if (deleted === 0) {
        io.err(`gatehouse: ${username} has no such WebAuthn credential\n`);
        return EXIT_FAILURE;
      }
      io.out(`deleted ${deleted} WebAuthn credential${deleted === 1 ? '' : 's'} of ${username}\n`);
      return EXIT_OK;
    });
  },
};
