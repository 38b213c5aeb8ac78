/**
 * Builds everything once at start-up from the validated config and hands each endpoint the
 * slice it needs. No module-level singletons: tests build as many contexts as they like.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { issuerOf as configuredIssuer, type Config } from './config/index.js';
import type { Logger } from './observability/log.js';
import { createMetrics, type MetricsRecorder } from './observability/metrics.js';
import type { Clock } from './util/clock.js';
import { systemRandom, type Random } from './util/random.js';
import { openStorage } from './storage/index.js';
import { openNotifier, type Notifier } from './notifier/index.js';
import { allowingTotpReuse } from './authn/totp-reuse.js';
import type { HashParamsInput } from './crypto/password-hash/index.js';
import type { Storage } from './storage/types.js';
import { loadIssuerKeys, type IssuerKeySet } from './crypto/keys.js';
import { loadOrCreateSecrets } from './crypto/generated-secrets.js';
import { createOpaqueTokenStrategy, type OpaqueTokenStrategy } from './crypto/opaque-token.js';
import { ldapSettingsOf, openFileBackend, openLdapBackend, type UsersBackend } from './users/index.js';
import type { OidcConfig } from './config/index.js';
import { createOAuthServices, type OAuthServices } from './oauth/services.js';
import { createPortalServices, type PortalServices } from './authn/services.js';
import type { UniformTimingOptions } from './authn/regulation.js';
import { createAuthzServices, type AuthzServices } from './authz/services.js';
import { createRevocationBus, relayToPeers, type RevocationPeers } from './authz/revocation-bus.js';
import { observeRevocations } from './authz/observe-revocations.js';
import { openRevocationChannel, type RevocationChannel } from './storage/revocation-channel.js';
import { revocationNoticeFor } from './storage/revocation-notice.js';
import { createSignOutService, DEFAULT_BACK_CHANNEL_OPTIONS, type SignOutService } from './oidc/logout/index.js';
import { DEFAULT_FIRST_SWEEP_MS, DEFAULT_SWEEP_INTERVAL_MS, startExpirySweeper, totpHistoryRetentionMs, type ExpirySweeper } from './storage/sweeper.js';

export interface OidcContext {
  config: OidcConfig;
  /** The issuer identifier (no trailing slash): `identity_providers.oidc.issuer`, else the first portal URL. */
  issuer: string;
  keys: IssuerKeySet;
  tokens: OpaqueTokenStrategy;
  /** Clients, client authentication and other services the OAuth endpoints share. */
  services: OAuthServices;
}

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Ids made at run time (request ids, subject identifiers), as `clock` is time: tests may pass a known sequence. */
  random: Random;
  metrics: MetricsRecorder;
  storage: Storage;
  /** Deletes expired storage rows every few minutes; stopped before storage closes. */
  sweeper: ExpirySweeper;
  /** The users database (`authentication_backend.file` or `.ldap`), when configured. */
  users: UsersBackend | null;
  /** Sends messages to users (identity verification codes, password reset links): `notifier`, when configured. */
  notifier: Notifier | null;
  /** Login portal: sessions, regulation, CSRF, TOTP policy. */
  portal: PortalServices;
  /** Forward auth: compiled access control and credential verifiers. */
  authz: AuthzServices;
  /** PostgreSQL with an introspection cache: revocations to and from the other replicas (LISTEN/NOTIFY). */
  revocationChannel: RevocationChannel | null;
  /** Present when `identity_providers.oidc` is configured. */
  oidc: OidcContext | null;
  /** Ends a session everywhere: portal sessions, grants, back- and front-channel logout (src/oidc/logout). */
  signOut: SignOutService;
}

export interface ContextDeps {
  logger: Logger;
  clock: Clock;
  /** Default: the system's random UUIDs. */
  random?: Random;
  /** Process metrics (event loop, heap) are off in tests that build many contexts. */
  collectProcessMetrics?: boolean;
  /** Tests shorten the portal's uniform-timing floor (500 ms by default). */
  portalTiming?: UniformTimingOptions;
  /** A worker of `server.workers` > 1: its revocations go to the other workers and theirs come here (cluster IPC). */
  revocationPeers?: RevocationPeers;
  /** Run the expiry sweeper (default true); of several workers only one does. */
  sweep?: boolean;
}

