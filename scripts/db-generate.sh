#!/usr/bin/env bash
# `npm run db:generate -- AddSomething`: writes libs/persistence/src/migrations/<unixMs>-AddSomething.ts
# (class AddSomething<unixMs>) with the SQL that turns the current schema into what the entities
# describe. It builds config-api (for dist/apps/config-api/data-source.js), brings the database
# in DATABASE_URL up to date first (the diff is taken against it), then runs the TypeORM CLI.
# Review the SQL, write a complete `down`, and add the class to MIGRATIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

name="${1:-}"
if [[ ! "$name" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "usage: npm run db:generate -- <PascalCaseName>   (e.g. AddAssessmentExpiresAt)" >&2
  exit 2
fi

echo "[db-generate] building config-api" >&2
npx nx run config-api:build >/dev/null
echo "[db-generate] applying pending migrations first" >&2
node dist/apps/config-api/migrate.js
npx typeorm migration:generate --pretty -d dist/apps/config-api/data-source.js "libs/persistence/src/migrations/$name"

cat >&2 <<MSG

[db-generate] Next steps:
  1. Review the generated SQL in libs/persistence/src/migrations/*-$name.ts and write a complete down().
  2. Add the class ($name<timestamp>) to MIGRATIONS in libs/persistence/src/migrations/index.ts.
  3. npm run db:migrate, and run the persistence tests (the schema-difference test must pass).
MSG
