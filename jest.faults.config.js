// `npm run test:faults`: the fault suite (docs/reliability.md). Real processes against real Redis and
// PostgreSQL with faults injected; its files (e2e/src/faults/*.faults-spec.ts) are not part of `npm test`.
const path = require('node:path');

module.exports = {
  ...require('./jest.preset.js'),
  displayName: 'faults',
  rootDir: path.join(__dirname, 'e2e'),
  testMatch: ['**/src/faults/**/*.faults-spec.ts'],
  testTimeout: 180_000,
  // 2 shared cores: one file at a time (each runs six processes).
  maxWorkers: 1,
  globalSetup: path.join(__dirname, 'tools/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, 'tools/jest/global-teardown.js'),
  verbose: true,
};
