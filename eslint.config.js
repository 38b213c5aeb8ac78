// ESLint flat config (issue #19): typescript-eslint's recommended type-checked rules over the
// sources and the tests, with type information from the TypeScript project service
// (tsconfig.json). Run by `npm run lint`, which `npm test` runs after lint:deps.
import tseslint from 'typescript-eslint';

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
);
