/**
 * Connections to the directory (ldapts): a pool of connections bound as the service account for
 * searches and password changes, and one fresh connection per password check, bound as the user
 * and closed at once (RFC 4511 §4.2: a bind replaces the connection's authorization state, so a
 * user's bind never shares a connection with anything else).
 * - `pooling.enable`: up to `count` service connections kept open; a caller waits at most
 *   `pooling.timeout` for one; opening one is tried `retries` times. Without pooling every
 *   operation opens, binds and closes its own connection (as Authelia does).
 * - A connection that failed below LDAP (socket, timeout) is dropped, never reused.
 * - ldapts reconnects a closed socket by itself, without TLS upgrade or bind: each client may
 *   open one socket only, so a lost connection fails instead of going on anonymous or in clear.
 */
import { connect as netConnect, Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import type { LdapSettings } from './settings.js';

export type LdapOperation = 'connect' | 'bind' | 'search' | 'modify' | 'extended';
/** `rejected`: the directory answered with a failure result code; `error`: it could not answer. */
export type LdapOutcome = 'success' | 'rejected' | 'error';

export interface LdapRequestRecorder {
  recordLdapRequest(operation: LdapOperation, outcome: LdapOutcome, durationSeconds: number): void;
}

export interface LdapPoolStats {
  open: number;
  idle: number;
  waiting: number;
}

export interface LdapPool {
  /** Runs `op` on a connection bound as the service account (or anonymous with permit_unauthenticated_bind). */
  withService<T>(op: (client: Client) => Promise<T>): Promise<T>;
  /** Opens a connection, binds as `dn` with `password` and closes it: rejects with the bind's error. */
  bindAs(dn: string, password: string): Promise<void>;
  /** Times one LDAP operation into the metrics; `ResultCodeError` counts as rejected, anything else as error. */
  timed<T>(operation: LdapOperation, run: () => Promise<T>): Promise<T>;
  stats(): LdapPoolStats;
  close(): Promise<void>;
}

/** The directory answered (a result code): the connection itself is fine. */
export const isLdapResult = (err: unknown): err is ResultCodeError => err instanceof ResultCodeError;

/** RFC 4511 Appendix A result codes, by name, for messages (ldapts says only "Code: 0x31"). */
const RESULT_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'operationsError', 2: 'protocolError', 3: 'timeLimitExceeded', 4: 'sizeLimitExceeded', 8: 'strongerAuthRequired',
  10: 'referral', 11: 'adminLimitExceeded', 13: 'confidentialityRequired', 32: 'noSuchObject', 34: 'invalidDNSyntax',
  48: 'inappropriateAuthentication', 49: 'invalidCredentials', 50: 'insufficientAccessRights', 51: 'busy', 52: 'unavailable',
  53: 'unwillingToPerform', 19: 'constraintViolation', 21: 'invalidAttributeSyntax', 65: 'objectClassViolation',
};

/** `invalidCredentials (49)`, with the server's diagnostic message when it sent one; other errors as they are. */
export function describeLdapError(err: unknown): string {
  if (!isLdapResult(err)) return err instanceof Error ? err.message : String(err);
  const name = `${RESULT_CODE_NAMES[err.code] ?? 'result code'} (${err.code})`;
  const diagnostic = err.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
  return diagnostic === '' ? name : `${name}: ${diagnostic}`;
}

export class LdapPoolTimeoutError extends Error {
  override readonly name = 'LdapPoolTimeoutError';
}

interface Waiter {
  resolve(client: Client | null): void;
  timer: NodeJS.Timeout;
}

