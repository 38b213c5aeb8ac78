/**
 * The import boundaries of docs/ARCHITECTURE.md (and /work/shared/ARCHITECTURE.md), checked by
 * `npm run lint:deps` inside `npm test`.
 *
 * A request travels   src/http → src/endpoints → domain → src/storage,
 * and imports point the same way, with one exception argued below (src/http).
 *
 * - The composition root (src/main.ts, src/app.ts, src/context.ts, src/cli/) wires everything and
 *   may import anything; nothing under src/http, the domain or src/storage imports it back.
 * - src/endpoints: parse and validate a request, call the domain, hand the answer to src/http.
 * - src/http: server, router, body parsing, forwarded headers and the one renderer of answers
 *   and errors. It is a toolkit the endpoints call (`import { json } from '../http/response.js'`),
 *   so endpoints may import it; it never names an endpoint (src/app.ts mounts the routes), which
 *   keeps the two from importing each other. It may import the domain, whose errors it renders.
 * - The domain: oauth, oidc, authz, authn, users, crypto, config, observability, notifier and
 *   portal (pages). It never imports src/http or src/endpoints.
 *   oidc builds on oauth (OpenID Connect is a profile of OAuth 2.0): oidc may import oauth,
 *   never the other way.
 * - src/storage imports no domain folder: the types it shares with the domain live in storage.
 * - src/util and src/observability/log.ts are the foundation below storage: generic helpers
 *   (the Clock, memoization, awaitables) and the Logger interface, which storage, like every
 *   layer, is handed. They are leaves (they import nothing from src but src/util), so letting
 *   storage import them cannot make storage depend on anything above it.
 *
 * Type-only imports count (`tsPreCompilationDeps: true`): a type names the concept it belongs to,
 * and a type that two layers share belongs in the lower one; `import type` from a higher layer
 * is the same upside-down dependency, only erased at run time.
 */
const DOMAIN = '^src/(oauth|oidc|authz|authn|users|crypto|config|observability|util|notifier|portal)/';
const ROOT = '^src/(main|app|context)\\.ts$|^src/cli/';
const FOUNDATION = '^src/util/|^src/observability/log\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules that need each other belong in one module, or what they share belongs in a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-not-to-http-or-endpoints',
      severity: 'error',
      comment: 'The domain throws values and returns decisions; only src/endpoints and src/http know HTTP.',
      from: { path: DOMAIN },
      to: { path: '^src/(http|endpoints)/' },
    },
    {
      name: 'storage-not-to-domain',
      severity: 'error',
      comment: 'src/storage depends on nothing above it: a type it shares with the domain lives in src/storage.',
      from: { path: '^src/storage/' },
      to: { path: '^src/', pathNot: ['^src/storage/', FOUNDATION] },
    },
    {
      name: 'storage-not-to-http-or-endpoints',
      severity: 'error',
      comment: 'src/storage knows nothing of HTTP.',
      from: { path: '^src/storage/' },
      to: { path: '^src/(http|endpoints)/' },
    },
    {
      name: 'foundation-is-a-leaf',
      severity: 'error',
      comment: 'src/util and the Logger interface sit below storage: they import nothing from src but src/util.',
      from: { path: FOUNDATION },
      to: { path: '^src/', pathNot: '^src/util/' },
    },
    {
      name: 'oauth-not-to-oidc',
      severity: 'error',
      comment: 'oidc builds on oauth; what both need lives in oauth (or lower), never in oidc.',
      from: { path: '^src/oauth/' },
      to: { path: '^src/oidc/' },
    },
    {
      name: 'http-not-to-endpoints',
      severity: 'error',
      comment: 'src/http is the toolkit the endpoints call; src/app.ts mounts the endpoints on its router.',
      from: { path: '^src/http/' },
      to: { path: '^src/endpoints/' },
    },
    {
      name: 'not-to-the-root',
      severity: 'error',
      comment: 'The composition root wires the layers; no layer below src/endpoints imports it back.',
      from: { path: ['^src/http/', DOMAIN, '^src/storage/'] },
      to: { path: ROOT },
    },
    {
      name: 'not-to-dev-dependency',
      severity: 'error',
      comment: 'src/ ships: it may not need a devDependency at run time.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
