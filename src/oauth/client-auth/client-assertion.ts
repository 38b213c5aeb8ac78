/**
 * client_secret_jwt and private_key_jwt (RFC 7523 §2.2, OIDC Core §9): a signed JWT in
 * `client_assertion`. Recognised so that a request using them gets a clear answer and the
 * registry has its slot; verification comes with the JWT client-authentication issue.
 */
import { decodeJwt } from 'jose';
import { clientAuthFailure } from './failure.js';
import type { ClientAuthMethod } from './types.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The client an assertion claims to come from: `client_id`, else the (unverified) `sub`. */
function claimedClientId(params: URLSearchParams, assertion: string): string {
  const explicit = params.get('client_id');
  if (explicit) return explicit;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
}

export const clientAssertion: ClientAuthMethod = {
  name: 'client_assertion',
  methods: ['client_secret_jwt', 'private_key_jwt'],
  extract({ params }) {
    const type = params.get('client_assertion_type');
    const assertion = params.get('client_assertion');
    if (type === null && assertion === null) return null;
    return { client_id: claimedClientId(params, assertion ?? ''), assertion: assertion ?? '' };
  },
  async verify(client) {
    throw clientAuthFailure(
      `The client authentication method '${client.config.token_endpoint_auth_method}' is not supported yet.`,
      false,
    );
  },
};
