/**
 * Exactly one storage engine. With PostgreSQL several replicas share one database, so the
 * secrets that would otherwise be generated into the local data directory must be configured.
 */
import type { CheckProblem, ParsedConfig, ParsedOidc } from './types.js';

const REPLICAS = 'is required when storage is postgres: every replica must share it';

export function checkStorage(storage: ParsedConfig['storage']): CheckProblem[] {
  const problems: CheckProblem[] = [];
  if (!storage.local && !storage.postgres) problems.push({ path: ['storage'], message: "must configure exactly one of 'local' or 'postgres'" });
  if (storage.local && storage.postgres) problems.push({ path: ['storage', 'postgres'], message: 'must not be set together with storage.local: configure exactly one engine' });
  if (!storage.postgres) return problems;
  const tls = storage.postgres.tls;
  if (tls && (tls.certificate_chain === undefined) !== (tls.private_key === undefined)) {
    const missing = tls.certificate_chain === undefined ? 'certificate_chain' : 'private_key';
    problems.push({ path: ['storage', 'postgres', 'tls', missing], message: 'is required when the other half of the client certificate (certificate_chain, private_key) is set' });
  }
  return problems;
}

/** PostgreSQL: what local storage would generate must be configured, for every replica alike. */
export function checkSharedSecrets(storage: ParsedConfig['storage'], oidc: ParsedOidc | undefined): CheckProblem[] {
  if (!storage.postgres) return [];
  const problems: CheckProblem[] = [];
  if (storage.encryption_key === undefined) problems.push({ path: ['storage', 'encryption_key'], message: REPLICAS });
  if (oidc) {
    if (oidc.hmac_secret === undefined) problems.push({ path: ['identity_providers', 'oidc', 'hmac_secret'], message: REPLICAS });
    if (oidc.jwks.length === 0) problems.push({ path: ['identity_providers', 'oidc', 'jwks'], message: 'must have at least one key when storage is postgres: every replica must share it' });
  }
  return problems;
}
