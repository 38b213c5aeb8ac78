import t from 'tap';
import { OAuthError } from '../../src/oauth/errors.js';
import { parseTokenTypeHint } from '../../src/oauth/find-token.js';
import { rejectDuplicateParameters, requiredParameter } from '../../src/oauth/parameters.js';

t.test('RFC 6749 §3.1: parameters must not be included more than once', async (t) => {
  t.throws(() => rejectDuplicateParameters(new URLSearchParams('grant_type=a&grant_type=b')), new OAuthError('invalid_request', "The 'grant_type' parameter must not be included more than once."));
  t.doesNotThrow(() => rejectDuplicateParameters(new URLSearchParams('audience=a&audience=b&resource=x&resource=y')), 'RFC 8693 audience / RFC 8707 resource may repeat');
  t.throws(() => requiredParameter(new URLSearchParams('code='), 'code'), new OAuthError('invalid_request', "The 'code' parameter is missing."));
});

t.test('token_type_hint: ignored at introspection (RFC 7662 §2.1), refused at revocation (RFC 7009 §2.2.1)', async (t) => {
  t.equal(parseTokenTypeHint(null, 'refuse'), undefined);
  t.equal(parseTokenTypeHint('refresh_token', 'refuse'), 'refresh_token');
  t.equal(parseTokenTypeHint('id_token', 'ignore'), undefined);
  t.throws(() => parseTokenTypeHint('id_token', 'refuse'), new OAuthError('unsupported_token_type', "The token_type_hint 'id_token' is not supported (supported: access_token, refresh_token)."));
});
