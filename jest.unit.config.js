// The unit tier (`npm run test:unit`): every project's `*.spec.ts` files, none of the
// `*.integration-spec.ts` ones, so it needs no build, no Redis and no PostgreSQL. `npm test`
// (jest.config.js) still runs these specs too, in its one run over everything.
const { projects } = require('./jest.config.js');

module.exports = {
  projects: projects.map((file) => ({ ...require(file), testMatch: ['**/?(*.)+(spec).ts'] })),
};
