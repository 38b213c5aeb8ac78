/**
 * Revocations from the other replicas (PostgreSQL only). The revoking transaction itself sends each
 * revocation with `pg_notify` (revocation-notice.ts); this channel LISTENs on one dedicated
 * connection and emits the other replicas' signatures onto the local bus, so every introspection
 * cache evicts them. SQLite needs none of this: one process owns the file, and its bus already
 * reaches its cache.
 * - Notifications carrying this process's own `origin` are skipped: its bus had them first.
 * - A lost LISTEN connection is re-opened with backoff. Whatever was sent meanwhile is gone, so
 *   once listening again the owner is told to forget everything it cached (`onResync`).
 * Here rather than in src/authz because it is engine plumbing (a pg client, the schema); the bus's
 * type is storage's own (revocation-types.ts), implemented by src/authz/revocation-bus.ts.
 */
import type pg from 'pg';
import type { Logger } from '../observability/log.js';
import { loadPg, poolConfig } from './postgres.js';
import { parsePayload } from './revocation-notice.js';
import type { RevocationBus, RevocationNotice } from './revocation-types.js';
import type { PostgresConfig } from './types.js';

/** How the LISTEN connection shows in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'gatehouse-revocations';
const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };
/** TCP keep-alive alone may take many minutes to notice a dead link; a query every so often does not. */
const DEFAULT_HEARTBEAT_MS = 30_000;

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface RevocationChannel {
  /** The channel every replica using this schema shares. */
  readonly name: string;
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

export interface RevocationChannelDeps {
  /** The channel to listen on and this process's origin, the same the token store sends with. */
  notice: RevocationNotice;
  bus: RevocationBus;
  logger: Logger;
  /** Runs each time the channel listens again after a loss: revocations sent meanwhile were missed. */
  onResync(): void;
  backoff?: Backoff;
  heartbeatMs?: number;
}

/** Doubles from `initialMs` after each failed attempt (0-based), up to `maxMs`. */
export function reconnectDelayMs(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
}

/** Listens before it resolves: a database that cannot be listened to fails start-up, like storage does. */
export async function openRevocationChannel(config: PostgresConfig, deps: RevocationChannelDeps): Promise<RevocationChannel> {
  const { bus, logger } = deps;
  const { channel: name, origin } = deps.notice;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const pg = await loadPg();
  const { max: _poolSize, ...connection } = poolConfig(config, pg.types);
  const listenerConfig: pg.ClientConfig = { ...connection, application_name: LISTENER_APPLICATION_NAME, keepAlive: true };

  let listener: pg.Client | null = null;
  let closing = false;
  let failedAttempts = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let reconnecting: Promise<void> | null = null;

  const received = (message: pg.Notification): void => {
    if (message.channel !== name) return;
    const parsed = parsePayload(message.payload);
    if (parsed === null) {
      logger.warn('revocation channel: ignored a notification that is not a revocation', { channel: name });
      return;
    }
    if (parsed.origin !== origin) bus.emit(parsed.signatures);
  };

  const lost = (client: pg.Client, error?: Error): void => {
    if (client !== listener || closing) return;
    listener = null;
    stopHeartbeat();
    client.end().catch(() => undefined);
    logger.warn('revocation channel: the LISTEN connection was lost; reconnecting', { channel: name, error });
    scheduleReconnect();
  };

  /** A connected client listening on the channel; set as `listener` by the caller. */
  const listen = async (): Promise<pg.Client> => {
    const client = new pg.Client(listenerConfig);
    // Both fire when the server goes away; `lost` acts once, and only for the current listener.
    client.on('error', (err) => lost(client, err));
    client.on('end', () => lost(client));
    client.on('notification', received);
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(name)}`);
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  };

  const startHeartbeat = (client: pg.Client): void => {
    heartbeatTimer = setInterval(() => {
      client.query('SELECT 1').catch((err: Error) => lost(client, err));
    }, heartbeatMs);
    heartbeatTimer.unref();
  };

  const stopHeartbeat = (): void => {
    if (heartbeatTimer !== null) clearInterval(heartbeatTimer);
    heartbeatTimer = null;
  };

  const scheduleReconnect = (): void => {
    const delayMs = reconnectDelayMs(failedAttempts, backoff);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      reconnecting = reconnect(delayMs).finally(() => (reconnecting = null));
    }, delayMs);
    reconnectTimer.unref();
  };

  const reconnect = async (waitedMs: number): Promise<void> => {
    let client: pg.Client;
    try {
      client = await listen();
    } catch (err) {
      if (closing) return;
      failedAttempts++;
      logger.warn('revocation channel: reconnecting failed', { channel: name, attempt: failedAttempts, waited_ms: waitedMs, error: err });
      scheduleReconnect();
      return;
    }
    if (closing) {
      await client.end().catch(() => undefined);
      return;
    }
    listener = client;
    failedAttempts = 0;
    startHeartbeat(client);
    // Listening first, then forgetting: nothing revoked after this point can be missed.
    deps.onResync();
    logger.info('revocation channel: listening again; cached introspection answers were dropped', { channel: name });
  };

  listener = await listen();
  startHeartbeat(listener);

  let closed: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    closing = true;
    stopHeartbeat();
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    await reconnecting;
    const client = listener;
    listener = null;
    await client?.end().catch(() => undefined);
  };
  return {
    name,
    close: () => (closed ??= close()),
  };
}
