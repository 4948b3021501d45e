#!/usr/bin/env bash
# Applies one overlay as a release (docs/deploy.md "A release"):
#   1. the namespace, ServiceAccount, ConfigMap, Secret and NetworkPolicies (label phase=prepare);
#   2. the migration Job of this release (the previous one deleted first), waited for;
#   3. everything else, so the Deployments roll to the new image only on the migrated schema;
#   4. waits for every rollout.
# Usage: deploy/k8s/deploy.sh deploy/k8s/overlays/<overlay>   (kubectl's current context)
set -euo pipefail

overlay=${1:?usage: deploy/k8s/deploy.sh deploy/k8s/overlays/<overlay>}
timeout=${DEPLOY_TIMEOUT:-900s}
say() { echo "[deploy] $*"; }

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"
ns=$(awk '/^kind: Namespace$/ { found = 1 } found && /^  name: / { print $2; exit }' "$rendered")
[ -n "$ns" ] || { say "no Namespace in $overlay"; exit 1; }

say "1/4 namespace $ns: config, secrets, network policies"
kubectl apply -f "$rendered" -l lever-assess.io/phase=prepare

say "2/4 migration"
# A Job's pod template is immutable: the previous release's Job goes first.
kubectl -n "$ns" delete job migrate --ignore-not-found --wait=true
kubectl apply -f "$rendered" -l lever-assess.io/phase=migrate
deadline=$((SECONDS + ${timeout%s}))
while :; do
  status=$(kubectl -n "$ns" get job migrate -o jsonpath='{.status.succeeded}/{.status.failed}/{.spec.backoffLimit}')
  IFS=/ read -r succeeded failed limit <<<"$status"
  if [ "${succeeded:-0}" -ge 1 ]; then break; fi
  if [ "${failed:-0}" -gt "${limit:-0}" ] || [ $SECONDS -ge $deadline ]; then
    say "migration did not complete (succeeded ${succeeded:-0}, failed ${failed:-0}); the apps were not changed"
    kubectl -n "$ns" logs job/migrate --tail=50 || true
    exit 1
  fi
  sleep 3
done
say "migration complete"

say "3/4 apps"
kubectl apply -f "$rendered"

say "4/4 rollouts"
for deployment in $(kubectl -n "$ns" get deployments -l app.kubernetes.io/part-of=lever-assess -o name); do
  kubectl -n "$ns" rollout status "$deployment" --timeout="$timeout"
done
say "done"
