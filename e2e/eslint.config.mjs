import baseConfig from '../eslint.config.mjs';

// Everything under e2e/ is test code (harnesses, fault helpers, manifests checks included):
// the root's test-file relaxations apply to all of it, whichever folder ESLint resolves globs from.
export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
];
