/** The test-only changes to the shipped proxy examples are exactly the intended ones, and fail loudly on drift. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caddyTestSubstitutions, nginxSnippetSubstitutions, nginxTestSubstitutions, NGINX_SCHEME_SUBSTITUTION, substitute } from './example-substitution.js';
import { EXAMPLES_DIR, requireBinary } from './proxy-process.js';

t.test('substitute: every occurrence replaced; a rule that matches nothing is an error naming it', async (t) => {
  t.equal(substitute('a 1 b 1', [{ why: 'ones', find: '1', replace: '2' }]), 'a 2 b 2');
  t.equal(substitute('x;\n  y z;\nw', [{ why: 'line', find: /^ *y .*;\n/m, replace: '' }]), 'x;\nw');
  t.equal(substitute('$1 $&', [{ why: 'literal', find: /\$1/, replace: '$&' }]), '$& $&', 'replacement text is literal');
  t.throws(() => substitute('abc', [{ why: 'gone', find: 'xyz', replace: '' }]), { message: "example substitution 'gone' matched nothing: xyz" });
});

t.test('nginx site.conf: only ports, upstreams, snippet paths and TLS change', async (t) => {
  const shipped = readFileSync(join(EXAMPLES_DIR, 'nginx/site.conf'), 'utf8');
  const out = substitute(shipped, [
    ...nginxTestSubstitutions({ gatehouse: '127.0.0.1:1111', app: '127.0.0.1:2222', httpsPort: 3333, httpPort: 4444, snippetsDir: '/tmp/s' }),
    NGINX_SCHEME_SUBSTITUTION,
  ]);
  t.match(out, 'server 127.0.0.1:1111;');
  t.match(out, 'server 127.0.0.1:2222;');
  t.match(out, 'listen 127.0.0.1:3333;');
  t.match(out, 'listen 127.0.0.1:4444;');
  t.match(out, 'include /tmp/s/authelia-location.conf;');
  t.notMatch(out, /ssl|\$scheme|127\.0\.0\.1:9091|127\.0\.0\.1:8080/);
  const removed = shipped.split('\n').filter((line) => !out.includes(line.trim()));
  t.ok(removed.every((line) => /listen|ssl_certificate|server 127|snippets|\$scheme/.test(line)), `changed lines: ${removed.join(' | ')}`);
});

t.test('nginx snippets: the target is built from what nginx routed on ($host, $server_port), never $http_host (issue #11 items 1, 2)', async (t) => {
  const shipped = readFileSync(join(EXAMPLES_DIR, 'nginx/snippets/authelia-location.conf'), 'utf8');
  t.match(shipped, /^\s*proxy_set_header X-Original-URL \$scheme:\/\/\$host:\$server_port\$request_uri;$/m);
  t.notMatch(shipped.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n'), '$http_host', 'no directive uses the raw Host header');
  const out = substitute(shipped, nginxSnippetSubstitutions(shipped));
  t.match(out, 'proxy_set_header X-Original-URL https://$host:443$request_uri;', 'only the TLS listener stands in: scheme https, port 443');
});

t.test('Caddyfile: only the two upstream addresses change', async (t) => {
  const shipped = readFileSync(join(EXAMPLES_DIR, 'caddy/Caddyfile'), 'utf8');
  const out = substitute(shipped, caddyTestSubstitutions({ gatehouse: '127.0.0.1:1111', app: '127.0.0.1:2222' }));
  t.equal(out, shipped.replaceAll('127.0.0.1:9091', '127.0.0.1:1111').replaceAll('127.0.0.1:8080', '127.0.0.1:2222'));
});

t.test('a proxy that is not installed fails the suite with the way to install it (not a skip)', async (t) => {
  t.throws(() => requireBinary('gatehouse-no-such-proxy'), { message: 'gatehouse-no-such-proxy is not installed: run .ci/install-deps' });
  t.match(requireBinary('nginx'), /\/nginx$/);
  t.match(requireBinary('caddy'), /\/caddy$/);
});
