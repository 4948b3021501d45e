import baseConfig from '../../eslint.config.mjs';

// The root config types-checks *.ts; the page is mostly *.tsx, checked the same way.
export default [
  ...baseConfig,
  { ignores: ['vite.config.mjs'] },
  {
    files: ['**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
];
