/**
 * Keys of Authelia's configuration that Gatehouse accepts but does not implement, each with what
 * Gatehouse does instead. They are set aside before the schemas see the file: each key written
 * is logged once at warn; a key inside them that Authelia does not have is a problem, with the
 * closest name Authelia has. A key written with a value that asks for nothing (`''`, `none`, an
 * empty list, or a map of only such values, as in `tls: { key: '', certificate: '' }`) is what
 * Gatehouse does anyway: it is set aside without a warning. Two keys are refused instead, because
 * ignoring them would widen access or drop transport security.
 * Authelia's names: `[]` a list entry, `*` a map entry's name.
 */
import type { ConfigPath, PathProblem } from '../errors.js';
import { closestName, nodeAt, childNode, AUTHELIA_KEY_TREE, type KeyNode } from '../key-names.js';
import { isRecord } from '../legacy.js';

/** Either a warning that ends with what Gatehouse does instead, or, where ignoring the key would weaken security, a problem. */
export type NotImplementedKey = { key: string; instead: string } | { key: string; refused: string };

const TOTP_ONLY = 'the second factors are TOTP (totp) and WebAuthn (webauthn); the second-factor page opens on the one each user used last';
const NO_ENCRYPTION = 'responses are signed (or plain JSON), never encrypted: a client that requires JWE will refuse them';
const CLIENT_AUTH_EVERYWHERE = "the client authenticates at this endpoint with its token_endpoint_auth_method (and token_endpoint_auth_signing_alg)";

const LDAP_STANDARD_ONLY = 'users have the standard attributes only (username, display_name, mail, groups)';
const LDAP_PROFILE_ATTRIBUTES = ['birthdate', 'country', 'family_name', 'gender', 'given_name', 'locale', 'locality', 'middle_name', 'nickname', 'phone_extension', 'phone_number', 'picture', 'postal_code', 'profile', 'region', 'street_address', 'website', 'zoneinfo'];

/** With the users file, `authentication_backend.refresh_interval` changes nothing (config/checks/ldap.ts warns). */
export const NOT_IMPLEMENTED_REFRESH_INTERVAL = 'with authentication_backend.file every request reads the user from the users file as last loaded (file.watch reloads it when it changes), so a removed or disabled user is signed out at the next request';

/** The one sentence for a key that is accepted but does nothing. */
export const notImplementedWarning = (key: string, instead: string): string => `config key ${key} is accepted for compatibility with Authelia but not implemented: ${instead}`;

