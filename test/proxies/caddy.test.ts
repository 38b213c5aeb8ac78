/**
 * proxy-examples/caddy/Caddyfile as shipped, on a real Caddy in front of a real Gatehouse
 * (ForwardAuth endpoint). Only the upstream addresses are substituted; a prepended global options
 * block gives Caddy test ports and its internal CA instead of ACME, so Caddy really terminates TLS
 * for app.example.com and auth.example.com (example-substitution.ts).
 */
import t from 'tap';
import { startCaddy } from './proxy-process.js';
import { proveProxy } from './scenarios.js';

t.test('Caddy forward_auth with proxy-examples/caddy', async (t) => {
  await proveProxy(t, startCaddy);
});
