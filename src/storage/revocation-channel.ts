/**
 * Revocations reach every replica (PostgreSQL only). Each replica publishes the access-token
 * signatures its own bus emits with `pg_notify`, and LISTENs on one dedicated connection for the
 * others', which it emits onto its bus, so every introspection cache evicts them. SQLite needs none
 * of this: one process owns the file, and its bus already reaches its cache.
 * - The channel is named after the schema: two deployments sharing a database do not hear each other.
 * - A payload carries the sender's random `origin`: a replica skips its own notifications (its bus
 *   had them first) and never re-publishes what it relays, so nothing echoes between replicas.
 * - A lost LISTEN connection is re-opened with backoff. Whatever was sent meanwhile is gone, so
 *   once listening again the owner is told to forget everything it cached (`onResync`).
 * Here rather than in src/authz because it is engine plumbing (a pg client, the schema, payload
 * limits); it needs only the bus's type from the domain.
 */
import { hash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RevocationBus } from '../authz/revocation-bus.js';
import type { Logger } from '../observability/log.js';
import { checkSchemaName, poolConfig } from './postgres.js';
import type { PostgresConfig } from './types.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;
/** Channel names are identifiers: at most NAMEDATALEN - 1 bytes. */
const MAX_CHANNEL_BYTES = 63;
const CHANNEL_PREFIX = 'gatehouse_revocations_';
/** How the LISTEN connection shows in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'gatehouse-revocations';
/** Publishing is rare and short: two connections at most, closed when idle. */
const PUBLISH_POOL_SIZE = 2;
/** A failed NOTIFY is tried once more: the pool drops a broken connection, so the retry gets a fresh one. */
const PUBLISH_ATTEMPTS = 2;
const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };
/** TCP keep-alive alone may take many minutes to notice a dead link; a query every so often does not. */
const DEFAULT_HEARTBEAT_MS = 30_000;

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface RevocationMessage {
  origin: string;
  signatures: readonly string[];
}

export interface RevocationChannel {
  /** The channel every replica using this schema shares. */
  readonly name: string;
  /** Stops listening, sends what is still being published, closes both connections. */
  close(): Promise<void>;
}

export interface RevocationChannelDeps {
  bus: RevocationBus;
  logger: Logger;
  /** Runs each time the channel listens again after a loss: revocations sent meanwhile were missed. */
  onResync(): void;
  backoff?: Backoff;
  heartbeatMs?: number;
}

/** `gatehouse_revocations_<schema>`, or a digest of the schema when that would be too long a name. */
export function channelNameFor(schema: string): string {
  const name = CHANNEL_PREFIX + checkSchemaName(schema);
  return name.length <= MAX_CHANNEL_BYTES ? name : CHANNEL_PREFIX + hash('sha256', schema, 'hex').slice(0, 32);
}

/**
 * The signatures packed, in order, into as few payloads as stay under `maxBytes`. A signature too
 * big for a payload of its own still travels alone (PostgreSQL then refuses it); ours are 43 bytes.
 */
export function payloadsFor(origin: string, signatures: readonly string[], maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const encode = (batch: readonly string[]): string => JSON.stringify({ origin, signatures: batch } satisfies RevocationMessage);
  const emptyBytes = Buffer.byteLength(encode([]));
  const payloads: string[] = [];
  let batch: string[] = [];
  let bytes = emptyBytes;
  for (const signature of signatures) {
    const signatureBytes = Buffer.byteLength(JSON.stringify(signature));
    // 1: the comma before every signature but the first.
    if (batch.length > 0 && bytes + 1 + signatureBytes > maxBytes) {
      payloads.push(encode(batch));
      batch = [];
      bytes = emptyBytes;
    }
    bytes += (batch.length > 0 ? 1 : 0) + signatureBytes;
    batch.push(signature);
  }
  if (batch.length > 0) payloads.push(encode(batch));
  return payloads;
}

/** A payload in our shape, or null for anything else sent on the channel. */
export function parsePayload(payload: string | undefined): RevocationMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { origin, signatures } = value as Partial<Record<keyof RevocationMessage, unknown>>;
  if (typeof origin !== 'string' || !Array.isArray(signatures) || !signatures.every((s) => typeof s === 'string')) return null;
  return { origin, signatures };
}

/** Doubles from `initialMs` after each failed attempt (0-based), up to `maxMs`. */
export function reconnectDelayMs(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
}

/** Listens before it resolves: a database that cannot be listened to fails start-up, like storage does. */
export async function openRevocationChannel(config: PostgresConfig, deps: RevocationChannelDeps): Promise<RevocationChannel> {
  const { bus, logger } = deps;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const name = channelNameFor(config.schema || 'public');
  const origin = randomUUID();
  const { max: _poolSize, ...connection } = poolConfig(config);
  const listenerConfig: pg.ClientConfig = { ...connection, application_name: LISTENER_APPLICATION_NAME, keepAlive: true };
  const publisher = new pg.Pool({ ...connection, max: PUBLISH_POOL_SIZE });
  // An idle client's network error must not crash the process; the next NOTIFY reports it.
  publisher.on('error', () => undefined);

  let listener: pg.Client | null = null;
  let closing = false;
  let failedAttempts = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let reconnecting: Promise<void> | null = null;
  /** True while relaying another replica's signatures onto the bus: those are not published again. */
  let relaying = false;
  const publishing = new Set<Promise<void>>();

  const received = (message: pg.Notification): void => {
    if (message.channel !== name) return;
    const parsed = parsePayload(message.payload);
    if (parsed === null) {
      logger.warn('revocation channel: ignored a notification that is not a revocation', { channel: name });
      return;
    }
    if (parsed.origin === origin) return;
    relaying = true;
    try {
      bus.emit(parsed.signatures);
    } finally {
      relaying = false;
    }
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

  const notify = async (payload: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await publisher.query('SELECT pg_notify($1, $2)', [name, payload]);
        return;
      } catch (err) {
        if (attempt >= PUBLISH_ATTEMPTS) throw err;
      }
    }
  };

  const publish = async (signatures: readonly string[]): Promise<void> => {
    for (const payload of payloadsFor(origin, signatures)) {
      try {
        await notify(payload);
      } catch (err) {
        // The revocation itself stands; other replicas may admit these tokens until their max_ttl.
        logger.warn('revocation channel: revocations could not be sent to the other replicas', { channel: name, error: err });
      }
    }
  };

  try {
    listener = await listen();
  } catch (err) {
    await publisher.end();
    throw err;
  }
  startHeartbeat(listener);
  const unsubscribe = bus.subscribe((signatures) => {
    if (relaying) return;
    const sending = publish(signatures).finally(() => publishing.delete(sending));
    publishing.add(sending);
  });

  let closed: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    closing = true;
    unsubscribe();
    stopHeartbeat();
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    await reconnecting;
    await Promise.allSettled(publishing);
    const client = listener;
    listener = null;
    await client?.end().catch(() => undefined);
    await publisher.end();
  };
  return {
    name,
    close: () => (closed ??= close()),
  };
}
