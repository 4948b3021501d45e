// Besides main.js, config-api's bundle carries the migration entry points (they share its
// dependencies, so the image needs no extra build): migrate.js applies/reverts migrations,
// data-source.js is read by the TypeORM CLI, seed-demo.js seeds the demo account. Entry paths starting with ./ are resolved from the
// project root by NxAppWebpackPlugin (others from the workspace root).
module.exports = require('../../tools/webpack/app-webpack.config.js')('config-api', {
  additionalEntryPoints: [
    { entryName: 'migrate', entryPath: './src/migrate.ts' },
    { entryName: 'data-source', entryPath: './src/data-source.ts' },
    // Seeds the demo account against the running sandboxes (npm start).
    { entryName: 'seed-demo', entryPath: './src/seed-demo.ts' },
    // Re-seals every secret under the current ENCRYPTION_KEY after a rotation (npm run secrets:reencrypt).
    { entryName: 'reencrypt-secrets', entryPath: './src/reencrypt-secrets.ts' },
  ],
});
