import t from 'tap';
import { HOST_OUTSIDE_COOKIE_DOMAINS, refusalHint } from '../../../src/authz/proxies/refusal-hint.js';
import { UNTRUSTED_REASON } from '../../../src/authz/proxies/target-headers.js';

t.test('a configuration mistake gets a hint naming what to change; a refusal about one request none', async (t) => {
  const cases: Array<[string, RegExp | null]> = [
    [UNTRUSTED_REASON, /server\.trusted_proxies/],
    ['scheme http is not allowed: forward-auth targets are https or wss', /https.*tls internal/],
    [`host app.other.org ${HOST_OUTSIDE_COOKIE_DOMAINS}`, /session\.cookies entry whose domain contains this host/],
    ['missing header X-Forwarded-Proto', /proxy-examples/],
    ['missing header X-Original-URL', /auth-request for nginx/],
    ['user info in X-Forwarded-Host', null],
    ["a dot segment ('.' or '..', maybe encoded) in X-Forwarded-Uri", null],
    ['X-Forwarded-Method is not an HTTP method', null],
  ];
  for (const [reason, hint] of cases) {
    const got = refusalHint(reason);
    if (hint === null) t.equal(got, null, reason);
    else t.match(got, hint, reason);
  }
});
