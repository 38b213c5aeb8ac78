/**
 * Old key names → 4.38 names, on the plain data before validation, so the model and the domain
 * never see them. Each old name found yields `<old path> is deprecated: use <new path> instead`;
 * an old and a new name both set is a problem. `aliases` lets positions of moved values be found.
 */
import { formatPath, type ConfigPath, type PathProblem } from './errors.js';

export interface PathAlias {
  /** Where the value lives now. */
  to: ConfigPath;
  /** Where it was written in the file. */
  from: ConfigPath;
}

export interface LegacyResult {
  value: Record<string, unknown>;
  warnings: string[];
  problems: PathProblem[];
  aliases: PathAlias[];
}

type Data = Record<string, unknown>;

export const isRecord = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const CLIENT_RENAMES: readonly [string, string][] = [
  ['id', 'client_id'],
  ['description', 'client_name'],
  ['secret', 'client_secret'],
  ['sector_identifier', 'sector_identifier_uri'],
  ['enforce_par', 'require_pushed_authorization_requests'],
  ['enforce_pkce', 'require_pkce'],
  ['userinfo_signing_algorithm', 'userinfo_signed_response_alg'],
  ['userinfo_signing_alg', 'userinfo_signed_response_alg'],
  ['userinfo_signing_key_id', 'userinfo_signed_response_key_id'],
  ['id_token_signing_alg', 'id_token_signed_response_alg'],
  ['id_token_signing_key_id', 'id_token_signed_response_key_id'],
  ['introspection_signing_algorithm', 'introspection_signed_response_alg'],
  ['introspection_signing_alg', 'introspection_signed_response_alg'],
  ['introspection_signing_key_id', 'introspection_signed_response_key_id'],
  ['request_object_signing_algorithm', 'request_object_signing_alg'],
  ['token_endpoint_auth_signing_algorithm', 'token_endpoint_auth_signing_alg'],
];

const LIFESPAN_RENAMES: readonly [string, string][] = [
  ['access_token_lifespan', 'access_token'],
  ['authorize_code_lifespan', 'authorize_code'],
  ['id_token_lifespan', 'id_token'],
  ['refresh_token_lifespan', 'refresh_token'],
];

class Migration {
  readonly warnings: string[] = [];
  readonly problems: PathProblem[] = [];
  readonly aliases: PathAlias[] = [];

  /** Moves `source[oldKey]` to `target[newKey]` (same or another map), unless both are set. */
  move(source: Data, sourcePath: ConfigPath, oldKey: string, target: Data, targetPath: ConfigPath, newKey: string, convert = (v: unknown) => v): void {
    if (!(oldKey in source)) return;
    const from = [...sourcePath, oldKey];
    const to = [...targetPath, newKey];
    if (target[newKey] !== undefined) {
      this.problems.push({ path: from, message: `must not be set together with ${formatPath(to)}: remove the deprecated ${oldKey}` });
      delete source[oldKey];
      return;
    }
    this.warnings.push(`${formatPath(from)} is deprecated: use ${formatPath(to)} instead`);
    target[newKey] = convert(source[oldKey]);
    delete source[oldKey];
    this.aliases.push({ to, from });
  }
}

/** `sector_identifier` was a host (`example.com`); `sector_identifier_uri` is a URL. */
function sectorIdentifierToUri(value: unknown): unknown {
  if (value === '' || value === null) return undefined;
  if (typeof value === 'string' && !value.includes('://')) return `https://${value}`;
  return value;
}

function child(parent: Data, key: string): Data {
  if (!isRecord(parent[key])) parent[key] = {};
  return parent[key] as Data;
}

