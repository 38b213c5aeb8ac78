/**
 * Exactly one storage engine. With PostgreSQL several replicas share one database, so the
 * secrets that would otherwise be generated into the local data directory must be configured.
 * The authentication log is kept at least as long as regulation looks back.
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

/**
 * Regulation counts the failures logged within `regulation.find_time`: a shorter retention would
 * let the expiry sweep delete failures that still count, and a ban would never be reached.
 */
export function checkAuthenticationLogRetention(storage: ParsedConfig['storage'], regulation: ParsedConfig['regulation']): CheckProblem[] {
  const retention = storage.retention.authentication_logs;
  if (retention >= regulation.find_time) return [];
  return [{ path: ['storage', 'retention', 'authentication_logs'], message: `must be at least regulation.find_time (${durationText(regulation.find_time)}) but is ${durationText(retention)}: regulation counts the failures logged within it` }];
}

/** Seconds in Authelia's notation, in the largest unit that divides them: 2592000 → '30d'. */
function durationText(seconds: number): string {
  for (const [unit, size] of DURATION_UNITS) if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
const DURATION_UNITS: ReadonlyArray<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60]];
