/**
 * Ending a session everywhere (issue #16): the portal sessions of its `sid` (so every protected
 * host of the cookie domain, on every replica, sees no session at its next request), the grants
 * that end with it (no `offline_access`: revoked, through the store that evicts the introspection
 * caches), a Logout Token to each client with a `backchannel_logout_uri` (OIDC Back-Channel Logout
 * 1.0 §2.5, in the background: a client that is down never holds a sign-out), and the front-channel
 * frames for the signed-out page (OIDC Front-Channel Logout 1.0 §2). Every sign-out goes through
 * here: the portal's, the end-session endpoint's, the CLI's.
 */
import type { OidcClientConfig } from '../../config/index.js';
import type { IssuerKeySet } from '../../crypto/keys.js';
import type { ClientRegistry } from '../../oauth/clients.js';
import type { Logger } from '../../observability/log.js';
import type { SessionClient, Storage } from '../../storage/types.js';
import type { Clock } from '../../util/clock.js';
import { systemRandom, type Random } from '../../util/random.js';
import { deliverLogoutToken, type BackChannelMetrics, type BackChannelOptions } from './back-channel.js';
import { frontChannelFrames, type FrontChannelFrame } from './front-channel.js';
import { signLogoutToken } from './logout-token.js';

export interface SignOutDeps {
  storage: Pick<Storage, 'sessions' | 'sessionClients' | 'tokens'>;
  /** Null without `identity_providers.oidc`: only portal sessions end. */
  oidc: { issuer: string; keys: IssuerKeySet; clients: Pick<ClientRegistry, 'get'> } | null;
  backChannel: BackChannelOptions;
  metrics: BackChannelMetrics;
  logger: Logger;
  clock: Clock;
  /** Logout Token `jti`s (the system source by default). */
  random?: Random;
  sleep?: (ms: number) => Promise<void>;
}

export interface SignOutResult {
  sid: string;
  /** Portal sessions deleted. */
  sessions: number;
  /** Grants revoked (those without offline_access). */
  revokedGrants: number;
  /** For the signed-out page. */
  frontChannel: FrontChannelFrame[];
  /** Settles when every Logout Token was delivered or given up on; never rejects. */
  backChannel: Promise<void>;
}

export interface SignOutService {
  /** Ends the session `sid` everywhere. */
  endSession(sid: string): Promise<SignOutResult>;
  /** Settles once every back-channel delivery under way has (the CLI, a graceful stop, tests). */
  idle(): Promise<void>;
}

/** The clients a session's grants name, once each, in the order they were first signed into. */
function clientsOf(entries: readonly SessionClient[], registry: Pick<ClientRegistry, 'get'>): Array<{ config: OidcClientConfig; subject: string }> {
  const out = new Map<string, { config: OidcClientConfig; subject: string }>();
  for (const entry of entries) {
    const client = registry.get(entry.client_id);
    if (client !== null && !out.has(entry.client_id)) out.set(entry.client_id, { config: client.config, subject: entry.subject });
  }
  return [...out.values()];
}

export function createSignOutService(deps: SignOutDeps): SignOutService {
  const { storage, logger } = deps;
  const random = deps.random ?? systemRandom;
  const underway = new Set<Promise<void>>();

  const track = (work: Promise<void>): Promise<void> => {
    const settled = work.catch((err: unknown) => logger.error('back-channel logout failed unexpectedly', { error: (err as Error).message }));
    underway.add(settled);
    void settled.finally(() => underway.delete(settled));
    return settled;
  };

  const notify = async (sid: string, clients: ReadonlyArray<{ config: OidcClientConfig; subject: string }>): Promise<void> => {
    const { oidc } = deps;
    if (oidc === null) return;
    const now_s = Math.floor(deps.clock.nowMs() / 1000);
    await Promise.all(
      clients
        .filter(({ config }) => config.backchannel_logout_uri !== undefined)
        .map(async ({ config, subject }) => {
          const logout_token = await signLogoutToken(oidc.keys, { issuer: oidc.issuer, client: config, sub: subject, sid, jti: random.uuid(), now_s });
          await deliverLogoutToken(
            { options: deps.backChannel, metrics: deps.metrics, logger, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
            { client_id: config.client_id, uri: config.backchannel_logout_uri!, logout_token },
          );
        }),
    );
  };

  return {
    async endSession(sid) {
      const sessions = await storage.sessions.deleteBySid(sid);
      const entries = await storage.sessionClients.end(sid);
      let revokedGrants = 0;
      // OIDC Core §11: a grant with offline_access is meant to outlive the session; the others end with it.
      for (const entry of entries) {
        if (entry.offline_access) continue;
        await storage.tokens.revokeByRequestId(entry.request_id);
        revokedGrants++;
      }
      const clients = deps.oidc ? clientsOf(entries, deps.oidc.clients) : [];
      const frontChannel = deps.oidc ? frontChannelFrames(deps.oidc.issuer, sid, clients.map((c) => c.config)) : [];
      const backChannel = clients.length > 0 ? track(notify(sid, clients)) : Promise.resolve();
      logger.info('session ended', { sid, sessions, clients: clients.length, revoked_grants: revokedGrants });
      return { sid, sessions, revokedGrants, frontChannel, backChannel };
    },
    async idle() {
      while (underway.size > 0) await Promise.all(underway);
    },
  };
}
