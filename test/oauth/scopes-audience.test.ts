import t from 'tap';
import { grantAudience, parseAudience } from '../../src/oauth/audience.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { checkClientCredentialsScopes } from '../../src/oauth/grants/client-credentials.js';
import { narrowScopes } from '../../src/oauth/grants/refresh-token.js';
import { parseScope } from '../../src/oauth/scopes.js';

t.test('RFC 6749 §3.3: scope parsing', async (t) => {
  t.same(parseScope(null), []);
  t.same(parseScope(''), []);
  t.same(parseScope('openid  profile openid'), ['openid', 'profile'], 'extra spaces and duplicates dropped');
  t.throws(() => parseScope('a"b'), new OAuthError('invalid_scope', "The scope 'a\"b' contains characters RFC 6749 §3.3 does not allow."));
});

t.test('RFC 6749 §6: refresh scope narrowing', async (t) => {
  t.same(narrowScopes([], ['openid', 'read']), ['openid', 'read'], 'absent: all originally granted');
  t.same(narrowScopes(['read'], ['openid', 'read']), ['read']);
  t.throws(() => narrowScopes(['write'], ['read']), new OAuthError('invalid_scope', "The scope 'write' is not granted to this refresh token."));
});

t.test('004 Grant Types: client_credentials alone excludes openid, offline, offline_access', async (t) => {
  const only = { grant_types: ['client_credentials' as const], scopes: ['read'] };
  for (const scope of ['openid', 'offline', 'offline_access']) {
    t.throws(() => checkClientCredentialsScopes([scope], only), new OAuthError('invalid_scope', `The scope '${scope}' is not allowed for a client whose only grant type is client_credentials.`), scope);
  }
  t.doesNotThrow(() => checkClientCredentialsScopes(['read'], only));
  t.throws(() => checkClientCredentialsScopes(['write'], only), new OAuthError('invalid_scope', "The scope 'write' is not registered for the client."));
  const mixed = { grant_types: ['client_credentials' as const, 'authorization_code' as const], scopes: ['openid', 'read'] };
  t.doesNotThrow(() => checkClientCredentialsScopes(['openid'], mixed), 'with another grant, a registered openid is allowed');
});

t.test('audience: parsing and requested_audience_mode', async (t) => {
  t.same(parseAudience(new URLSearchParams('audience=a%20b&audience=c&audience=a')), ['a', 'b', 'c']);
  const explicit = { audience: ['a', 'b'], requested_audience_mode: 'explicit' as const };
  const implicit = { audience: ['a', 'b'], requested_audience_mode: 'implicit' as const };
  t.same(grantAudience([], explicit), []);
  t.same(grantAudience(['b'], explicit), ['b']);
  t.same(grantAudience([], implicit), ['a', 'b']);
  t.same(grantAudience(['a'], implicit), ['a']);
  t.throws(() => grantAudience(['z'], implicit), new OAuthError('invalid_request', "The requested audience 'z' is not registered for the client."));
});
