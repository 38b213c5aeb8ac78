import type { FactorLevel } from '../../authn/level.js';
import type { Awaitable } from '../../util/awaitable.js';

/**
 * The forward-auth authentication strategy contract. The verify endpoint runs an ordered list of
 * strategies per endpoint (`server.endpoints.authz.<name>.authn_strategies`): the first
 * `authenticated` wins; `invalid` or `unavailable` stops the chain; `absent` moves on.
 */

export interface AuthzIdentity {
  /** The subject for access rules: users have username + groups; client_credentials tokens have client_id only. */
  subject: { username?: string; groups: readonly string[]; client_id?: string };
  level: FactorLevel;
  /** For the Remote-* headers (empty strings when unknown). */
  username: string;
  groups: readonly string[];
  displayName: string;
  email: string;
  strategy: 'bearer' | 'basic' | 'cookie';
}

/** 401 + `WWW-Authenticate` for `Authorization`; 407 + `Proxy-Authenticate` for `Proxy-Authorization` (RFC 7235 §3.2). */
export type ChallengeStatus = 401 | 407;
export type ChallengeHeader = 'WWW-Authenticate' | 'Proxy-Authenticate';

export type StrategyResult =
  | { kind: 'absent' } // move on to the next strategy
  | { kind: 'authenticated'; identity: AuthzIdentity }
  | {
      kind: 'invalid';
      status: ChallengeStatus;
      challengeHeader: ChallengeHeader;
      /** The challenge value, e.g. `Bearer realm="…", error="invalid_token"`. */
      wwwAuthenticate: string;
      /** For logs only (debug); never sent to the client. */
      reason: string;
    } // stop the chain
  | { kind: 'unavailable'; status: 503; reason: string }; // remote OP down: never a pass

export interface StrategyInput {
  /** Lower-case header name; undefined when absent. */
  header(name: string): string | undefined;
  target: URL;
  clientIp: string;
  nowMs: number;
}

export type StrategyName = 'bearer' | 'basic' | 'cookie';

export interface AuthnStrategy {
  name: StrategyName;
  /** Synchronous when it can answer at once (a cached bearer token): see util/awaitable.ts. */
  authenticate(input: StrategyInput): Awaitable<StrategyResult>;
}

/**
 * What a scheme verifier answers about credentials that are present. The header strategy turns
 * `challenge` into the right status and header (401/WWW-Authenticate or 407/Proxy-Authenticate).
 */
export type VerifierResult =
  | { kind: 'authenticated'; identity: AuthzIdentity }
  | { kind: 'invalid'; challenge: string; reason: string }
  | { kind: 'unavailable'; reason: string };

/** Verifies the credentials part of `<Scheme> <credentials>` (the raw token / base64 string). */
export interface CredentialVerifier {
  verify(credentials: string, input: StrategyInput): Awaitable<VerifierResult>;
}
export type BearerVerifier = CredentialVerifier;
export type BasicVerifier = CredentialVerifier;

export type HeaderScheme = 'Basic' | 'Bearer';

export interface HeaderStrategyOptions {
  header: 'authorization' | 'proxy-authorization';
  schemes: readonly HeaderScheme[];
  bearer?: BearerVerifier;
  basic?: BasicVerifier;
}
