/**
 * Every metric name and label lives here, behind a small recorder: the rest of the code says
 * what happened (`recordHttpRequest`), never how it is counted. Own Registry, no global state.
 * Labels are bounded: route names and fixed enums, never raw paths or user input.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { hashVerifications } from '../crypto/password-hash/verification-queue.js';
import type { LdapOperation, LdapOutcome, LdapPoolStats } from '../users/ldap/client-pool.js';
import { readBuildInfo } from './build-info.js';
import { SeriesCounter, SeriesHistogram, type CounterSeries, type HistogramSeries } from './hot-series.js';

export interface MetricsRecorder {
  readonly registry: Registry;
  recordHttpRequest(route: string, method: string, status: number, durationSeconds: number): void;
  /** A portal sign-in attempt: factor '1fa' | '2fa', outcome 'success' | 'invalid_credentials' | 'banned' | 'replayed'. */
  recordAuthentication(factor: AuthenticationFactor, outcome: AuthenticationOutcome): void;
  /** A ban placed by regulation (on the user, the IP, or both, per `regulation.modes`). */
  recordBan(): void;
  /** A ban placed by client-authentication regulation (on the client_id, the IP, or both). */
  recordClientAuthBan(): void;
  /** One forward-auth decision: endpoint name, strategy that decided ('bearer'|'basic'|'cookie'|'none'), outcome kind. */
  recordAuthz(endpoint: string, strategy: string, decision: string, durationSeconds: number): void;
  /** The introspection cache: 'hit' | 'miss' | 'eviction'. */
  recordIntrospectionCache(event: 'hit' | 'miss' | 'eviction'): void;
  /** One call to a remote RFC 7662 introspection endpoint: 'failure' is anything but a well-formed answer (the verify endpoint answered 503). */
  recordRemoteIntrospection(durationSeconds: number, outcome: 'success' | 'failure'): void;
  /** Storage's health check (the one /api/health runs), asked at scrape time: gatehouse_storage_up 1 or 0. */
  observeStorageHealth(check: () => Promise<void>): void;
  /** Tokens issued at the token endpoint, by grant type and token kind. */
  recordTokenIssued(grantType: string, kind: 'access_token' | 'refresh_token' | 'id_token'): void;
  /** Rows removed by the periodic expiry sweep (src/storage/sweeper.ts), by store: a snake_case SweptStore. */
  recordExpiredRowsDeleted(store: string, count: number): void;
  /** One back-channel logout attempt (OIDC Back-Channel Logout 1.0 §2.5), by client_id (configured, so bounded): 'success' | 'retry' | 'failure'. */
  recordBackchannelLogout(client: string, outcome: 'success' | 'retry' | 'failure'): void;
  /** One LDAP operation (src/users/ldap): operation 'connect'|'bind'|'search'|'modify'|'extended', outcome 'success'|'rejected'|'error'. */
  recordLdapRequest(operation: LdapOperation, outcome: LdapOutcome, durationSeconds: number): void;
  /** The LDAP connection pool's counts, read at scrape time. */
  observeLdapPool(stats: () => LdapPoolStats): void;
}

export type AuthenticationFactor = '1fa' | '2fa';
export type AuthenticationOutcome = 'success' | 'invalid_credentials' | 'banned' | 'replayed';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'] as const;
const OTHER_METHOD = METHODS.length - 1;
const STORAGE_HEALTH_TIMEOUT_MS = 2000;

