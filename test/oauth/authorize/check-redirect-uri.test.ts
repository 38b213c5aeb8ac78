/**
 * Redirect URIs (RFC 9700 §4.1.3: exact string comparison; RFC 8252 §7.3: any port for a loopback
 * IP literal; §8.3: not for `localhost`), and the code exchange repeating the one of the request
 * (RFC 6749 §4.1.3).
 */
import t from 'tap';
import { checkRedirectUri, redirectUriMatches } from '../../../src/oauth/authorize/check-redirect-uri.js';
import type { RegisteredClient } from '../../../src/oauth/clients.js';
import { OAuthError } from '../../../src/oauth/errors.js';
import { checkRedirectUri as checkExchangeRedirectUri } from '../../../src/oauth/grants/authorization-code.js';

t.test('redirectUriMatches: exact, except the port of a loopback IP literal (RFC 8252 §7.3)', async (t) => {
  const rows: Array<[rule: string, registered: string, requested: string, matches: boolean]> = [
    ['RFC 9700 §4.1.3: identical', 'https://app.example.com/cb', 'https://app.example.com/cb', true],
    ['RFC 9700 §4.1.3: another port of a non-loopback host', 'https://app.example.com/cb', 'https://app.example.com:8443/cb', false],
    ['case-sensitive path', 'https://app.example.com/cb', 'https://app.example.com/CB', false],
    ['no normalisation: a trailing slash', 'https://app.example.com/cb', 'https://app.example.com/cb/', false],
    ['RFC 8252 §7.3: 127.0.0.1, registered without a port, any port', 'http://127.0.0.1/callback', 'http://127.0.0.1:51004/callback', true],
    ['RFC 8252 §7.3: 127.0.0.1, registered with a port, another port', 'http://127.0.0.1:8080/callback', 'http://127.0.0.1:61023/callback', true],
    ['RFC 8252 §7.3: 127.0.0.1, registered with a port, requested without', 'http://127.0.0.1:8080/callback', 'http://127.0.0.1/callback', true],
    ['RFC 8252 §7.3: [::1], any port', 'http://[::1]/callback', 'http://[::1]:40123/callback', true],
    ['RFC 8252 §7.3: no path, any port', 'http://127.0.0.1', 'http://127.0.0.1:40123', true],
    ['RFC 8252 §7.3: the query must be the registered one', 'http://127.0.0.1/cb?app=cli', 'http://127.0.0.1:5000/cb?app=cli', true],
    ['loopback: another query', 'http://127.0.0.1/cb?app=cli', 'http://127.0.0.1:5000/cb?app=gui', false],
    ['loopback: an added query', 'http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb?x=1', false],
    ['loopback: another path', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000/other', false],
    ['loopback: a path prefix', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000/callback/extra', false],
    ['loopback: a path added to a bare authority', 'http://127.0.0.1', 'http://127.0.0.1:5000/', false],
    ['loopback: https is another scheme', 'http://127.0.0.1/callback', 'https://127.0.0.1:5000/callback', false],
    ['loopback: registered https is not relaxed', 'https://127.0.0.1/callback', 'https://127.0.0.1:5000/callback', false],
    ['loopback: 127.0.0.1 is not [::1]', 'http://127.0.0.1/callback', 'http://[::1]:5000/callback', false],
    ['loopback: another loopback address is another host', 'http://127.0.0.1/callback', 'http://127.0.0.2:5000/callback', false],
    ['RFC 8252 §8.3: localhost gets no port relaxation', 'http://localhost/callback', 'http://localhost:5000/callback', false],
    ['RFC 8252 §8.3: localhost with a port, another port', 'http://localhost:8080/callback', 'http://localhost:5000/callback', false],
    ['localhost: exact', 'http://localhost:8080/callback', 'http://localhost:8080/callback', true],
    ['a registered localhost does not admit 127.0.0.1', 'http://localhost/callback', 'http://127.0.0.1:5000/callback', false],
    ['a registered 127.0.0.1 does not admit localhost', 'http://127.0.0.1/callback', 'http://localhost:5000/callback', false],
    ['loopback: userinfo is not a port', 'http://127.0.0.1/callback', 'http://127.0.0.1:80@evil.example/callback', false],
    ['loopback: userinfo before the host', 'http://127.0.0.1/callback', 'http://evil@127.0.0.1:5000/callback', false],
    ['loopback: a host that starts like the literal', 'http://127.0.0.1/callback', 'http://127.0.0.1.evil.example:5000/callback', false],
    ['loopback: a port out of range', 'http://127.0.0.1/callback', 'http://127.0.0.1:65536/callback', false],
    ['loopback: an empty port', 'http://127.0.0.1/callback', 'http://127.0.0.1:/callback', false],
    ['loopback: a fragment', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000/callback#x', false],
    ['loopback: a backslash path', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000\\callback', false],
    ['loopback: dot segments are not resolved', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000/x/../callback', false],
    ['loopback: a case-changed path', 'http://127.0.0.1/callback', 'http://127.0.0.1:5000/Callback', false],
    ['loopback: an upper-case scheme', 'http://127.0.0.1/callback', 'HTTP://127.0.0.1:5000/callback', false],
  ];
  for (const [rule, registered, requested, matches] of rows) t.equal(redirectUriMatches(registered, requested), matches, rule);
});

const clientWith = (redirect_uris: string[], isPublic = false): RegisteredClient =>
  ({ config: { client_id: 'cli', redirect_uris, public: isPublic } }) as unknown as RegisteredClient;

function outcome(fn: () => string | void): string | { error: string; description: string } | undefined {
  try {
    return fn() ?? undefined;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { error: err.error, description: err.description };
  }
}

t.test('checkRedirectUri: any registered URI may match; the answer goes to the requested one, port included', async (t) => {
  const client = clientWith(['https://cli.example.com/cb', 'http://127.0.0.1/callback', 'http://[::1]/callback', 'http://localhost/callback']);
  const rows: Array<[rule: string, requested: string | null, result: ReturnType<typeof outcome>]> = [
    ['the requested loopback URI, with its port, is the one answered to', 'http://127.0.0.1:49152/callback', 'http://127.0.0.1:49152/callback'],
    ['[::1] with its port', 'http://[::1]:49152/callback', 'http://[::1]:49152/callback'],
    ['an exact https URI', 'https://cli.example.com/cb', 'https://cli.example.com/cb'],
    ['RFC 8252 §8.3: localhost with a port is not registered', 'http://localhost:49152/callback', { error: 'invalid_request', description: "The redirect URI 'http://localhost:49152/callback' is not registered for the client 'cli'." }],
    ['another path on the loopback', 'http://127.0.0.1:49152/other', { error: 'invalid_request', description: "The redirect URI 'http://127.0.0.1:49152/other' is not registered for the client 'cli'." }],
    ['OIDC Core §3.1.2.1: required', null, { error: 'invalid_request', description: "The 'redirect_uri' parameter is missing." }],
  ];
  for (const [rule, requested, result] of rows) {
    const params = new URLSearchParams(requested === null ? {} : { redirect_uri: requested });
    t.same(outcome(() => checkRedirectUri(params, client)), result, rule);
  }
  t.same(outcome(() => checkRedirectUri(new URLSearchParams({ redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' }), clientWith(['urn:ietf:wg:oauth:2.0:oob']))), {
    error: 'invalid_request',
    description: 'The out-of-band redirect URI is only for public clients.',
  }, 'the out-of-band URI stays for public clients');
});

t.test('RFC 6749 §4.1.3: the code exchange repeats the URI of the authorization request, port included', async (t) => {
  const session = { redirect_uri: 'http://127.0.0.1:49152/callback' };
  const mismatch = { error: 'invalid_grant', description: "The 'redirect_uri' parameter does not match the one of the authorization request." };
  const rows: Array<[rule: string, sent: string | undefined, result: ReturnType<typeof outcome>]> = [
    ['the same URI, port included', 'http://127.0.0.1:49152/callback', undefined],
    ['another port of the same loopback URI', 'http://127.0.0.1:49153/callback', mismatch],
    ['the registered URI without the port', 'http://127.0.0.1/callback', mismatch],
    ['missing', undefined, mismatch],
  ];
  for (const [rule, sent, result] of rows) t.same(outcome(() => checkExchangeRedirectUri(session, sent)), result, rule);
});