function migrateOidc(oidc: Data, path: ConfigPath, m: Migration): void {
  if ('issuer_private_key' in oidc || 'issuer_certificate_chain' in oidc) {
    const jwksPath = [...path, 'jwks'];
    if (Array.isArray(oidc['jwks']) && oidc['jwks'].length > 0) {
      for (const key of ['issuer_private_key', 'issuer_certificate_chain'].filter((k) => k in oidc)) {
        m.problems.push({ path: [...path, key], message: `must not be set together with ${formatPath(jwksPath)}: remove the deprecated ${key}` });
        delete oidc[key];
      }
    } else {
      const jwk: Data = { algorithm: 'RS256' };
      m.move(oidc, path, 'issuer_private_key', jwk, [...jwksPath, 0], 'key');
      m.move(oidc, path, 'issuer_certificate_chain', jwk, [...jwksPath, 0], 'certificate_chain');
      oidc['jwks'] = [jwk];
      m.aliases.push({ to: [...jwksPath, 0], from: [...path, 'issuer_private_key'] });
    }
  }
  const lifespanKeys = LIFESPAN_RENAMES.filter(([old]) => old in oidc);
  if (lifespanKeys.length > 0) {
    const lifespans = child(oidc, 'lifespans');
    for (const [old, now] of lifespanKeys) m.move(oidc, path, old, lifespans, [...path, 'lifespans'], now);
  }
  const par = oidc['pushed_authorizations'];
  if (isRecord(par)) m.move(par, [...path, 'pushed_authorizations'], 'enforce', oidc, path, 'require_pushed_authorization_requests');
  const clients = oidc['clients'];
  if (Array.isArray(clients)) {
    clients.forEach((client, i) => {
      if (!isRecord(client)) return;
      const clientPath = [...path, 'clients', i];
      for (const [old, now] of CLIENT_RENAMES) {
        m.move(client, clientPath, old, client, clientPath, now, old === 'sector_identifier' ? sectorIdentifierToUri : undefined);
      }
      if (client['sector_identifier_uri'] === undefined) delete client['sector_identifier_uri'];
    });
  }
}

/** Pre-4.38 single-domain session: `session.domain` (+ top-level `default_redirection_url`) → `session.cookies[0]`. */
function migrateSession(root: Data, m: Migration): void {
  const session = root['session'];
  if (!isRecord(session) || !('domain' in session)) return;
  if (Array.isArray(session['cookies']) && session['cookies'].length > 0) {
    m.problems.push({ path: ['session', 'domain'], message: 'must not be set together with session.cookies: remove the deprecated domain' });
    delete session['domain'];
    return;
  }
  const cookie: Data = {};
  m.move(session, ['session'], 'domain', cookie, ['session', 'cookies', 0], 'domain');
  m.move(root, [], 'default_redirection_url', cookie, ['session', 'cookies', 0], 'default_redirection_url');
  session['cookies'] = [cookie];
  m.aliases.push({ to: ['session', 'cookies', 0], from: ['session', 'domain'] });
}

/** Pre-4.38 `host` + `port` → `address`. */
function migrateHostPort(section: Data, path: ConfigPath, m: Migration, scheme: string): void {
  if (!('host' in section) && !('port' in section)) return;
  const addressPath = formatPath([...path, 'address']);
  for (const key of ['host', 'port'].filter((k) => k in section)) {
    if (section['address'] !== undefined) {
      m.problems.push({ path: [...path, key], message: `must not be set together with ${addressPath}: remove the deprecated ${key}` });
    } else {
      m.warnings.push(`${formatPath([...path, key])} is deprecated: use ${addressPath} instead`);
      m.aliases.push({ to: [...path, 'address'], from: [...path, key] });
    }
  }
  if (section['address'] === undefined) {
    const rawHost = section['host'];
    const host = typeof rawHost === 'string' || typeof rawHost === 'number' ? String(rawHost) : '';
    section['address'] = `${scheme}${host.includes(':') ? `[${host}]` : host}${'port' in section ? `:${String(section['port'])}` : ''}`;
  }
  delete section['host'];
  delete section['port'];
}

export function applyLegacy(input: Record<string, unknown>): LegacyResult {
  const value = structuredClone(input);
  const m = new Migration();
  const providers = value['identity_providers'];
  if (isRecord(providers) && isRecord(providers['oidc'])) migrateOidc(providers['oidc'], ['identity_providers', 'oidc'], m);
  migrateSession(value, m);
  if (isRecord(value['server'])) {
    migrateHostPort(value['server'], ['server'], m, 'tcp://');
    const endpoints = value['server']['endpoints'];
    if (isRecord(endpoints)) m.move(endpoints, ['server', 'endpoints'], 'authz_cache', endpoints, ['server', 'endpoints'], 'introspection_cache');
  }
  const storage = value['storage'];
  if (isRecord(storage) && isRecord(storage['postgres'])) migrateHostPort(storage['postgres'], ['storage', 'postgres'], m, 'tcp://');
  return { value, warnings: m.warnings, problems: m.problems, aliases: m.aliases };
}