async function answersWithin(check: () => Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
  try {
    return await Promise.race([check().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
const METHOD_INDEX: ReadonlyMap<string, number> = new Map(METHODS.slice(0, OTHER_METHOD).map((m, i) => [m, i]));

export function createMetrics(options: { collectProcessMetrics: boolean } = { collectProcessMetrics: true }): MetricsRecorder {
  const registry = new Registry();
  if (options.collectProcessMetrics) collectDefaultMetrics({ register: registry });

  // Always 1; the labels say what runs (join on it in queries, compare replicas after an upgrade).
  new Gauge({
    name: 'gatehouse_build_info',
    help: 'The running Gatehouse: its version and the Node.js version, as labels (the value is always 1).',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
    aggregator: 'first',
  }).set(readBuildInfo(), 1);

  const requests = new SeriesCounter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered, by route name, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new SeriesHistogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time from the request arriving to the answer being written, by route name.',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const authentications = new Counter({
    name: 'gatehouse_authentication_attempts_total',
    help: 'Portal sign-in attempts, by factor and outcome.',
    labelNames: ['factor', 'outcome'] as const,
    registers: [registry],
  });
  const bans = new Counter({
    name: 'gatehouse_regulation_bans_total',
    help: 'Bans placed by regulation after too many failed attempts.',
    registers: [registry],
  });
  const clientAuthBans = new Counter({
    name: 'gatehouse_client_auth_bans_total',
    help: 'Bans placed on a client_id or source address after too many failed client authentications.',
    registers: [registry],
  });

  const authz = new SeriesCounter({
    name: 'gatehouse_authz_requests_total',
    help: 'Forward-auth decisions, by endpoint, deciding strategy and decision.',
    labelNames: ['endpoint', 'strategy', 'decision'] as const,
    registers: [registry],
  });
  const authzDuration = new SeriesHistogram({
    name: 'gatehouse_authz_duration_seconds',
    help: 'Time from the request arriving to the forward-auth decision, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const cacheEvents = {
    hit: new SeriesCounter({ name: 'gatehouse_introspection_cache_hits_total', help: 'Introspection cache hits.', registers: [registry] }).series({}),
    miss: new SeriesCounter({ name: 'gatehouse_introspection_cache_misses_total', help: 'Introspection cache misses.', registers: [registry] }).series({}),
    eviction: new SeriesCounter({ name: 'gatehouse_introspection_cache_evictions_total', help: 'Introspection cache entries evicted (revocation, expiry, size).', registers: [registry] }).series({}),
  };
  const remoteDuration = new Histogram({
    name: 'gatehouse_introspection_remote_duration_seconds',
    help: 'Duration of calls to the remote introspection endpoint.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const remoteRequests = new Counter({
    name: 'gatehouse_introspection_remote_requests_total',
    help: "Calls to the remote introspection endpoint, by outcome ('failure': no well-formed answer; the verify endpoint answered 503).",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  let storageHealth: (() => Promise<void>) | null = null;
  registry.registerMetric(new Gauge({
    name: 'gatehouse_storage_up',
    // Across workers (server.workers): up only if every worker's storage answered.
    aggregator: 'min',
    help: 'Whether storage answered its health check (the one /api/health runs) at scrape time: 1 or 0; 0 after 2 s without an answer.',
    registers: [],
    async collect() {
      if (storageHealth === null) return;
      this.set((await answersWithin(storageHealth, STORAGE_HEALTH_TIMEOUT_MS)) ? 1 : 0);
    },
  }));
  const tokensIssued = new Counter({
    name: 'gatehouse_tokens_issued_total',
    help: 'Tokens issued at the token endpoint, by grant type and kind.',
    labelNames: ['grant_type', 'kind'] as const,
    registers: [registry],
  });

  const backchannelLogouts = new Counter({
    name: 'gatehouse_backchannel_logout_total',
    help: 'Back-channel logout attempts, by client and outcome (success, retry: failed and tried again, failure: given up).',
    labelNames: ['client', 'outcome'] as const,
    registers: [registry],
  });

  const expiredRows = new Counter({
    name: 'gatehouse_storage_expired_rows_deleted_total',
    help: 'Rows deleted by the periodic sweep, expired or past their retention, by store.',
    labelNames: ['store'] as const,
    registers: [registry],
  });

  const ldapRequests = new Counter({
    name: 'gatehouse_ldap_requests_total',
    help: "LDAP operations, by operation and outcome ('rejected': the directory answered with a failure; 'error': it could not answer).",
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const ldapDuration = new Histogram({
    name: 'gatehouse_ldap_duration_seconds',
    help: 'Duration of LDAP operations, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  let ldapPoolStats: (() => LdapPoolStats) | null = null;
  registry.registerMetric(new Gauge({
    name: 'gatehouse_ldap_pool_connections',
    help: "LDAP service connections in the pool, by state ('open': all, 'idle': free, 'waiting': callers waiting for one).",
    labelNames: ['state'] as const,
    registers: [],
    collect() {
      if (ldapPoolStats === null) return;
      const stats = ldapPoolStats();
      this.set({ state: 'open' }, stats.open);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  }));

  // The process's digest verification queue keeps its own counts; they are read at scrape time.
  registry.registerMetric(new Gauge({
    name: 'gatehouse_hash_verifications_queued',
    help: 'Password and client-secret verifications waiting for a slot in the bounded verification queue.',
    registers: [],
    collect() { this.set(hashVerifications.stats().queued); },
  }));
  registry.registerMetric(new Counter({
    name: 'gatehouse_hash_verifications_rejected_total',
    help: 'Password and client-secret verifications refused because the verification queue was full (answered 503).',
    registers: [],
    collect() {
      this.reset();
      this.inc(hashVerifications.stats().rejected);
    },
  }));

  // Hot-path series resolved once per label set (hot-series.ts); label values are bounded, so are these
  // maps. Looked up inline: a `make` callback would be a closure allocated per request.
  const httpSeries = new Map<string, { duration: HistogramSeries; requests: Map<number, CounterSeries> }>();
  const authzSeries = new Map<string, { duration: HistogramSeries; decisions: Map<string, Map<string, CounterSeries>> }>();

  return {
    registry,
    recordLdapRequest(operation, outcome, durationSeconds) {
      ldapRequests.inc({ operation, outcome });
      ldapDuration.observe({ operation }, durationSeconds);
    },
    observeLdapPool(stats) {
      ldapPoolStats = stats;
    },
    recordAuthz(endpoint, strategy, decision, durationSeconds) {
      let series = authzSeries.get(endpoint);
      if (series === undefined) authzSeries.set(endpoint, (series = { duration: authzDuration.series({ endpoint }), decisions: new Map() }));
      let byDecision = series.decisions.get(strategy);
      if (byDecision === undefined) series.decisions.set(strategy, (byDecision = new Map<string, CounterSeries>()));
      let counter = byDecision.get(decision);
      if (counter === undefined) byDecision.set(decision, (counter = authz.series({ endpoint, strategy, decision })));
      counter.inc();
      series.duration.observe(durationSeconds);
    },
    recordIntrospectionCache: (event) => cacheEvents[event].inc(),
    recordRemoteIntrospection: (seconds, outcome) => {
      remoteDuration.observe(seconds);
      remoteRequests.inc({ outcome });
    },
    observeStorageHealth(check) {
      storageHealth = check;
    },
    recordTokenIssued: (grantType, kind) => tokensIssued.inc({ grant_type: grantType, kind }),
    recordAuthentication: (factor, outcome) => authentications.inc({ factor, outcome }),
    recordBan: () => bans.inc(),
    recordClientAuthBan: () => clientAuthBans.inc(),
    recordExpiredRowsDeleted: (store, count) => expiredRows.inc({ store }, count),
    recordBackchannelLogout: (client, outcome) => backchannelLogouts.inc({ client, outcome }),
    recordHttpRequest(route, method, status, durationSeconds) {
      let series = httpSeries.get(route);
      if (series === undefined) httpSeries.set(route, (series = { duration: duration.series({ route }), requests: new Map() }));
      // An unknown method would be an unbounded label value: fold it.
      const m = METHOD_INDEX.get(method) ?? OTHER_METHOD;
      let counter = series.requests.get(status * 16 + m);
      if (counter === undefined) series.requests.set(status * 16 + m, (counter = requests.series({ route, method: METHODS[m], status: String(status) })));
      counter.inc();
      series.duration.observe(durationSeconds);
    },
  };
}


/**
 * A worker of `server.workers` > 1: each request it answers is also counted under its number
 * (`gatehouse_worker_http_requests_total{worker}`), so the aggregated metrics show how the
 * cluster spreads the load. The count is a plain number read at scrape time.
 */
export function countRequestsOfWorker(metrics: MetricsRecorder, worker: number): MetricsRecorder {
  let answered = 0;
  const counter = new Counter({
    name: 'gatehouse_worker_http_requests_total',
    help: 'HTTP requests answered, by worker process (server.workers; numbered from 1, a replaced worker keeps its number).',
    labelNames: ['worker'] as const,
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc({ worker: String(worker) }, answered);
    },
  });
  counter.inc({ worker: String(worker) }, 0);
  return {
    ...metrics,
    recordHttpRequest(route, method, status, durationSeconds) {
      answered++;
      metrics.recordHttpRequest(route, method, status, durationSeconds);
    },
  };
}
