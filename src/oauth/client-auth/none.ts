/**
 * none (OIDC Core §9, RFC 6749 §2.1): a public client names itself with `client_id` in the body
 * and proves nothing; PKCE (RFC 7636) is what binds its code. Only used when no other credentials
 * are present in the request.
 */
import type { ClientAuthMethod } from './types.js';

export const none: ClientAuthMethod = {
  name: 'none',
  methods: ['none'],
  extract({ params }) {
    const client_id = params.get('client_id');
    return client_id ? { client_id } : null;
  },
  async verify() {
    // Nothing to verify: the registry already checked that this client is registered for 'none'.
  },
};
