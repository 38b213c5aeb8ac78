/** Reading back a stored code or refresh token as the grant the next tokens are issued on. */
import type { OidcClientConfig } from '../../config/index.js';
import type { TokenSessionRecord } from '../../storage/types.js';
import { grantSessionFromJson } from '../grant-session.js';
import type { IssuableGrant } from '../token-issuer.js';

export function grantFromRecord(record: TokenSessionRecord, client: OidcClientConfig): IssuableGrant {
  return {
    request_id: record.request_id,
    client,
    subject: record.subject,
    requested_scopes: record.requested_scopes,
    granted_scopes: record.granted_scopes,
    requested_audience: record.requested_audience,
    granted_audience: record.granted_audience,
    session: grantSessionFromJson(record.session),
  };
}
