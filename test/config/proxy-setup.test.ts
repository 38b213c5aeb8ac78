/** checkProxySetup through parseConfig: proxy setups that cannot work are warned about, working ones are not. */
import t from 'tap';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';

const base = { storage: { local: { path: '/tmp/x.sqlite3' } } };
const cookies = (url: string) => ({ cookies: [{ domain: url.includes('example.com') ? 'example.com' : 'localhost', authelia_url: url }] });
const warningsOf = (over: Record<string, unknown>) => parseConfig(stringify({ ...base, ...over }), { env: {}, nowMs: Date.now() }).warnings.filter((w) => /trusted_proxies/.test(w));

t.test('proxy setups that cannot work are warned about; working ones are not', async (t) => {
  const cases: Array<[string, Record<string, unknown>, RegExp[]]> = [
    ['the shipped shape: loopback listener, loopback proxies', { server: { address: 'tcp://127.0.0.1:9091', trusted_proxies: ['127.0.0.1/32', '::1/128'] }, session: cookies('http://localhost:9091') }, []],
    // Listening on every interface with the default loopback proxies is common and fine with a proxy on the same host: no warning.
    ['every interface, the default (loopback) trusted proxies', { server: { address: 'tcp://:9091' } }, []],
    ['a container: every interface, the proxy network trusted', { server: { address: 'tcp://:9091', trusted_proxies: ['172.16.0.0/12'] }, session: cookies('https://auth.example.com') }, []],
    ['no trusted proxies, https portal', { server: { address: 'tcp://127.0.0.1:9091', trusted_proxies: [] }, session: cookies('https://auth.example.com') }, [
      /^server\.trusted_proxies is empty: .* every request to the verify endpoints \(\/api\/authz\/forward-auth, .*\) is refused with 400/,
      /^server\.trusted_proxies is empty while the portal's authelia_url is https/,
    ]],
  ];
  for (const [name, config, expected] of cases) {
    const warnings = warningsOf(config);
    t.equal(warnings.length, expected.length, `${name}: ${expected.length} warnings`);
    expected.forEach((re, i) => t.match(warnings[i], re, name));
  }
});