export async function buildContext(config: Config, deps: ContextDeps): Promise<AppContext> {
  const { logger, clock } = deps;
  const random = deps.random ?? systemRandom;
  const oidcConfig = config.identity_providers?.oidc;
  const secrets = await resolveSecrets(config, logger);

  // PostgreSQL: each revocation is announced to the other replicas in the transaction that makes it,
  // under an origin made once per process, so this replica's channel skips its own.
  const revocationNotice = config.storage.postgres ? revocationNoticeFor(config.storage.postgres, random.uuid()) : undefined;
  const opened = await openStorage({ ...config.storage, encryption_key: secrets.encryptionKey }, { logger, migrate: true, revocationNotice, random });
  // Revocations, whoever makes them, reach the introspection cache at once.
  // With workers, the other workers' caches hear them too (relayed by the primary over IPC).
  const revocations = createRevocationBus();
  const announced = deps.revocationPeers ? relayToPeers(revocations, deps.revocationPeers) : revocations;
  const storage: Storage = {
    tokens: observeRevocations(opened.tokens, announced),
    par: opened.par,
    interactions: opened.interactions,
    consents: opened.consents,
    subjects: opened.subjects,
    jwtBlacklist: opened.jwtBlacklist,
    // totp.disable_reuse_security_policy: a replayed code is accepted (Authelia's opt-out).
    totp: config.totp.disable_reuse_security_policy ? allowingTotpReuse(opened.totp) : opened.totp,
    oneTimeCodes: opened.oneTimeCodes,
    webauthn: opened.webauthn,
    webauthnChallenges: opened.webauthnChallenges,
    preferences: opened.preferences,
    authLog: opened.authLog,
    sessions: opened.sessions,
    sessionClients: opened.sessionClients,
    engine: opened.engine,
    health: () => opened.health(),
    close: () => opened.close(),
  };
  const metrics = createMetrics({ collectProcessMetrics: deps.collectProcessMetrics ?? true });
  metrics.observeStorageHealth(() => storage.health());
  let users: (UsersBackend & { close(): void }) | null = null;
  let notifier: Notifier | null = null;
  try {
    users = await openUsers(config, { logger, clock, metrics });
    const oidc: OidcContext | null = oidcConfig
      ? {
          config: oidcConfig,
          issuer: issuerOf(config),
          keys: await loadIssuerKeys(oidcConfig.jwks.length > 0 ? oidcConfig.jwks : [{ key: secrets.issuerKeyPem!, algorithm: 'RS256' }]),
          tokens: createOpaqueTokenStrategy(secrets.hmacSecret!),
          services: createOAuthServices({
            config: oidcConfig,
            logger,
            clock,
            issuer: issuerOf(config),
            jwtBlacklist: storage.jwtBlacklist,
            regulation: { settings: config.regulation, authLog: storage.authLog, onBan: () => metrics.recordClientAuthBan() },
          }),
        }
      : null;
    // Its start-up check fails the start, saying where and why, unless notifier.disable_startup_check.
    notifier = await openNotifier(config.notifier, { clock, trustedCertificates: config.certificates_directory ? await readCertificates(config.certificates_directory) : [] });
    const portal = createPortalServices({
      config,
      storage,
      users,
      logger,
      secret: secrets.encryptionKey,
      notifier,
      onBan: () => metrics.recordBan(),
      ...(deps.portalTiming ? { timing: deps.portalTiming } : {}),
    });
    const authz = createAuthzServices({
      config,
      storage,
      users,
      regulator: portal.regulator,
      timing: portal.timing,
      metrics,
      logger,
      revocations,
      oidc: oidc ? { issuer: oidc.issuer, tokens: oidc.tokens, keys: oidc.keys, clients: oidc.services.clients, debugMessages: oidc.config.enable_client_debug_messages } : null,
    });
    // Other replicas' revocations evict this cache too; after a lost connection it starts afresh.
    const revocationChannel =
      config.storage.postgres && revocationNotice && authz.introspection
        ? await openRevocationChannel(config.storage.postgres, {
            notice: revocationNotice,
            bus: revocations,
            logger: logger.child({ component: 'revocation-channel' }),
            onResync: () => authz.introspection?.clear(),
          })
        : null;
    // Started last, so a failed build has no sweeper to stop before storage closes.
    const sweeper = deps.sweep === false ? idleSweeper : startExpirySweeper({
      storage: { ...storage, authLogRetention: opened.authLogRetention },
      clock,
      logger: logger.child({ component: 'expiry-sweeper' }),
      intervalMs: DEFAULT_SWEEP_INTERVAL_MS,
      firstSweepMs: DEFAULT_FIRST_SWEEP_MS,
      totpHistoryMs: totpHistoryRetentionMs(config.totp),
      authLogRetentionMs: config.storage.retention.authentication_logs * 1000,
      metrics,
    });
    const signOut = createSignOutService({
      storage,
      oidc: oidc ? { issuer: oidc.issuer, keys: oidc.keys, clients: oidc.services.clients } : null,
      backChannel: DEFAULT_BACK_CHANNEL_OPTIONS,
      metrics,
      logger: logger.child({ component: 'logout' }),
      clock,
      random,
    });
    return { config, logger, clock, random, metrics, storage, sweeper, users, notifier, portal, authz, revocationChannel, oidc, signOut };
  } catch (err) {
    notifier?.close();
    users?.close();
    await storage.close();
    throw err;
  }
}

