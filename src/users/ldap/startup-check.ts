/**
 * Before Gatehouse serves, the directory must answer as configured, and a failure says which step
 * failed: it cannot be reached (address, TLS), the service account's bind is refused, the root
 * DSE cannot be read (unless `permit_feature_detection_failure`), or the base DN does not exist.
 * What the root DSE lists (RFC 4512 §5.1) decides how passwords are changed.
 */
import { NoSuchObjectError } from 'ldapts';
import type { Logger } from '../../observability/log.js';
import { describeLdapError, isLdapResult, type LdapPool } from './client-pool.js';
import { PASSWORD_MODIFY_OID } from './password-change.js';
import type { LdapSettings } from './settings.js';
import { valuesOf } from './entry.js';

/** RFC 4511 §4.14.1: the StartTLS extended operation. */
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

export interface LdapFeatures {
  /** The Password Modify extended operation (RFC 3062). */
  passwordModify: boolean;
  startTls: boolean;
}

export class LdapStartupError extends Error {
  override readonly name = 'LdapStartupError';
  readonly code = 'ERR_LDAP_STARTUP';
}

export async function checkLdapAtStartup(settings: LdapSettings, pool: Pick<LdapPool, 'withService' | 'timed'>, logger: Logger): Promise<LdapFeatures> {
  const at = settings.address.address;
  const features: LdapFeatures = await pool
    .withService(async (client) => {
      let found: LdapFeatures = { passwordModify: false, startTls: false };
      try {
        const rootDse = await pool.timed('search', () => client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['supportedExtension'] }));
        const extensions = rootDse.searchEntries[0] ? valuesOf(rootDse.searchEntries[0], 'supportedExtension') : [];
        found = { passwordModify: extensions.includes(PASSWORD_MODIFY_OID), startTls: extensions.includes(START_TLS_OID) };
      } catch (err) {
        if (!isLdapResult(err)) throw err;
        if (!settings.permitFeatureDetectionFailure) {
          throw new LdapStartupError(`authentication_backend.ldap: the directory at ${at} refused to list its features (root DSE): ${describeLdapError(err)}; set permit_feature_detection_failure to go on without them`);
        }
        logger.warn('LDAP root DSE could not be read; going on without feature detection', { error: describeLdapError(err) });
      }
      try {
        await pool.timed('search', () => client.search(settings.usersBaseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }));
      } catch (err) {
        if (err instanceof NoSuchObjectError) throw new LdapStartupError(`authentication_backend.ldap: the users' base DN '${settings.usersBaseDn}' was not found in the directory at ${at}`);
        if (isLdapResult(err)) throw new LdapStartupError(`authentication_backend.ldap: the users' base DN '${settings.usersBaseDn}' could not be read in the directory at ${at}: ${describeLdapError(err)}`);
        throw err;
      }
      return found;
    })
    .catch((err: unknown) => {
      if (err instanceof LdapStartupError) throw err;
      if (isLdapResult(err)) {
        const who = settings.bind ? `as '${settings.bind.dn}'` : 'anonymously';
        throw new LdapStartupError(`authentication_backend.ldap: the directory at ${at} refused the bind ${who}: ${describeLdapError(err)}`, { cause: err });
      }
      throw new LdapStartupError(`authentication_backend.ldap: cannot connect to the directory at ${at}: ${describeLdapError(err)}`, { cause: err });
    });
  if (features.startTls && !settings.startTls && settings.address.scheme === 'ldap') {
    logger.warn('the LDAP directory offers StartTLS but the connection is not encrypted: use an ldaps:// address or start_tls: true', { address: at });
  }
  return features;
}
