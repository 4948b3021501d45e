#!/usr/bin/env bash
# `npm start`: the whole product on this machine: Redis + PostgreSQL (started if needed), the
# database migrated, every app built, the two sandboxes standing in for Lever and the assessment
# platform, and a seeded demo account wired to them. Runs in the foreground; Ctrl-C stops it all.
# Logs: .run/logs/<app>.log (JSON lines).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

bash scripts/ensure-deps.sh
bash scripts/ensure-services.sh

# Development settings shared by every app. Override any of them in the environment.
export NODE_ENV="${NODE_ENV:-development}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lever_assess}"
export QUEUE_PREFIX="${QUEUE_PREFIX:-bull}"
export LEVER_API_URL="${LEVER_API_URL:-http://127.0.0.1:4010/v1}"
export PLATFORM_API_URL="${PLATFORM_API_URL:-http://127.0.0.1:4020}"
export PLATFORM_API_KEY="${PLATFORM_API_KEY:-dev-platform-key}"
export PLATFORM_WEBHOOK_SECRET="${PLATFORM_WEBHOOK_SECRET:-dev-platform-webhook-secret}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-dev-admin-token-change-me}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:3000}"
export DEMO_WEBHOOK_KEY="${DEMO_WEBHOOK_KEY:-demo-acme-webhook-key}"
# Sandboxes: the seeded Lever company sends its stage-change webhooks to the demo account's URL.
export LEVER_SANDBOX_API_KEY="${LEVER_SANDBOX_API_KEY:-demo-lever-key}"
export LEVER_SANDBOX_SIGNATURE_TOKEN="${LEVER_SANDBOX_SIGNATURE_TOKEN:-demo-signature-token}"
export LEVER_SANDBOX_WEBHOOK_URL="${LEVER_SANDBOX_WEBHOOK_URL:-$PUBLIC_BASE_URL/webhooks/lever/$DEMO_WEBHOOK_KEY}"
export PLATFORM_CALLBACK_URL="${PLATFORM_CALLBACK_URL:-$PUBLIC_BASE_URL/webhooks/platform}"
export PLATFORM_PUBLIC_URL="${PLATFORM_PUBLIC_URL:-http://127.0.0.1:4020}"
# OAuth connect (docs/oauth.md): the Lever sandbox is the auth server; the client matches its defaults.
export LEVER_OAUTH_URL="${LEVER_OAUTH_URL:-http://127.0.0.1:4010}"
export LEVER_OAUTH_CLIENT_ID="${LEVER_OAUTH_CLIENT_ID:-demo-oauth-client}"
export LEVER_OAUTH_CLIENT_SECRET="${LEVER_OAUTH_CLIENT_SECRET:-demo-oauth-secret}"
export LEVER_OAUTH_REDIRECT_URL="${LEVER_OAUTH_REDIRECT_URL:-http://127.0.0.1:3001/oauth/lever/callback}"
export LEVER_SANDBOX_OAUTH_CLIENT_ID="${LEVER_SANDBOX_OAUTH_CLIENT_ID:-$LEVER_OAUTH_CLIENT_ID}"
export LEVER_SANDBOX_OAUTH_CLIENT_SECRET="${LEVER_SANDBOX_OAUTH_CLIENT_SECRET:-$LEVER_OAUTH_CLIENT_SECRET}"

declare -A PORTS=([lever-sandbox]=4010 [platform-sandbox]=4020 [webhook-gateway]=3000 [config-api]=3001 [dispatcher]=3002 [result-sync]=3003)
APPS=(lever-sandbox platform-sandbox webhook-gateway config-api dispatcher result-sync)

for app in "${APPS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${PORTS[$app]}") 2>/dev/null; then
    echo "Port ${PORTS[$app]} (for $app) is already in use: stop whatever listens there (an earlier npm start?) and retry." >&2
    exit 1
  fi
done

echo "[start] building apps"
npx nx run-many -t build --parallel=2 --output-style=stream-without-prefixes >/tmp/lever-assess-build.log 2>&1 \
  || { cat /tmp/lever-assess-build.log; exit 1; }

echo "[start] migrating the database"
node dist/apps/config-api/migrate.js

mkdir -p .run/logs
pids=()
stop_all() { # exit status
  local status=$1
  trap - INT TERM EXIT
  echo; echo "[start] stopping (SIGTERM: each app finishes the work in hand)"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "[start] stopped"
  exit "$status"
}
trap 'stop_all 0' INT TERM
trap 'stop_all $?' EXIT

start_apps() {
  for app in "$@"; do
    PORT=${PORTS[$app]} node "dist/apps/$app/main.js" >>".run/logs/$app.log" 2>&1 &
    pids+=($!)
  done
  for app in "$@"; do
    url="http://127.0.0.1:${PORTS[$app]}/health/ready"
    for i in $(seq 1 120); do
      if curl -fsS "$url" >/dev/null 2>&1; then printf '[start] %-17s ready  %s\n' "$app" "http://127.0.0.1:${PORTS[$app]}"; break; fi
      if [ "$i" = 120 ]; then echo "[start] $app did not become ready; last log lines:"; tail -n 20 ".run/logs/$app.log"; exit 1; fi
      sleep 0.5
    done
  done
}

# The sandboxes first: seeding reads the Lever stages and the platform's tests from them.
start_apps lever-sandbox platform-sandbox
echo "[start] seeding the demo account"
node dist/apps/config-api/seed-demo.js
start_apps webhook-gateway config-api dispatcher result-sync
# A one-time link (works once, for an hour) that signs the demo account's admin in to the console:
# no token in a URL that lands in scrollback for good (docs/config-api.md).
console_link=$(ADMIN_TOKEN="$ADMIN_TOKEN" node scripts/console-link.js) || console_link="(could not create one: npm run console:link)"

cat <<MSG

lever-assess is running with the sandboxes and the demo account "Acme".
  Console:           http://127.0.0.1:3001/console/
    sign in as the demo account's admin (one click, works once, for an hour; a new one: npm run console:link):
                     $console_link
    or sign in with the admin token $ADMIN_TOKEN (vendor admin: every account)
  Lever webhook URL of the demo account: $LEVER_SANDBOX_WEBHOOK_URL
  Config API:        http://127.0.0.1:3001   (Authorization: Bearer $ADMIN_TOKEN)
  Lever sandbox:     $LEVER_API_URL          (API key $LEVER_SANDBOX_API_KEY)
  Lever OAuth:       $LEVER_OAUTH_URL/authorize (client $LEVER_OAUTH_CLIENT_ID; callback $LEVER_OAUTH_REDIRECT_URL)
  Platform sandbox:  $PLATFORM_API_URL
  Logs:              .run/logs/<app>.log
Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}" || true
echo "[start] an app exited unexpectedly; see .run/logs" >&2
exit 1
