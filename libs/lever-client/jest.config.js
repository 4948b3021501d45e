module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'lever-client',
  rootDir: __dirname,
};
