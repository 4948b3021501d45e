// One Jest run over every project, so `npm test` reports a single total.
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const projectDirs = [
  ...['apps', 'libs'].flatMap((dir) => readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name))),
  'e2e',
];

module.exports = {
  // Global options (Jest ignores them inside projects in a multi-project run).
  testTimeout: 60_000,
  // Two test files at once: most of a file's time is spent waiting on Redis, PostgreSQL and the
  // processes it starts, not on the CPU (Jest's default on 2 cores would be one at a time).
  maxWorkers: 2,
  // Every test file's database is a copy of one migrated per run (tools/jest/database-template.js).
  globalSetup: path.join(__dirname, 'tools/jest/global-setup.js'),
  globalTeardown: path.join(__dirname, 'tools/jest/global-teardown.js'),
  projects: projectDirs.map((dir) => path.join(__dirname, dir, 'jest.config.js')).filter((file) => existsSync(file)),
};