export const NOT_IMPLEMENTED: readonly NotImplementedKey[] = [
  // Top level.
  { key: 'default_redirection_url', instead: 'set session.cookies[].default_redirection_url; the top-level key is only read together with the legacy session.domain' },
  { key: 'jwt_secret', instead: 'the password reset link is signed with identity_validation.reset_password.jwt_secret: move the value there' },
  { key: 'definitions', instead: 'name networks in access_control.networks; custom user attributes are not supported' },
  { key: 'duo_api', instead: `${TOTP_ONLY}; Duo push is not offered` },
  { key: 'webauthn.filtering', instead: 'every authenticator may be registered: no AAGUID or backup-eligibility filtering' },
  { key: 'webauthn.metadata', instead: 'attestation is not checked against the FIDO Metadata Service' },
  { key: 'webauthn.experimental_enable_passkey_upgrade', instead: 'a security key registered as a second factor is not offered as a passkey upgrade' },
  { key: 'ntp', instead: 'the system clock is trusted as is: keep it synchronised (chrony, systemd-timesyncd)' },
  { key: 'privacy_policy', instead: 'the portal shows no privacy policy link' },
  { key: 'notifier.template_path', instead: "messages use Gatehouse's built-in templates" },
  { key: 'notifier.smtp.startup_check_address', instead: 'the start-up check connects, upgrades to TLS and authenticates, and stops before naming any recipient' },
  { key: 'notifier.smtp.host', instead: 'set notifier.smtp.address (smtp://host:port)' },
  { key: 'notifier.smtp.port', instead: 'set notifier.smtp.address (smtp://host:port)' },
  { key: 'authentication_backend.password_reset.custom_url', instead: "the portal's own reset page is always used" },
  // server
  { key: 'server.tls', instead: 'Gatehouse listens on plain HTTP: terminate TLS (and client certificates) at the reverse proxy and do not expose server.address' },
  { key: 'server.disable_healthcheck', instead: 'no health check file is written; the health endpoint is /api/health' },
  { key: 'server.headers', instead: "the portal sends its own fixed Content-Security-Policy" },
  { key: 'server.endpoints.enable_pprof', instead: 'there is no profiling endpoint' },
  { key: 'server.endpoints.enable_expvars', instead: 'there is no expvars endpoint; metrics are served by telemetry.metrics' },
  { key: 'server.endpoints.rate_limits', instead: 'endpoints are not rate limited; failed sign-ins and client authentications are limited by regulation' },
  { key: 'server.endpoints.authz.*.authn_strategies[].scheme_basic_cache_lifespan', instead: 'a Basic credential that verified is remembered for a fixed 60 s' },
  // log
  { key: 'log.keep_stdout', instead: 'with log.file_path set, logs are written to that file only' },
  // authentication_backend
  ...LDAP_PROFILE_ATTRIBUTES.map((name) => ({ key: `authentication_backend.ldap.attributes.${name}`, instead: LDAP_STANDARD_ONLY })),
  { key: 'authentication_backend.ldap.attributes.extra', instead: LDAP_STANDARD_ONLY },
  { key: 'authentication_backend.password_change', instead: 'the portal offers no password change: change passwords in the users file' },
  { key: 'authentication_backend.file.search', instead: 'users sign in with their username, matched exactly (not by e-mail, not case-insensitively)' },
  { key: 'authentication_backend.file.extra_attributes', instead: 'users have the standard attributes only (displayname, email, groups)' },
  { key: 'authentication_backend.file.password.iterations', instead: 'set the parameters under the algorithm (authentication_backend.file.password.argon2 and the like)' },
  { key: 'authentication_backend.file.password.key_length', instead: 'set the parameters under the algorithm (authentication_backend.file.password.argon2 and the like)' },
  { key: 'authentication_backend.file.password.memory', instead: 'set the parameters under the algorithm (authentication_backend.file.password.argon2 and the like)' },
  { key: 'authentication_backend.file.password.parallelism', instead: 'set the parameters under the algorithm (authentication_backend.file.password.argon2 and the like)' },
  { key: 'authentication_backend.file.password.salt_length', instead: 'set the parameters under the algorithm (authentication_backend.file.password.argon2 and the like)' },
  { key: 'authentication_backend.file.password.scrypt.variant', instead: "new scrypt digests use the 'scrypt' variant; yescrypt is not offered" },
  // session
  { key: 'session.redis', instead: 'sessions are kept in storage (SQLite or PostgreSQL); Redis is not used' },
  // storage
  { key: 'storage.mysql', instead: 'MySQL is not supported: use storage.local (SQLite) or storage.postgres' },
  { key: 'storage.postgres.servers', instead: 'only storage.postgres.address is connected to; there are no fail-over servers' },
  { key: 'storage.postgres.tls.maximum_version', instead: 'the newest TLS version both sides support (up to 1.3) is negotiated' },
  {
    key: 'storage.postgres.ssl',
    refused: "is Authelia's deprecated form of storage.postgres.tls and is not implemented: ignoring it would connect to PostgreSQL without TLS; use storage.postgres.tls",
  },
  // totp
  // identity_providers.oidc
  { key: 'identity_providers.oidc.discovery_signed_response_key_id', instead: 'the discovery document is plain JSON, without signed_metadata' },
  { key: 'identity_providers.oidc.scopes', instead: 'only the standard scopes (openid, profile, email, groups, …) carry claims; other scopes a client is registered for are granted without claims' },
  { key: 'identity_providers.oidc.claims_policies', instead: 'the claims of each standard scope are returned by userinfo and put in the ID token as OpenID Connect Core describes; no custom claims' },
  { key: 'identity_providers.oidc.clients[].claims_policy', instead: 'the claims of each standard scope are returned by userinfo and put in the ID token as OpenID Connect Core describes; no custom claims' },
  { key: 'identity_providers.oidc.lifespans.device_code', instead: 'the device authorization grant is not offered' },
  { key: 'identity_providers.oidc.lifespans.jwt_secured_authorization', instead: 'JARM responses are valid for 10 minutes' },
  { key: 'identity_providers.oidc.lifespans.custom.*.device_code', instead: 'the device authorization grant is not offered' },
  { key: 'identity_providers.oidc.lifespans.custom.*.grants', instead: "a custom lifespan's access_token, authorize_code, id_token and refresh_token apply to every grant alike" },
  {
    key: 'identity_providers.oidc.authorization_policies.*.rules[].networks',
    refused: 'is not implemented by Gatehouse: ignoring it would apply this rule from every network; remove the rule or its networks',
  },
  { key: 'identity_providers.oidc.clients[].introspection_endpoint_auth_method', instead: CLIENT_AUTH_EVERYWHERE },
  { key: 'identity_providers.oidc.clients[].introspection_endpoint_auth_signing_alg', instead: CLIENT_AUTH_EVERYWHERE },
  { key: 'identity_providers.oidc.clients[].revocation_endpoint_auth_method', instead: CLIENT_AUTH_EVERYWHERE },
  { key: 'identity_providers.oidc.clients[].revocation_endpoint_auth_signing_alg', instead: CLIENT_AUTH_EVERYWHERE },
  { key: 'identity_providers.oidc.clients[].pushed_authorization_request_endpoint_auth_method', instead: CLIENT_AUTH_EVERYWHERE },
  { key: 'identity_providers.oidc.clients[].pushed_authorization_request_endpoint_auth_signing_alg', instead: CLIENT_AUTH_EVERYWHERE },
  ...['authorization', 'id_token', 'access_token', 'userinfo', 'introspection'].flatMap((response) =>
    ['alg', 'enc', 'key_id'].map((part) => ({ key: `identity_providers.oidc.clients[].${response}_encrypted_response_${part}`, instead: NO_ENCRYPTION })),
  ),
  { key: 'identity_providers.oidc.clients[].request_object_encryption_alg', instead: 'request objects must be signed or unsigned JWTs; encrypted ones are refused' },
  { key: 'identity_providers.oidc.clients[].request_object_encryption_enc', instead: 'request objects must be signed or unsigned JWTs; encrypted ones are refused' },
];

