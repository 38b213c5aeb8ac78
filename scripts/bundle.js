// `npm run build`, second step: src/main.ts and everything it imports as one ES module, dist/main.js,
// written over the file tsc emitted there (tsc's per-module dist/ stays for the tools that import it).
// Why (issue #14): resolving and compiling ~900 separate modules (262 of them Kysely's) took most of
// the start-up, ~1.3 s of CPU to the first 200; one file takes ~0.5 s. Modules imported with
// `await import()` (pg, undici, nodemailer, @simplewebauthn/server, zxcvbn's dictionaries…) become
// chunks in dist/chunks/, loaded on first use as before. Native addons stay outside: they are
// loaded from node_modules as they were. dist/main.js.map maps back to src/ (run with
// NODE_OPTIONS=--enable-source-maps to see src/ positions in stack traces).
import { build } from 'esbuild';

const nativeAddons = ['better-sqlite3', 'bcrypt', '@node-rs/argon2', 'pg-native'];

await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: nativeAddons,
  sourcemap: 'linked',
  // Minified, names kept (error classes and functions keep their \`name\`), licence comments in
  // dist/main.js.LEGAL.txt: V8 holds the whole source in the heap, as two bytes a character once
  // one comment has a "§" — 5 MB unminified, ~1 MB minified (issue #14: idle memory).
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  // CommonJS dependencies (prom-client, yaml, pg…) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __gatehouseCreateRequire } from 'node:module'; const require = __gatehouseCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
