// Cross-app tests: they run the built bundles (dist/apps/<app>/main.js) as real processes.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testTimeout: 60_000,
};