export function createLdapPool(settings: LdapSettings, metrics: LdapRequestRecorder | null, now: () => number = performance.now.bind(performance)): LdapPool {
  const idle: Client[] = [];
  const waiters: Waiter[] = [];
  let open = 0;
  let closed = false;

  const timed = async <T>(operation: LdapOperation, run: () => Promise<T>): Promise<T> => {
    const started = now();
    try {
      const value = await run();
      metrics?.recordLdapRequest(operation, 'success', (now() - started) / 1000);
      return value;
    } catch (err) {
      metrics?.recordLdapRequest(operation, isLdapResult(err) ? 'rejected' : 'error', (now() - started) / 1000);
      throw err;
    }
  };

  /** Connected (and upgraded by StartTLS when configured), not bound. */
  const connect = async (): Promise<Client> => {
    const client = new Client({
      url: settings.address.scheme === 'ldaps' ? `ldaps://${hostForUrl(settings.address.host)}:${settings.address.port}` : `ldap://${hostForUrl(settings.address.host)}:${settings.address.port}`,
      timeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
      // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps://.
      ...(settings.address.scheme === 'ldaps' ? { tlsOptions: { ...settings.tls } } : {}),
      strictDN: false,
      ...oneSocketOnly(settings),
    });
    try {
      await timed('connect', async () => {
        // ldapts connects lazily; StartTLS (RFC 4511 §4.14, RFC 4513 §3) connects, asks, then upgrades.
        if (settings.startTls && settings.address.scheme !== 'ldaps') await client.startTLS({ ...settings.tls });
        else await connectNow(client);
      });
      return client;
    } catch (err) {
      destroy(client);
      throw err;
    }
  };

  const openService = async (): Promise<Client> => {
    const client = await connect();
    if (settings.bind === null) return client;
    try {
      const { dn, password } = settings.bind;
      await timed('bind', () => client.bind(dn, password));
      return client;
    } catch (err) {
      destroy(client);
      throw err;
    }
  };

  const openWithRetries = async (): Promise<Client> => {
    let lastError: unknown;
    const attempts = settings.pooling.enable ? settings.pooling.retries : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return await openService();
      } catch (err) {
        lastError = err;
        // A refused bind will be refused again: only connection failures are retried.
        if (isLdapResult(err)) break;
      }
    }
    throw lastError;
  };

  const acquire = async (): Promise<Client> => {
    if (closed) throw new Error('the LDAP pool is closed');
    while (idle.length > 0) {
      const client = idle.pop()!;
      if (client.isConnected) return client;
      open -= 1;
      destroy(client);
    }
    if (open < settings.pooling.count) return openCounted();
    const handed = await new Promise<Client | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        reject(new LdapPoolTimeoutError(`no LDAP connection became free within ${settings.pooling.timeoutMs} ms`));
      }, settings.pooling.timeoutMs);
      const waiter: Waiter = { resolve, timer };
      waiters.push(waiter);
    });
    // null: a connection was dropped, so this waiter may open its own.
    return handed ?? openCounted();
  };

  const openCounted = async (): Promise<Client> => {
    open += 1;
    try {
      return await openWithRetries();
    } catch (err) {
      open -= 1;
      wakeOne(null);
      throw err;
    }
  };

  const wakeOne = (client: Client | null): boolean => {
    const waiter = waiters.shift();
    if (waiter === undefined) return false;
    clearTimeout(waiter.timer);
    waiter.resolve(client);
    return true;
  };

  const release = (client: Client, broken: boolean): void => {
    if (broken || closed || !client.isConnected) {
      open -= 1;
      destroy(client);
      if (!closed) wakeOne(null);
      return;
    }
    if (!wakeOne(client)) idle.push(client);
  };

  const withService = async <T>(op: (client: Client) => Promise<T>): Promise<T> => {
    if (!settings.pooling.enable) {
      const client = await openWithRetries();
      try {
        return await op(client);
      } finally {
        void client.unbind().catch(() => undefined);
      }
    }
    const client = await acquire();
    let broken = false;
    try {
      const value = await op(client);
      // Answered on a connection that is no longer bound as the service account: not trusted.
      if (settings.bind !== null && !client.isBound) throw new Error('the LDAP connection was lost during the operation');
      return value;
    } catch (err) {
      broken = !isLdapResult(err);
      throw err;
    } finally {
      release(client, broken);
    }
  };

  const bindAs = async (dn: string, password: string): Promise<void> => {
    const client = await connect();
    try {
      await timed('bind', () => client.bind(dn, password));
    } finally {
      void client.unbind().catch(() => undefined);
    }
  };

  return {
    withService,
    bindAs,
    timed,
    stats: () => ({ open, idle: idle.length, waiting: waiters.length }),
    async close() {
      closed = true;
      for (const waiter of waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve(null);
      }
      await Promise.all(idle.splice(0).map((client) => client.unbind().catch(() => undefined)));
    },
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** ldapts has no public "connect": a StartTLS-less connection is opened by its first request. */
async function connectNow(client: Client): Promise<void> {
  await (client as unknown as { _connect(): Promise<void> })._connect();
}

function destroy(client: Client): void {
  const socket = (client as unknown as { socket?: Socket }).socket;
  socket?.destroy();
}

/**
 * The first socket is opened as configured (TCP, TLS, or the ldapi Unix socket); any later one
 * (ldapts reconnecting by itself) fails at once. StartTLS's upgrade of the first socket is allowed.
 */
function oneSocketOnly(settings: LdapSettings): { createConnection: typeof netConnect; createSecureConnection: typeof tlsConnect } {
  let opened = false;
  const refuse = (): Socket => {
    const socket = new Socket();
    process.nextTick(() => socket.destroy(new Error('the LDAP connection was lost')));
    return socket;
  };
  const createConnection = ((port: number, host: string) => {
    if (opened) return refuse();
    opened = true;
    return settings.address.scheme === 'ldapi' ? netConnect({ path: settings.address.socketPath }) : netConnect(port, host);
  }) as unknown as typeof netConnect;
  const createSecureConnection = ((...args: unknown[]) => {
    const options = args[0] as ConnectionOptions & { socket?: Socket };
    if (typeof options === 'object' && options.socket !== undefined) return tlsConnect(options);
    if (opened) return refuse() as TLSSocket;
    opened = true;
    const [port, host, tlsOptions] = args as [number, string, ConnectionOptions];
    return tlsConnect(port, host, tlsOptions);
  }) as unknown as typeof tlsConnect;
  return { createConnection, createSecureConnection };
}
