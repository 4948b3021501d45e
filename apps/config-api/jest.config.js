const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'config-api',
  rootDir: __dirname,
  // @fastify/static (Swagger UI assets for /docs) requires content-disposition, which ships ES
  // modules only: transform it too, as the preset does for @nestjs.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|cookie|content-disposition)/)'],
};
