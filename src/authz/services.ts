/**
 * Forward-auth services built once per context: the compiled access rules, the introspection
 * cache (local token storage, or a remote RFC 7662 endpoint), and the credential verifiers the
 * header strategies dispatch to (Bearer needs a token source, Basic the users file).
 */
import { hash } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { IssuerKeySet } from '../crypto/keys.js';
import type { OpaqueTokenStrategy } from '../crypto/opaque-token.js';
import { accessTokenSignatureOf, claimedAccessTokenSignatureOf } from '../oauth/access-token.js';
import type { ClientRegistry } from '../oauth/clients.js';
import type { Logger } from '../observability/log.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { Regulator, UniformTimingOptions } from '../authn/regulation.js';
import type { Storage } from '../storage/types.js';
import type { UsersBackend } from '../users/index.js';
import { createIntrospectionCache, createLocalIntrospection, type IntrospectionCache, type IntrospectionSource } from './introspection-cache.js';
import { createRemoteIntrospection } from './remote-introspection.js';
import type { RevocationBus } from './revocation-bus.js';
import { compileAccessControl, type CompiledAccessControl } from './rules.js';
import { createBasicVerifier } from './strategies/basic.js';
import { createBearerVerifier } from './strategies/bearer.js';
import type { BasicVerifier, BearerVerifier } from './strategies/types.js';

export interface AuthzServices {
  access: CompiledAccessControl;
  verifiers: { bearer?: BearerVerifier; basic?: BasicVerifier };
  introspection: IntrospectionCache | null;
  /** The same cache when it holds this provider's own access tokens (null with remote introspection): the introspection endpoint answers from it. */
  accessTokens: IntrospectionCache | null;
  close(): Promise<void>;
}

export interface AuthzServicesDeps {
  config: Config;
  storage: Storage;
  users: UsersBackend | null;
  regulator: Regulator;
  timing: UniformTimingOptions;
  metrics: MetricsRecorder;
  logger: Logger;
  revocations: RevocationBus;
  /** The local provider, when `identity_providers.oidc` is configured. */
  oidc: { issuer: string; tokens: OpaqueTokenStrategy; keys: IssuerKeySet; clients: ClientRegistry; debugMessages: boolean } | null;
}

export function createAuthzServices(deps: AuthzServicesDeps): AuthzServices {
  const { config, metrics, logger } = deps;
  const settings = config.server.endpoints.introspection_cache;
  const remote = config.server.endpoints.remote_introspection;
  const remoteSource = remote
    ? createRemoteIntrospection({ url: remote.url, client_id: remote.client_id, client_secret: remote.client_secret, timeoutSeconds: remote.timeout })
    : null;
  // The local provider whose own tokens are introspected: none with a remote endpoint (or without a provider).
  const local = remoteSource ? null : deps.oidc;
  const source: IntrospectionSource | null = remoteSource ? timed(remoteSource, metrics) : local ? createLocalIntrospection({ storage: deps.storage, tokens: local.tokens, keys: local.keys }) : null;

  const introspection = source
    ? createIntrospectionCache(source, {
        maxTtlSeconds: settings.max_ttl,
        negativeTtlSeconds: settings.negative_ttl,
        maxEntries: settings.max_entries,
        // The cache never holds a whole token: local tokens by their storage signature, remote ones by a digest.
        ...(local
          ? { keyOf: (token: string) => accessTokenSignatureOf(local, token), claimedKeyOf: (token: string) => claimedAccessTokenSignatureOf(local, token) }
          : { keyOf: (token: string) => hash('sha256', token, 'base64url') }),
        metrics: { hit: () => metrics.recordIntrospectionCache('hit'), miss: () => metrics.recordIntrospectionCache('miss'), eviction: () => metrics.recordIntrospectionCache('eviction') },
        revocations: deps.revocations,
      })
    : null;

  const verifiers: AuthzServices['verifiers'] = {};
  if (introspection) {
    verifiers.bearer = createBearerVerifier({
      introspection,
      // A remote OP owns its clients; the local registry is checked on every request (a client removed from config loses access).
      clients: local ? local.clients : null,
      users: deps.users,
      realm: deps.oidc?.issuer ?? 'Gatehouse',
      debugMessages: deps.oidc?.debugMessages ?? false,
      logger: logger.child({ component: 'bearer' }),
    });
  }
  if (deps.users) {
    verifiers.basic = createBasicVerifier({ users: deps.users, regulator: deps.regulator, timing: deps.timing, logger: logger.child({ component: 'basic' }) });
  }
  return {
    access: compileAccessControl(config.access_control),
    verifiers,
    introspection,
    accessTokens: remoteSource ? null : introspection,
    async close() {
      introspection?.close();
      await remoteSource?.close();
    },
  };
}

function timed(source: IntrospectionSource, metrics: MetricsRecorder): IntrospectionSource {
  return {
    async introspect(token, nowMs) {
      const started = process.hrtime.bigint();
      let outcome: 'success' | 'failure' = 'failure';
      try {
        const result = await source.introspect(token, nowMs);
        outcome = 'success';
        return result;
      } finally {
        metrics.recordRemoteIntrospection(Number(process.hrtime.bigint() - started) / 1e9, outcome);
      }
    },
  };
}