/** Another worker sweeps: this one's sweeper does nothing. */
const idleSweeper: ExpirySweeper = { sweepNow: () => Promise.resolve({}), stop: () => Promise.resolve() };

/**
 * What several worker processes must not race on, done once by the primary before it forks them:
 * secrets generated into the data directory (SQLite) and the schema migrated. Storage closes again.
 */
export async function prepareShared(config: Config, deps: { logger: Logger; random?: Random }): Promise<void> {
  const secrets = await resolveSecrets(config, deps.logger);
  const opened = await openStorage({ ...config.storage, encryption_key: secrets.encryptionKey }, { logger: deps.logger, migrate: true, random: deps.random ?? systemRandom });
  await opened.close();
}

/** Closes what the context opened (sweeper, revocation channel, storage, file watchers). */
export async function closeContext(ctx: AppContext): Promise<void> {
  // Logout Tokens under way are bounded (timeout × attempts); storage must stay open for none of them.
  await ctx.signOut.idle();
  await ctx.sweeper.stop();
  await ctx.revocationChannel?.close();
  await ctx.authz.close();
  ctx.users?.close();
  ctx.notifier?.close();
  await ctx.storage.close();
}

/**
 * The users file, or the LDAP directory: its start-up check must pass (LdapStartupError says
 * which step failed). `certificates_directory` holds the CAs the directory's TLS is checked against.
 */
async function openUsers(config: Config, deps: { logger: Logger; clock: Clock; metrics: MetricsRecorder }): Promise<UsersBackend | null> {
  const { file, ldap, refresh_interval } = config.authentication_backend;
  const logger = deps.logger.child({ component: 'users' });
  if (file) {
    const hashParams = newDigestParams(file.password);
    return openFileBackend({ path: file.path, watch: file.watch, logger, ...(hashParams ? { hashParams } : {}) });
  }
  if (!ldap) return null;
  const trustedCertificates = config.certificates_directory ? await readCertificates(config.certificates_directory) : [];
  const settings = ldapSettingsOf({ ldap, refreshInterval: refresh_interval, trustedCertificates });
  return openLdapBackend({ settings, logger, clock: deps.clock, metrics: deps.metrics });
}

/** How the portal hashes a new password for the users file (the password reset); sha2crypt digests are read, never written. */
function newDigestParams(password: NonNullable<Config['authentication_backend']['file']>['password']): HashParamsInput | undefined {
  switch (password.algorithm) {
    case 'argon2': return { algorithm: 'argon2', ...password.argon2 };
    case 'pbkdf2': return { algorithm: 'pbkdf2', ...password.pbkdf2 };
    case 'scrypt': return { algorithm: 'scrypt', ...password.scrypt };
    case 'bcrypt': return { algorithm: 'bcrypt', ...password.bcrypt };
    default: return undefined;
  }
}

/** Every PEM file (`.pem`, `.crt`) of the directory, as Authelia reads `certificates_directory`. */
async function readCertificates(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => /\.(pem|crt)$/i.test(name)).sort();
  return Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
}

/** Config validation (config/checks/issuer.ts) already rejects a provider without an issuer; this guards unvalidated configs. */
function issuerOf(config: Config): string {
  const issuer = configuredIssuer(config);
  if (issuer === undefined) throw new Error('identity_providers.oidc.issuer is required when session.cookies names no authelia_url');
  return issuer;
}

interface ResolvedSecrets {
  encryptionKey: string;
  hmacSecret?: string;
  issuerKeyPem?: string;
}

/**
 * Configured secrets win. What the embedded default leaves out is generated once into the data
 * directory (beside the SQLite file) and reused; PostgreSQL deployments must configure them all
 * (config validation enforces it), since several replicas have to share them.
 */
async function resolveSecrets(config: Config, logger: Logger): Promise<ResolvedSecrets> {
  const oidc = config.identity_providers?.oidc;
  const need = {
    encryptionKey: !config.storage.encryption_key,
    hmacSecret: !!oidc && !oidc.hmac_secret,
    issuerKey: !!oidc && oidc.jwks.length === 0,
  };
  const configured: ResolvedSecrets = {
    encryptionKey: config.storage.encryption_key ?? '',
    hmacSecret: oidc?.hmac_secret,
  };
  if (!need.encryptionKey && !need.hmacSecret && !need.issuerKey) return configured;
  if (!config.storage.local) throw new Error('secrets can only be generated for local (SQLite) storage');
  const dataDir = dirname(resolve(config.storage.local.path));
  const generated = await loadOrCreateSecrets(dataDir, need, logger);
  return {
    encryptionKey: configured.encryptionKey || generated.encryptionKey!,
    hmacSecret: configured.hmacSecret ?? generated.hmacSecret,
    issuerKeyPem: generated.issuerKeyPem,
  };
}
