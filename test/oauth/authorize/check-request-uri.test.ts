/** RFC 9101 §6.2 / OIDC Core §6.2: a request_uri other than a pushed request's is refused, at the redirect URI once it is trusted. */
import t from 'tap';
import { UnsafeAuthorizationError, validateAuthorizationRequest } from '../../../src/oauth/authorize/index.js';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const clients = createClientRegistry([oidcClient({ client_id: 'app', scopes: ['openid'] })]);
const deps = { clients, config: { enforce_pkce: 'never', enable_pkce_plain_challenge: false, minimum_parameter_entropy: 8, require_pushed_authorization_requests: false } } as const;
const REMOTE = 'https://client.example/ro.jwt';
const DESCRIPTION = "The 'request_uri' parameter is only supported with pushed authorization requests.";

t.test('with a registered redirect URI in the query: request_uri_not_supported, sent to the client with state', async (t) => {
  const params = new URLSearchParams({ client_id: 'app', response_type: 'code', redirect_uri: 'https://app.example.com/cb', scope: 'openid', state: 'state-123456', request_uri: REMOTE });
  const verdict = validateAuthorizationRequest(params, deps, { pushed: false });
  if (verdict.ok) return t.fail('accepted');
  t.notOk(verdict.error instanceof UnsafeAuthorizationError, 'redirected, not a page');
  t.match(verdict.error, { name: 'OAuthError', error: 'request_uri_not_supported', description: DESCRIPTION });
  t.match(verdict.destination, { redirect_uri: 'https://app.example.com/cb', response_mode: 'query', state: 'state-123456' }, 'the redirect URI was trusted before the refusal');
});

t.test('without a redirect URI in the query (it may be only inside the object): shown to the person', async (t) => {
  const params = new URLSearchParams({ client_id: 'app', response_type: 'code', scope: 'openid', request_uri: REMOTE });
  const verdict = validateAuthorizationRequest(params, deps, { pushed: false });
  if (verdict.ok) return t.fail('accepted');
  t.ok(verdict.error instanceof UnsafeAuthorizationError, 'an error page, not a redirect');
  t.match(verdict.error, { error: 'request_uri_not_supported', description: DESCRIPTION });
  t.equal(verdict.destination, null, 'no destination: nothing is redirected');
});
