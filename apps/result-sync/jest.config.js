module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'result-sync',
  rootDir: __dirname,
};
