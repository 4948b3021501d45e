module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'account-access',
  rootDir: __dirname,
};
