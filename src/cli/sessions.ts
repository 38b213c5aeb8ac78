/**
 * `gatehouse sessions list --user U` and `gatehouse sessions revoke --user U | --sid S`: an
 * administrator's view of the portal sessions, and sign-out from outside (issue #16). Revoking goes
 * through the server's own sign-out (src/oidc/logout/sign-out.ts): the sessions end on every
 * replica (storage is shared), grants without offline_access are revoked (announced to the other
 * replicas' introspection caches on PostgreSQL), and each client with a back-channel logout URI is
 * sent its Logout Token before the command exits.
 */
import { resolve } from 'node:path';
import { sessionFromJson } from '../authn/session/index.js';
import { ConfigError, loadConfigFile, type Config } from '../config/index.js';
import { buildContext, closeContext, type AppContext } from '../context.js';
import { createLogger } from '../observability/log.js';
import type { StoredPortalSession } from '../storage/types.js';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, stringOption, type CliIO, type Command, type ParsedCommandLine } from './command.js';

const CONFIG_OPTION = { config: { type: 'string', short: 'c', default: 'config.yml' } } as const;
const HELP_CONFIG = '  -c, --config FILE   configuration file (default: config.yml)\n  -h, --help          show this help';

async function withContext(args: ParsedCommandLine, io: CliIO, work: (ctx: AppContext) => Promise<number>): Promise<number> {
  const path = stringOption(args, 'config') ?? 'config.yml';
  let config: Config;
  try {
    ({ config } = await loadConfigFile(resolve(io.cwd, path), { env: io.env, nowMs: systemClock.nowMs() }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`gatehouse: the configuration in ${path} is invalid:\n${err.message}\n`);
    return EXIT_FAILURE;
  }
  const logger = createLogger({ level: 'warn', format: 'text', sink: { write: (line: string) => (io.err(line), true) } });
  let ctx: AppContext;
  try {
    ctx = await buildContext(config, { logger, clock: systemClock, collectProcessMetrics: false });
  } catch (err) {
    io.err(`gatehouse: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  try {
    return await work(ctx);
  } finally {
    await closeContext(ctx);
  }
}

const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** One table row per session: its sid, level, when it began and was last used, when it ends, the clients it signed into. */
export async function formatSessions(ctx: Pick<AppContext, 'storage'>, sessions: readonly StoredPortalSession[]): Promise<string> {
  const rows = [['SID', 'LEVEL', 'SIGNED IN', 'LAST ACTIVITY', 'ENDS', 'CLIENTS']];
  for (const stored of sessions) {
    const session = sessionFromJson(stored.data);
    const clients = stored.sid === null ? [] : [...new Set((await ctx.storage.sessionClients.list(stored.sid)).map((c) => c.client_id))];
    rows.push([
      stored.sid ?? '(none)',
      session?.level ?? '?',
      iso(session?.auth_time_s === null || session?.auth_time_s === undefined ? null : session.auth_time_s * 1000),
      iso(session?.last_activity_at_ms),
      iso(stored.expires_at_ms),
      clients.length > 0 ? clients.join(',') : '-',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export const sessionsListCommand: Command = {
  words: ['sessions', 'list'],
  summary: "list a user's portal sessions",
  help: `Usage: gatehouse sessions list --user USERNAME [--config FILE]

Lists the user's live portal sessions: the session id relying parties know (sid), the
authentication level, when the user signed in and was last active, when the session ends, and the
clients it signed into.

Options:
  -u, --user USERNAME the user
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION, user: { type: 'string', short: 'u' } },
  allowPositionals: false,
  async run(args, io) {
    const user = stringOption(args, 'user');
    if (user === undefined) throw new UsageError('--user is required');
    return withContext(args, io, async (ctx) => {
      const sessions = await ctx.storage.sessions.listForUser(user, ctx.clock.nowMs());
      io.out(sessions.length === 0 ? `no sessions for '${user}'\n` : await formatSessions(ctx, sessions));
      return EXIT_OK;
    });
  },
};

export const sessionsRevokeCommand: Command = {
  words: ['sessions', 'revoke'],
  summary: 'sign a user or one session out everywhere',
  help: `Usage: gatehouse sessions revoke (--user USERNAME | --sid SID) [--config FILE]

Ends portal sessions as the user's own sign-out would: every session of the user (--user) or the
one session (--sid, as 'sessions list' shows it), on every replica; revokes the tokens of the grants
made in them without offline_access (offline_access grants stay: revoke those at the revocation
endpoint); and sends each client with a backchannel_logout_uri its Logout Token, waiting for the
answers (each client is tried 3 times at most). Front-channel logout needs the user's browser and
does not happen here.

Options:
  -u, --user USERNAME every session of this user
  -s, --sid SID       this session
${HELP_CONFIG}
`,
  options: { ...CONFIG_OPTION, user: { type: 'string', short: 'u' }, sid: { type: 'string', short: 's' } },
  allowPositionals: false,
  async run(args, io) {
    const user = stringOption(args, 'user');
    const sid = stringOption(args, 'sid');
    if ((user === undefined) === (sid === undefined)) throw new UsageError('give either --user or --sid');
    return withContext(args, io, async (ctx) => {
      const nowMs = ctx.clock.nowMs();
      const found = user !== undefined ? await ctx.storage.sessions.listForUser(user, nowMs) : await ctx.storage.sessions.findBySid(sid!, nowMs);
      const sids = [...new Set(found.map((s) => s.sid).filter((s): s is string => s !== null))];
      if (sid !== undefined && !sids.includes(sid)) sids.push(sid);
      let sessions = 0;
      let grants = 0;
      for (const one of sids) {
        const ended = await ctx.signOut.endSession(one);
        sessions += ended.sessions;
        grants += ended.revokedGrants;
      }
      // Sessions stored before they had a sid are the user's too.
      if (user !== undefined) sessions += await ctx.storage.sessions.deleteForUser(user);
      await ctx.signOut.idle();
      io.out(`ended ${sessions} session${sessions === 1 ? '' : 's'}, revoked ${grants} grant${grants === 1 ? '' : 's'}\n`);
      return sessions > 0 || grants > 0 ? EXIT_OK : EXIT_FAILURE;
    });
  },
};
