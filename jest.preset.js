// Shared Jest settings for every project. NestJS 12 ships ES modules only and Jest on Node 20
// cannot require() them, so @nestjs (and cookie@2, used by Fastify's inject) go through swc too.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace('/', '\\/')}$`, path.join(__dirname, target)]),
);

module.exports = {
  // Node's environment, plus: app logs go to .run/test-logs/ and a failing test prints their tail.
  testEnvironment: path.join(__dirname, 'libs/testing/src/log-tail.environment.ts'),
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|cookie)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|integration-spec).ts'],
  cacheDirectory: path.join(__dirname, '.jest-cache'),
  testTimeout: 30_000,
};
