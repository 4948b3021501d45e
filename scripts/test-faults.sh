#!/usr/bin/env bash
# `npm run test:faults`: the fault suite (docs/reliability.md). Real processes (the built bundles)
# against real Redis and PostgreSQL, with workers killed, Redis stopped (a redis-server of its own
# on a free port), PostgreSQL cut off (a TCP proxy of its own) and the sandboxes misbehaving; the
# machine's shared Redis and PostgreSQL are never stopped. Ends with `N passed, N failed`.
# Extra arguments go to Jest, e.g. `npm run test:faults -- worker-kills`.
# FAULTS_SKIP_BUILD=1 skips the build (the bundles in dist/apps are used as they are).
set -uo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-services.sh || exit 1
command -v redis-server >/dev/null || { echo "[faults] redis-server is needed (the Redis outage test runs its own)"; exit 1; }
if [ "${FAULTS_SKIP_BUILD:-}" != "1" ]; then
  echo "[faults] building apps (the suite runs the built bundles)"
  npx nx run-many -t build --parallel=1 --output-style=stream-without-prefixes >.run-build-faults.log 2>&1 || { cat .run-build-faults.log; rm -f .run-build-faults.log; exit 1; }
  rm -f .run-build-faults.log
fi
mkdir -p .run
results=.run/jest-faults-results.json
rm -f "$results"
npx jest -c jest.faults.config.js --forceExit --json --outputFile="$results" "$@"
status=$?
node -e '
  const fs = require("fs"); const f = process.argv[1];
  if (!fs.existsSync(f)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  const brokenSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed`);
' "$results"
exit $status
