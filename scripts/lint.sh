#!/usr/bin/env bash
# `npm run lint`: Prettier's check and one ESLint run over the repo (typed rules and the layers,
# docs/architecture.md), side by side: each is one process on one core. ESLint's layer rule reads
# Nx's project graph, which `nx show projects` writes first.
set -uo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
npx nx show projects >/dev/null || { echo "[lint] nx could not build the project graph"; exit 1; }
npx prettier --check . --log-level warn &
prettier=$!
npx eslint --flag v10_config_lookup_from_file --max-warnings 0 . &
eslint=$!
# The apps' bundles stay ASCII: V8 keeps each bundle's source in the heap, and one character
# beyond Latin-1 (a "..." written as one character, in a comment) stores all of it as two bytes per
# character (config-api: 1.7 MB instead of 0.85 MB of its idle heap). ASCII is the simple rule that
# keeps clear of it. The browser console and test-only code are exempt.
non_ascii=$(grep -rlP '[^\x00-\x7F]' apps/*/src libs/*/src --include=*.ts \
  --exclude='*.spec.ts' --exclude='*.integration-spec.ts' --exclude='*.faults-spec.ts' | grep -v -e '^apps/console/' -e '^libs/testing/')
[ -z "$non_ascii" ] || echo "[lint] characters outside ASCII in code that is bundled into the apps (write them as ASCII or \u escapes):"$'\n'"$non_ascii"
wait "$prettier"; prettier_status=$?
wait "$eslint"; eslint_status=$?
[ "$prettier_status" = 0 ] || echo "[lint] Prettier found unformatted files (npm run format fixes them)"
[ "$eslint_status" = 0 ] || echo "[lint] ESLint found problems"
[ "$prettier_status" = 0 ] && [ "$eslint_status" = 0 ] && [ -z "$non_ascii" ]
