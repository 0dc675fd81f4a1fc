#!/usr/bin/env bash
# `/metrics` of a real `runwatch serve` after real traffic (a finished run, a late report, a run the reconciler
# heals, an uncovered type), checked by Prometheus's own `promtool check metrics` and for the families and
# labels dashboards rely on. Needs RUNWATCH (the binary) and promtool (Debian `prometheus`).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/debug/runwatch}
source Tests/live/server.sh

work=$(mktemp -d)
trap 'rw_stop; rm -rf "$work"' EXIT

# promtool must be able to fail: a sample without a value is refused.
if printf '# TYPE broken counter\nbroken{a="b"}\n' | promtool check metrics >/dev/null 2>&1; then
  echo "metrics.sh: promtool accepted a malformed exposition" >&2
  exit 1
fi

cat >"$work/policy.yaml" <<'YAML'
safety_margin_seconds: 1
queues:
  default: { retry_after_seconds: 60 }
reconcile: { interval_seconds: 1, batch_limit: 100 }
types:
  report.build:
    queue: default
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 120
    expected_runtime_seconds: 5
    job_timeout_seconds: 20
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
    heartbeat_timeout_seconds: 2
YAML
db="$work/metrics.sqlite"
"$RUNWATCH" workspace add --db "$db" --slug acme --name Acme >/dev/null 2>&1
"$RUNWATCH" tenant add --db "$db" --workspace acme --name Contoso >/dev/null 2>&1
token=$("$RUNWATCH" token create --db "$db" --workspace acme --name metrics 2>/dev/null)
rw_serve "$db" "$work/serve.log" --policy "$work/policy.yaml" --node-name metrics-node

run() { rw_api "$token" POST /runs "{\"type\":\"$1\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
done_id=$(run report.build)
rw_api "$token" POST "/runs/$done_id/start" >/dev/null
rw_api "$token" POST "/runs/$done_id/complete" '{"outcome":"failed"}' >/dev/null
# A second report for the finished run: refused (409) and kept as a late report.
curl -sS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"outcome":"succeeded"}' "$RW_URL/api/v1/runs/$done_id/complete"
other=$(run made.up.type)
rw_api "$token" POST "/runs/$other/start" >/dev/null
rw_api "$token" POST "/runs/$other/complete" '{"outcome":"succeeded"}' >/dev/null
stale=$(run report.build)
rw_api "$token" POST "/runs/$stale/start" >/dev/null
# Silent past its 2 s heartbeat window: the 1 s loop heals it.
for _ in $(seq 1 100); do
  rw_api "$token" GET "/runs/$stale" | grep -q '"status":"completed"' && break
  sleep 0.1
done

curl -fsS "$RW_URL/metrics" >"$work/metrics.txt"
promtool check metrics <"$work/metrics.txt"

expect() {
  grep -q -- "$1" "$work/metrics.txt" || { echo "metrics.sh: missing $1 in:" >&2; cat "$work/metrics.txt" >&2; exit 1; }
}
expect '^runwatch_run_transitions_total{type="report.build",outcome="failed"} 2$'
expect '^runwatch_run_transitions_total{type="other",outcome="succeeded"} 1$'
expect '^runwatch_reconciliations_total{node="metrics-node",type="report.build",reason="run.stale_running"} 1$'
expect '^runwatch_late_reports_total{type="report.build"} 1$'
expect '^runwatch_run_duration_seconds_count{type="report.build"} 1$'
expect '^runwatch_runs{status="completed"} 3.0$'
expect '^runwatch_runs_active{freshness="likely_stale"} 0.0$'
expect '^runwatch_http_requests_total{method="POST",route="/api/v1/runs/:id/complete",status="409"} 1$'
if grep -q 'made.up.type' "$work/metrics.txt"; then
  echo "metrics.sh: a type outside the policy became a label value" >&2
  exit 1
fi
echo "metrics.sh: promtool check metrics passed; $(grep -vc '^#' "$work/metrics.txt") samples"
