// Heap per cached bearer-token entry, measured, beside the cache's own size accounting: fills the
// introspection cache (the one the verify path and the introspection endpoint read) with N entries
// shaped like a client_credentials token's, through the bearer verifier as forward-auth does (so
// what it memoizes per cached answer counts too), forces full GCs before and after, and prints one JSON
// line: { entries, heapBytesPerEntry, accountedBytesPerEntry, accountedOverMeasured }.
// Runs in a child of bench/run.js: `node --expose-gc bench/cache-memory.js [N]` (100,000 by default).
import { createOpaqueTokenStrategy } from '../dist/crypto/opaque-token.js';
import { createIntrospectionCache, createLocalIntrospection } from '../dist/authz/introspection-cache.js';
import { createBearerVerifier } from '../dist/authz/strategies/bearer.js';
import { createLogger } from '../dist/observability/log.js';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const count = Number(process.argv[2] ?? 100_000);
const tokens = createOpaqueTokenStrategy('bench-hmac-secret-0123456789abcdef0123456789');
const nowMs = Date.now();

// The real local introspection over a token store that parses each record from JSON, as the SQLite
// store does: fresh strings and arrays per token, no sharing the real path would not have.
const row = (signature, now) => JSON.stringify({
  signature, request_id: 'b1a7e3c4-0d2f-4f7e-9c1a-2b3c4d5e6f70', client_id: 'bench', subject: null,
  requested_at_ms: now, expires_at_ms: now + 3_600_000,
  requested_scopes: ['authelia.bearer.authz'], granted_scopes: ['authelia.bearer.authz'],
  requested_audience: ['https://app.example.com'], granted_audience: ['https://app.example.com'],
  active: true, revoked: false,
  session: { username: null, auth_time_s: null, amr: [], requested_at_s: Math.floor(now / 1000) },
});
const storage = { tokens: { get: async (_kind, signature) => JSON.parse(row(signature, nowMs)) } };
const source = createLocalIntrospection({ storage, tokens });
// The tokens are made first and held throughout (they are the clients', not the cache's); the cache
// is made after the first measurement, so what it allocates up front for max_entries counts too.
const issued = Array.from({ length: count }, () => tokens.generate('at').token);
const settle = () => {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const before = settle();
const cache = createIntrospectionCache(source, {
  maxTtlSeconds: 3600,
  negativeTtlSeconds: 10,
  maxEntries: count,
  // Unbounded by size here: the measurement needs every entry in.
  maxSizeBytes: count * 1_000_000,
  keyOf: (token) => tokens.signatureOf(token, 'at'),
  claimedKeyOf: (token) => tokens.claimedSignatureOf(token, 'at'),
});

const bearer = createBearerVerifier({
  introspection: cache,
  // One registered client, the same object throughout (as the registry hands it out).
  clients: { get: ((client) => () => client)({ config: { client_id: 'bench', scopes: ['authelia.bearer.authz'], audience: ['https://app.example.com'] } }) },
  users: null,
  realm: 'bench',
  debugMessages: false,
  logger: createLogger({ level: 'error', format: 'text', sink: { write: () => true } }),
});
const input = { header: () => undefined, target: new URL('https://app.example.com/api/items'), clientIp: '127.0.0.1', nowMs };
for (let i = 0; i < issued.length; i += 1000) {
  const answers = await Promise.all(issued.slice(i, i + 1000).map((token) => bearer.verify(token, input)));
  if (answers.some((a) => a.kind !== 'authenticated')) throw new Error(`not admitted: ${JSON.stringify(answers.find((a) => a.kind !== 'authenticated'))}`);
}
// A second pass: hits, as forward-auth sees them after the first request of each token.
for (const token of issued) if (bearer.verify(token, input).kind !== 'authenticated') throw new Error('a cached token is not admitted');
const after = settle();
if (cache.size !== count) throw new Error(`expected ${count} entries, the cache holds ${cache.size}`);
for (const token of issued.slice(0, 10)) if (cache.peek(token, nowMs) === undefined) throw new Error('a filled entry misses');
const heapBytesPerEntry = (after - before) / count;
const accounted = typeof cache.sizeBytes === 'number' ? cache.sizeBytes / count : null;
process.stdout.write(
  JSON.stringify({
    entries: count,
    heapBytesPerEntry,
    accountedBytesPerEntry: accounted,
    accountedOverMeasured: accounted === null ? null : accounted / heapBytesPerEntry,
  }) + '\n',
);
