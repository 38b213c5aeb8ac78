/** identity_providers.oidc.refresh_token_reuse_interval: off by default, a duration, at most 5m. */
import t from 'tap';
import { parse, problemsOf, withClient } from './config-fixtures.js';

const KEY = 'identity_providers.oidc.refresh_token_reuse_interval';
const interval = (value?: unknown): number => parse(withClient({}, value === undefined ? {} : { refresh_token_reuse_interval: value })).config.identity_providers!.oidc!.refresh_token_reuse_interval;

t.test('off by default: strict rotation (RFC 9700 §4.14.2)', async (t) => {
  t.equal(interval(), 0);
});

t.test('a duration in Authelia notation, in seconds', async (t) => {
  t.equal(interval('30s'), 30);
  t.equal(interval('2m'), 120);
  t.equal(interval(10), 10);
  t.equal(interval('5m'), 300, 'the cap itself is allowed');
});

t.test('longer than 5m is refused, naming the key and the value', async (t) => {
  t.same(problemsOf(withClient({}, { refresh_token_reuse_interval: '10m' })), [`${KEY}: must be at most 5m (300 seconds) but is 600 seconds`]);
  t.same(problemsOf(withClient({}, { refresh_token_reuse_interval: 'soon' })), [`${KEY}: must be a duration such as '90', '1h30m' or '2 days' but is 'soon'`]);
});
