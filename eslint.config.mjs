import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/**
 * The layers (docs/architecture.md). Each project carries one `layer:` tag in its project.json
 * and may import only the layers listed for it; within a layer only foundation libs import each
 * other (redis uses common). A lib that imports a layer above it fails `npm run lint`.
 */
const DOMAIN = 'layer:domain'; // pure rules and types: libs/domain
const FOUNDATION = 'layer:foundation'; // config, logging, crypto, Redis: libs/common, libs/redis
const ADAPTERS = 'layer:adapters'; // clients and data: lever-client, platform-client, persistence, queues
const ACCESS = 'layer:access'; // acting for an account: libs/account-access
const APP = 'layer:app'; // the four product apps
const SANDBOX = 'layer:sandbox'; // stand-ins for Lever and the platform, apart from the product
const TESTING = 'layer:testing'; // libs/testing: test files only
const E2E = 'layer:e2e'; // e2e/: the whole product as processes
const CONSOLE = 'layer:console'; // apps/console: the browser page, talks to config-api over HTTP only

const LAYERS = [
  { sourceTag: DOMAIN, onlyDependOnLibsWithTags: [DOMAIN] },
  { sourceTag: FOUNDATION, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION] },
  { sourceTag: ADAPTERS, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION] },
  { sourceTag: ACCESS, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION, ADAPTERS] },
  { sourceTag: APP, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION, ADAPTERS, ACCESS] },
  { sourceTag: SANDBOX, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION, ADAPTERS] },
  { sourceTag: TESTING, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION, ADAPTERS, ACCESS] },
  { sourceTag: E2E, onlyDependOnLibsWithTags: [DOMAIN, FOUNDATION, ADAPTERS, ACCESS, TESTING] },
  { sourceTag: CONSOLE, onlyDependOnLibsWithTags: [] },
];

// The domain stays pure: no I/O library, whatever the layer rules allow.
const DOMAIN_BANNED_IMPORTS = ['ioredis', 'bullmq', 'typeorm', 'pg', '@nestjs/*', 'node:http', 'node:net', 'node:fs', 'fastify', 'undici'];

// ioredis pipelines (and `multi()`, and BullMQ's `addBulk`, which builds one) outlive V8's young
// generation: each defines a getter closure on itself, so under load every one is promoted to the
// old space (docs/performance.md, fourteenth round). Product code sends separate commands instead.
const NO_REDIS_PIPELINES = [
  'error',
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(pipeline|multi|addBulk)$/]",
    message:
      'An ioredis pipeline (multi, addBulk) survives every scavenge until a full GC: send separate commands (docs/performance.md, fourteenth round).',
  },
];

const boundaries = (withTesting) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    banTransitiveDependencies: false,
    depConstraints: LAYERS.map((layer) => ({
      ...layer,
      // Test files of any layer may also use libs/testing.
      onlyDependOnLibsWithTags:
        withTesting && layer.sourceTag !== TESTING ? [...layer.onlyDependOnLibsWithTags, TESTING] : layer.onlyDependOnLibsWithTags,
      ...(layer.sourceTag === DOMAIN ? { bannedExternalImports: DOMAIN_BANNED_IMPORTS } : {}),
    })),
  },
];

// `npm run lint` resolves globs from each project's folder (its own eslint.config.mjs, see
// scripts/lint.sh); 'e2e/**/*.ts' is for tools that lint from the root with this file alone.
const TEST_FILES = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  // Formatting is Prettier's (npm run format); lint only checks that it was applied.
  prettier,
  { ignores: ['**/dist', '**/node_modules', '**/.jest-cache', '**/webpack.config.js', '**/jest.config.js', 'jest.preset.js'] },
  {
    files: ['**/*.ts'],
    // Typed linting: rules that need the type checker (a floating promise is a lost error).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      'no-restricted-syntax': NO_REDIS_PIPELINES,
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(true),
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests may build fixtures with pipelines; the collector's cost does not matter there.
      'no-restricted-syntax': 'off',
    },
  },
];
