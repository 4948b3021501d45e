// One webpack setup for every Nest app: CommonJS for Node, node_modules left external, compiled
// by tsc (transpile only) because it keeps decorator metadata that Nest DI and TypeORM need;
// types are checked once for the whole workspace by `npm run typecheck`.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = (appName, { additionalEntryPoints = [] } = {}) => ({
  output: {
    path: join(__dirname, '../../dist/apps', appName),
    // commonjs2 lets tools such as the TypeORM CLI require() an extra entry's exports.
    library: { type: 'commonjs2' },
    clean: true,
  },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      additionalEntryPoints,
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      skipTypeChecking: true,
      sourceMap: true,
    }),
  ],
});
