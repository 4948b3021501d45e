// Cross-app tests: they run the built bundles (dist/apps/<app>/main.js) as real processes.
const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  testTimeout: 60_000,
  // The part of the fault suite (docs/reliability.md) that `npm test` runs too: the Redis and
  // PostgreSQL outages, about 80 s, mostly waiting, so it overlaps with the other files. Worker
  // kills, Lever and platform faults run with `npm run test:faults` only.
  testMatch: [...preset.testMatch, '**/src/faults/infra-outages.faults-spec.ts'],
};
