module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'platform-sandbox',
  rootDir: __dirname,
};
