// ESLint flat config (issue #19): typescript-eslint's recommended type-checked rules over the
// sources and the tests, with type information from the TypeScript project service
// (tsconfig.json, which covers src/ and test/). bench/ and scripts/ are plain JavaScript outside the
// TypeScript program (no allowJs), so they get the recommended rules that need no type information.
// Run by `npm run lint`, which `npm test` runs after lint:deps.
import tseslint from 'typescript-eslint';

// The callee of `t.test(...)` and its siblings is a method of tap's Test class, declared in
// @tapjs/test (test-built/dist/…/index.d.ts); `only` comes from the @tapjs/filter plugin and
// `rejects`/`resolves`/`resolveMatch` from @tapjs/asserts.
const TAP_SUBTEST_METHODS = ['test', 'skip', 'todo', 'only'];
const tapQueuedCalls = [
  { from: 'package', package: '@tapjs/test', name: ['test', 'skip', 'todo'] },
  { from: 'package', package: '@tapjs/filter', name: ['only'] },
  { from: 'package', package: '@tapjs/asserts', name: ['rejects', 'resolves', 'resolveMatch'] },
];

// typescript-eslint's require-await, minus the callbacks of tap subtests: tap ends a subtest when
// the promise its callback returns settles (a plain callback must call t.end() itself), so
// `t.test(name, async (t) => { ... })` with no `await` inside is tap's idiom, not a needless
// `async`. Every other async function in the tests is still checked.
const baseRequireAwait = tseslint.plugin.rules['require-await'];
const isTapSubtestCallback = (context, fn) => {
  const call = fn.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(fn)) return false;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return false;
  if (!TAP_SUBTEST_METHODS.includes(callee.property.name)) return false;
  const method = context.sourceCode.parserServices.getTypeAtLocation(callee).getSymbol();
  return (method?.declarations ?? []).some((d) => /[\\/]node_modules[\\/]@tapjs[\\/]/.test(d.getSourceFile().fileName));
};
const tapAwareRequireAwait = {
  meta: baseRequireAwait.meta,
  create(context) {
    const report = (descriptor) => {
      if (!isTapSubtestCallback(context, descriptor.node)) context.report(descriptor);
    };
    return baseRequireAwait.create(Object.create(context, { report: { value: report } }));
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/anchors/**', 'test-output/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `const { dropped: _dropped, ...rest } = obj` is how the code removes a key from a copy;
      // tsc's noUnusedLocals accepts it too.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { gatehouse: { rules: { 'require-await': tapAwareRequireAwait } } },
    rules: {
      // tap queues `t.test(...)` subtests (and waits on `t.rejects`/`t.resolves`) on the parent
      // test, which does not end before they settle: not floating. Any other promise still is.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: tapQueuedCalls }],
      // Replaced, not dropped: the same rule with tap's subtest callbacks exempted (see above).
      '@typescript-eslint/require-await': 'off',
      'gatehouse/require-await': 'error',
    },
  },
  {
    files: ['bench/**/*.js', 'scripts/**/*.js'],
    extends: [tseslint.configs.recommended],
  },
);
