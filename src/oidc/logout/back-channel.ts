/**
 * Delivering a Logout Token (OIDC Back-Channel Logout 1.0 §2.5): an HTTP POST of
 * `logout_token=…` (application/x-www-form-urlencoded) to the client's `backchannel_logout_uri`,
 * with `undici` (whose `request` follows no redirect), a timeout per attempt, and a bounded number of attempts
 * with growing pauses. §2.8: the RP answers 200 (some frameworks say 204) when it logged out; a
 * 4xx is its final word (not retried); a 5xx, a timeout or a network error is tried again. Each
 * attempt is counted (`gatehouse_backchannel_logout_total{client,outcome}`) and nothing here ever
 * throws: a client that is down never stops a sign-out.
 */
import type { Logger } from '../../observability/log.js';

export type BackChannelOutcome = 'success' | 'retry' | 'failure';

export interface BackChannelMetrics {
  recordBackchannelLogout(client: string, outcome: BackChannelOutcome): void;
}

export interface BackChannelOptions {
  /** Per attempt, for the answer's headers and again for its body. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  attempts: number;
  /** The pause before attempt n+2 is backoffMs · 2ⁿ. */
  backoffMs: number;
}

export const DEFAULT_BACK_CHANNEL_OPTIONS: Readonly<BackChannelOptions> = Object.freeze({ timeoutMs: 5_000, attempts: 3, backoffMs: 1_000 });

export interface BackChannelDeps {
  options: BackChannelOptions;
  metrics: BackChannelMetrics;
  logger: Logger;
  /** Waits between attempts (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

export interface LogoutDelivery {
  client_id: string;
  uri: string;
  logout_token: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** What one attempt learned: delivered, refused for good, or worth another try. */
type Attempt = { kind: 'delivered' } | { kind: 'final'; why: string } | { kind: 'transient'; why: string };

async function attemptOnce(delivery: LogoutDelivery, timeoutMs: number): Promise<Attempt> {
  try {
    const { request } = await import('undici');
    const res = await request(delivery.uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ logout_token: delivery.logout_token }).toString(),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    // dump(), not destroy(): a destroyed undici body emits an 'error' nobody listens to.
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    if (res.statusCode === 200 || res.statusCode === 204) return { kind: 'delivered' };
    const why = `HTTP ${res.statusCode}`;
    return res.statusCode >= 400 && res.statusCode < 500 ? { kind: 'final', why } : { kind: 'transient', why };
  } catch (err) {
    return { kind: 'transient', why: (err as Error).message };
  }
}

/** Delivers one Logout Token; resolves whether the RP confirmed it. */
export async function deliverLogoutToken(deps: BackChannelDeps, delivery: LogoutDelivery): Promise<boolean> {
  const { options, metrics, logger } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const fields = { client_id: delivery.client_id, uri: delivery.uri };
  for (let n = 0; n < options.attempts; n++) {
    if (n > 0) await sleep(options.backoffMs * 2 ** (n - 1));
    const attempt = await attemptOnce(delivery, options.timeoutMs);
    if (attempt.kind === 'delivered') {
      metrics.recordBackchannelLogout(delivery.client_id, 'success');
      logger.debug('back-channel logout delivered', { ...fields, attempt: n + 1 });
      return true;
    }
    const last = attempt.kind === 'final' || n === options.attempts - 1;
    metrics.recordBackchannelLogout(delivery.client_id, last ? 'failure' : 'retry');
    if (last) {
      logger.warn('back-channel logout failed', { ...fields, attempts: n + 1, reason: attempt.why });
      return false;
    }
    logger.info('back-channel logout attempt failed; trying again', { ...fields, attempt: n + 1, reason: attempt.why });
  }
  return false;
}
