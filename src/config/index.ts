/** The configuration module's public surface: explicit re-exports only. */
export { parseConfig, loadConfigFile, type ParseOptions, type LoadedConfig } from './load.js';
export { parseDuration } from './duration.js';
export { issuerOf, type IssuerSources } from './issuer.js';
export { ConfigError, formatPath, formatProblem, type ConfigProblem, type ConfigPath } from './errors.js';
export { configSchema } from './schema/config.js';
export type {
  Config,
  OidcConfig,
  OidcClientConfig,
  IssuerJwkConfig,
  ServerConfig,
  SessionConfig,
  StorageConfigModel,
  AccessControlConfig,
} from './schema/config.js';
export type { AccessPolicy } from './schema/access-control.js';
export type { AuthzImplementation } from './schema/server.js';
export type { ResponseObjectAlg } from './schema/common.js';
export type { GrantType, ResponseType, ResponseMode, TokenEndpointAuthMethod, ConsentMode, EffectiveConsentMode } from './schema/oidc-client.js';
export { SECRET_PATHS, secretVariableName } from './secrets.js';
