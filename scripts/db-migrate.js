#!/usr/bin/env node
// `npm run db:migrate` / `npm run db:revert`: runs dist/apps/config-api/migrate.js, building
// config-api first when the bundle is missing or older than a migration file (a stale bundle
// would silently skip a new migration). `--rebuild` forces the build. Other arguments (`revert`)
// are passed through; DATABASE_URL comes from the environment. Exits with migrate.js's code.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist/apps/config-api/migrate.js');
const migrationsDir = path.join(root, 'libs/persistence/src/migrations');

const args = process.argv.slice(2);
const forceBuild = args.includes('--rebuild');
const passThrough = args.filter((a) => a !== '--rebuild');

function bundleIsStale() {
  if (!existsSync(bundle)) return true;
  const builtAt = statSync(bundle).mtimeMs;
  return readdirSync(migrationsDir).some((file) => statSync(path.join(migrationsDir, file)).mtimeMs > builtAt);
}

function run(command, commandArgs, env = process.env) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    console.error(`[db-migrate] could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}

if (forceBuild || bundleIsStale()) {
  console.error('[db-migrate] building config-api (migrate.js)');
  const status = run('npx', ['nx', 'run', 'config-api:build'], { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });
  if (status !== 0) {
    console.error('[db-migrate] build failed');
    process.exit(status);
  }
}
process.exit(run(process.execPath, [bundle, ...passThrough]));
