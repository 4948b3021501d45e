#!/usr/bin/env bash
# `npm test`: sets up what the tests need (dependencies, Redis, PostgreSQL, a build of every app),
# runs every Jest project once, and ends with the plain totals line `N passed, N failed`.
# Each test file creates and drops its own database and uses its own Redis key prefix.
# Extra arguments go to Jest, e.g. `npm test -- libs/common`.
set -uo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-services.sh || exit 1
echo "[test] building apps (the start-up tests run the built bundles)"
npx nx run-many -t build --parallel=2 --output-style=stream-without-prefixes >.run-build.log 2>&1 || { cat .run-build.log; rm -f .run-build.log; exit 1; }
rm -f .run-build.log
mkdir -p .run
results=.run/jest-results.json
rm -f "$results"
npx jest -c jest.config.js --json --outputFile="$results" "$@"
status=$?
node -e '
  const fs = require("fs"); const f = process.argv[1];
  if (!fs.existsSync(f)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  // Suites that failed to run (syntax error, failing hook) count as failures too.
  const brokenSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed`);
' "$results"
exit $status
