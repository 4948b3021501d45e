module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'lever-sandbox',
  rootDir: __dirname,
};
