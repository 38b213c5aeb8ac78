// Micro-benchmark of the forward-auth decision core (not a test): compiled rules, target parsing
// and audience matching, per call. Run after a build: `npm run build && node bench/authz-decide.js`.
// The config below is already in the parsed model's shape (every list present), as src/config makes it.
import { compileAccessControl } from '../dist/authz/rules.js';
import { parseTargetUrl } from '../dist/authz/target-url.js';
import { compileAudiences } from '../dist/authz/audience-match.js';

const rule = (over) => ({ domain: [], domain_regex: [], subject: [], networks: [], resources: [], query: [], methods: [], ...over });
const rules = [];
for (let i = 0; i < 50; i++) rules.push(rule({ domain: [`app${i}.example.com`], resources: ['^/admin'], subject: [['group:admins']], policy: 'two_factor' }));
rules.push(rule({ domain: ['public.example.com'], policy: 'bypass' }));
rules.push(rule({ domain: ['*.example.com'], networks: ['internal'], policy: 'one_factor' }));
rules.push(rule({ domain_regex: ['^(?<User>\\w+)\\.home\\.example\\.com$'], policy: 'one_factor' }));
rules.push(rule({ domain: ['*.example.com'], query: [[{ key: 'debug', operator: 'absent' }]], methods: ['GET', 'HEAD'], policy: 'two_factor' }));
const access = compileAccessControl({
  default_policy: 'deny',
  networks: [{ name: 'internal', networks: ['10.0.0.0/8', '192.168.0.0/16'] }],
  rules,
});

function bench(name, iterations, fn) {
  for (let i = 0; i < 10_000; i++) fn(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${name.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns/op  ${(1e9 / ns / 1e6).toFixed(2)} M op/s`);
}

const subject = { username: 'john', groups: ['dev'] };
const urls = ['https://app7.example.com/admin/x', 'https://public.example.com/', 'https://john.home.example.com/', 'https://zzz.example.com/a?b=1', 'https://other.net/'];
const objects = urls.map((url) => ({ url: parseTargetUrl(url), method: 'GET', remoteIp: '203.0.113.9' }));
const audiences = compileAudiences(['https://api.example.com/v1', 'https://zzz.example.com/a']);

bench('parseTargetUrl', 200_000, (i) => parseTargetUrl(urls[i % urls.length]));
bench('decide (54 rules, anonymous)', 1_000_000, (i) => access.decide(objects[i % objects.length], null));
bench('decide (54 rules, authenticated)', 1_000_000, (i) => access.decide(objects[i % objects.length], subject));
bench('decide, worst case: default policy after all rules', 1_000_000, () => access.decide(objects[4], subject));
bench('compiled audiences covers', 1_000_000, (i) => audiences(objects[i % objects.length].url));
