/** client_secret_post (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body. */
import { OAuthError } from '../errors.js';
import type { ClientAuthMethod } from './types.js';
import { verifyClientSecret } from './verify-secret.js';

export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',
  methods: ['client_secret_post'],
  extract({ params }) {
    const secret = params.get('client_secret');
    if (secret === null) return null;
    const client_id = params.get('client_id');
    if (!client_id) throw new OAuthError('invalid_request', "The 'client_secret' parameter was sent without 'client_id'.");
    return { client_id, secret };
  },
  verify: (client, credentials, deps) => verifyClientSecret(client, credentials, deps, false),
};
