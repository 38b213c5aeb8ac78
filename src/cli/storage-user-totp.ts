/**
 * `gatehouse storage user totp delete|export` (Authelia's command names): an administrator removes a
 * user's authenticator (a lost phone), or exports every user's TOTP configuration to move it into
 * another authenticator or server — as otpauth:// URIs (`export uri`) or CSV (`export csv`).
 * Straight in storage, without starting the server.
 */
import { totpUri } from '../authn/totp.js';
import type { TotpConfiguration } from '../storage/types.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.js';
import { usernameOf, withStorage } from './storage-user-webauthn.js';

const CONFIG_OPTION = { config: { type: 'string', short: 'c', default: 'config.yml' } } as const;
const HELP_CONFIG = '  -c, --config FILE   configuration file (default: config.yml)\n  -h, --help          show this help';

export type TotpExportFormat = 'uri' | 'csv';

/** One line per user: the Key URI, or `issuer,username,algorithm,digits,period,secret` (CSV with a header). */
export function formatTotpExport(configs: readonly TotpConfiguration[], format: TotpExportFormat): string {
  const uri = (c: TotpConfiguration) => totpUri(c.secret, c.username, { issuer: c.issuer, algorithm: c.algorithm, digits: c.digits as 6 | 8, period: c.period });
  if (format === 'uri') return configs.map((c) => `${uri(c)}\n`).join('');
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = configs.map((c) => [c.issuer, c.username, c.algorithm, c.digits, c.period, new URL(uri(c)).searchParams.get('secret') ?? ''].map(cell).join(','));
  return ['issuer,username,algorithm,digits,period,secret', ...rows].map((r) => `${r}\n`).join('');
}

export const storageUserTotpDeleteCommand: Command = {
  words: ['storage', 'user', 'totp', 'delete'],
  summary: "delete a user's TOTP configuration",
  help: `Usage: gatehouse storage user totp delete USERNAME [--config FILE]

Deletes the user's TOTP configuration (and its used-code history): they sign in with their
password alone until they enrol again, which needs identity verification. Exits 1 when the user
has none.

Options:
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION },
  allowPositionals: true,
  run: (args, io) => {
    const username = usernameOf(args);
    return withStorage(args, io, async (storage) => {
      if (!(await storage.totp.delete(username))) {
        io.err(`gatehouse: ${username} has no TOTP configuration\n`);
        return EXIT_FAILURE;
      }
      io.out(`deleted the TOTP configuration of ${username}\n`);
      return EXIT_OK;
    });
  },
};

export const storageUserTotpExportCommand: Command = {
  words: ['storage', 'user', 'totp', 'export'],
  summary: "export every user's TOTP configuration (uri or csv)",
  help: `Usage: gatehouse storage user totp export (uri | csv) [--config FILE]

Writes every user's TOTP configuration to standard output, secrets included: 'uri' one otpauth://
Key URI per line (what an authenticator app scans), 'csv' a header and one row per user
(issuer, username, algorithm, digits, period, base32 secret). Keep the output secret.

Options:
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION },
  allowPositionals: true,
  run: (args, io) => {
    const [format, ...extra] = args.positionals;
    if (format !== 'uri' && format !== 'csv') throw new UsageError("give the format: 'uri' or 'csv'");
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    return withStorage(args, io, async (storage) => {
      io.out(formatTotpExport(await storage.totp.list(), format));
      return EXIT_OK;
    });
  },
};
