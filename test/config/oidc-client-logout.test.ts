/**
 * A client's logout URIs, one case per rule, asserting the exact path and message of every problem:
 * RP-Initiated Logout 1.0 §3.1, Back-Channel Logout 1.0 §2.2, Front-Channel Logout 1.0 §2.
 */
import t from 'tap';
import { parse, problemsOf, withClient } from './config-fixtures.js';

const C = 'identity_providers.oidc.clients[0]';

const cases: { rule: string; client: Record<string, unknown>; problems: string[] }[] = [
  {
    rule: 'RP-Initiated Logout 1.0 §3.1: post_logout_redirect_uris are absolute http(s) URIs without a fragment, listed once',
    client: { post_logout_redirect_uris: ['/bye', 'ftp://app.example.com/bye', 'https://app.example.com/bye#x', 'https://app.example.com/bye', 'https://app.example.com/bye'] },
    problems: [
      `${C}.post_logout_redirect_uris[0]: must be an absolute URL but is '/bye'`,
      `${C}.post_logout_redirect_uris[1]: must have the scheme http or https but is 'ftp://app.example.com/bye'`,
      `${C}.post_logout_redirect_uris[2]: must not have a fragment but is 'https://app.example.com/bye#x'`,
      `${C}.post_logout_redirect_uris[4]: 'https://app.example.com/bye' is listed twice (first at index 3)`,
    ],
  },
  {
    rule: 'OIDC Back-Channel Logout 1.0 §2.2: backchannel_logout_uri is an absolute http(s) URI without a fragment',
    client: { backchannel_logout_uri: 'https://app.example.com/logout#now' },
    problems: [`${C}.backchannel_logout_uri: must not have a fragment but is 'https://app.example.com/logout#now'`],
  },
  {
    rule: 'OIDC Front-Channel Logout 1.0 §2: frontchannel_logout_uri shares scheme, host and port with a redirect URI',
    client: { frontchannel_logout_uri: 'https://other.example.com/logout' },
    problems: [`${C}.frontchannel_logout_uri: must have the scheme, host and port of one of the client's redirect_uris but is 'https://other.example.com/logout'`],
  },
  {
    rule: 'every logout key set correctly',
    client: {
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      backchannel_logout_uri: 'https://app.example.com/backchannel?x=1',
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: 'https://app.example.com/frontchannel',
      frontchannel_logout_session_required: true,
    },
    problems: [],
  },
];

for (const c of cases) {
  t.test(c.rule, async (t) => {
    t.same(problemsOf(withClient(c.client)), c.problems);
  });
}

t.test('defaults: no logout URIs, sessions not required', async (t) => {
  const client = parse(withClient({})).config.identity_providers!.oidc!.clients[0];
  t.same(client.post_logout_redirect_uris, []);
  t.equal(client.backchannel_logout_uri, undefined);
  t.equal(client.frontchannel_logout_uri, undefined);
  t.equal(client.backchannel_logout_session_required, false);
  t.equal(client.frontchannel_logout_session_required, false);
});