export interface SetAside {
  warnings: string[];
  problems: PathProblem[];
}

/** `a.b[].c` → `['a', 'b', '[]', 'c']`, the pattern one entry matches. */
function patternOf(key: string): string[] {
  return key.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));
}

/** Every written path the pattern matches, expanding `[]` over list entries and `*` over map entries. */
function matches(data: unknown, pattern: readonly string[], path: ConfigPath = []): ConfigPath[] {
  if (pattern.length === 0) return [path];
  const [head, ...rest] = pattern;
  if (head === '[]') return Array.isArray(data) ? data.flatMap((item, i) => matches(item, rest, [...path, i])) : [];
  if (!isRecord(data)) return [];
  if (head === '*') return Object.keys(data).flatMap((key) => matches(data[key], rest, [...path, key]));
  return head in data ? matches(data[head], rest, [...path, head]) : [];
}

/** Keys inside a set-aside value that Authelia does not have either. */
function unknownInside(value: unknown, node: KeyNode | undefined, path: ConfigPath): PathProblem[] {
  if (!node || node.children.size === 0) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isRecord(value) ? Object.entries(value) : [];
  return entries.flatMap(([segment, child]) => {
    const next = childNode(node, segment);
    if (next) return unknownInside(child, next, [...path, segment]);
    if (typeof segment === 'number') return [];
    const names = [...node.children.keys()].filter((k) => k !== '*' && k !== '[]');
    const suggestion = closestName(segment, names);
    return [{ path: [...path, segment], message: suggestion ? `is an unknown key: did you mean '${suggestion}'?` : 'is an unknown key' }];
  });
}

function remove(data: Record<string, unknown>, path: ConfigPath): void {
  let node: unknown = data;
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[segment];
  delete (node as Record<string, unknown>)[String(path[path.length - 1])];
}

/** Removes the not-implemented keys from `data` (in place): one warning per key written, or its problem. */
export function setAsideNotImplemented(data: Record<string, unknown>): SetAside {
  const out: SetAside = { warnings: [], problems: [] };
  for (const entry of NOT_IMPLEMENTED) {
    const found = matches(data, patternOf(entry.key));
    if (found.length === 0) continue;
    for (const path of found) {
      out.problems.push(...unknownInside(valueAt(data, path), nodeAt(AUTHELIA_KEY_TREE, path), path));
      if ('refused' in entry) out.problems.push({ path, message: entry.refused });
    }
    const asksForSomething = found.some((path) => !asksForNothing(valueAt(data, path)));
    for (const path of found) remove(data, path);
    if ('instead' in entry && asksForSomething) out.warnings.push(notImplementedWarning(entry.key, entry.instead));
  }
  return out;
}

/** `''`, `none`, null, `[]`, or a map of only those: Authelia's spellings of "not set". */
function asksForNothing(value: unknown): boolean {
  if (value === '' || value === 'none' || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.values(value).every(asksForNothing);
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let node = data;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}
