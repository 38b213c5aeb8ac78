export type {
  AuthnStrategy,
  AuthzIdentity,
  BasicVerifier,
  BearerVerifier,
  ChallengeHeader,
  ChallengeStatus,
  CredentialVerifier,
  HeaderScheme,
  HeaderStrategyOptions,
  StrategyInput,
  StrategyName,
  StrategyResult,
  VerifierResult,
} from './types.js';
export { createHeaderStrategy } from './header.js';
export { createBearerVerifier, admitBearer, levelFromAmr, BEARER_AUTHZ_SCOPE, BEARER_FAILURE_DESCRIPTIONS } from './bearer.js';
export type { BearerFailure, BearerVerifierDeps } from './bearer.js';
export { createBasicVerifier, decodeBasicCredentials, BASIC_CHALLENGE, DEFAULT_BASIC_CACHE } from './basic.js';
export type { BasicCacheOptions, BasicFailure, BasicVerifierDeps } from './basic.js';
