#!/usr/bin/env bash
# What held under attack must keep holding, against a real `runwatch serve` (one-second reconcile ticks,
# policy.sync queued runs stale after 3 s):
#   race:  1,000 runs, each raced at once by a worker that starts and completes it, a worker reporting a queue
#          failure, serve's reconcile loop and a concurrent `runwatch reconcile` process. Every run ends with
#          exactly one terminal truth (one terminal audit event, one notification) and every refused report is
#          kept as a late report with its audit event.
#   crash: `kill -9` of serve in the middle of healing 3,000 stale runs, three times; after each kill, no run
#          is half-reconciled and no acknowledged write is lost, and a restarted serve heals the rest.
# Needs RUNWATCH and sqlite3; run from the repository root. RACE_RUNS / CRASH_RUNS change the sizes.
set -euo pipefail
source Tests/live/server.sh

race_runs=${RACE_RUNS:-1000}
crash_runs=${CRASH_RUNS:-3000}
work=$(mktemp -d)
reconciler=""
cleanup() {
  [ -n "$reconciler" ] && kill "$reconciler" 2>/dev/null
  rw_stop
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "race-and-crash: FAIL $*" >&2
  failures=$((failures + 1))
}

db="$work/race.sqlite"
policy="$work/policy.yaml"
"$RUNWATCH" policy show \
  | sed -e 's/^  interval_seconds: .*/  interval_seconds: 1/' \
    -e '/^  policy.sync:$/,/^  [a-z]/ s/queued_stale_after_seconds: .*/queued_stale_after_seconds: 3/' >"$policy"
"$RUNWATCH" demo seed --db "$db" --policy "$policy" --runs 50 >"$work/seed.log" 2>&1
token=$(grep -o 'northwind: rwt_[A-Za-z0-9_-]*' "$work/seed.log" | sed 's/^northwind: //')
[ -n "$token" ] || { echo "race-and-crash: the demo seed printed no northwind token" >&2; exit 1; }
# The smallest id in a file of ids (no `sort | head`: head's early exit is a SIGPIPE under pipefail).
min_id() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }' "$1"; }
q() { sqlite3 -cmd '.timeout 10000' "$db" "$1"; }

# check_runs FIRST_ID LABEL: the per-run invariants for runs with id >= FIRST_ID.
check_runs() {
  local first=$1 label=$2 bad
  bad=$(q "SELECT COUNT(*) FROM operation_runs r WHERE r.id >= $first AND
    (SELECT COUNT(*) FROM audit_events a WHERE a.run_id = r.id
       AND a.action IN ('run.completed', 'run.queue_failure_bridged', 'run.reconciled')) != (r.status = 'completed')")
  [ "$bad" = 0 ] || fail "$label: $bad runs without exactly one terminal audit event per terminal status"
  bad=$(q "SELECT COUNT(*) FROM operation_runs r WHERE r.id >= $first AND
    (SELECT COUNT(*) FROM notifications n WHERE n.run_id = r.id) != (r.status = 'completed')")
  [ "$bad" = 0 ] || fail "$label: $bad runs without exactly one notification per terminal status"
  bad=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND reconciliation_reason IS NOT NULL
    AND (reconciled_at IS NULL OR reconciliation_evidence IS NULL OR outcome = 'pending')")
  [ "$bad" = 0 ] || fail "$label: $bad half-reconciled runs"
}

# --- race
rw_serve "$db" "$work/serve.log" --policy "$policy"
python3 Tests/faults/race.py create "$RW_URL" "$token" "$race_runs" >"$work/race-ids"
first=$(min_id "$work/race-ids")
created=$(wc -l <"$work/race-ids")
# A second process reconciling the same file while serve's loop does.
(while :; do "$RUNWATCH" reconcile --db "$db" --policy "$policy" >/dev/null 2>&1 || true; sleep 0.2; done) &
reconciler=$!
sleep 2
tally=$(python3 Tests/faults/race.py race "$RW_URL" "$token" "$work/race-ids")
kill "$reconciler" 2>/dev/null
wait "$reconciler" 2>/dev/null || true
reconciler=""
echo "race-and-crash: race of $created runs: $tally"
for _ in $(seq 1 50); do
  [ "$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND status <> 'completed'")" = 0 ] && break
  sleep 0.2
done
read -r finished by_worker by_queue by_reconciler < <(q "SELECT COUNT(*),
  SUM(reconciliation_source IS NULL), SUM(reconciliation_source = 'queue_failure_bridge'),
  SUM(reconciliation_source NOT IN ('queue_failure_bridge')) FROM operation_runs
  WHERE id >= $first AND status = 'completed'" | tr '|' ' ')
echo "race-and-crash: race: $finished of $created finished — $by_worker by the worker, $by_queue by the queue-failure bridge, $by_reconciler by a reconciler"
[ "$finished" = "$created" ] || fail "race: $((created - finished)) runs did not finish"
check_runs "$first" race
refused=$(python3 -c 'import json,sys; print(sum(n for k, n in json.load(sys.stdin).items() if k.endswith(" refused")))' <<<"$tally")
late=$(q "SELECT COUNT(*) FROM late_reports WHERE run_id >= $first")
late_audit=$(q "SELECT COUNT(*) FROM audit_events WHERE run_id >= $first AND action = 'run.late_report_refused'")
echo "race-and-crash: race: $refused reports refused, $late late reports kept, $late_audit late-report audit events"
[ "$late" = "$refused" ] || fail "race: $refused refused reports but $late late reports"
[ "$late_audit" = "$late" ] || fail "race: $late late reports but $late_audit audit events for them"
if grep -q 'failed' <<<"$tally"; then fail "race: some worker calls failed: $tally"; fi
rw_stop

race_first=$first

# --- crash: kill -9 mid-heal, three times
for attempt in 1 2 3; do
  rw_serve "$db" "$work/serve-$attempt.log" --policy "$policy"
  python3 Tests/faults/race.py create "$RW_URL" "$token" "$crash_runs" >"$work/crash-ids"
  first=$(min_id "$work/crash-ids")
  created=$(wc -l <"$work/crash-ids")
  healed=0
  for _ in $(seq 1 400); do
    healed=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND status = 'completed'")
    [ "$healed" -gt 0 ] && break
    sleep 0.02
  done
  kill -9 "$RW_PID"
  wait "$RW_PID" 2>/dev/null || true
  RW_PID=""
  present=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first")
  healed=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND status = 'completed'")
  echo "race-and-crash: kill -9 #$attempt: $healed of $created runs healed when serve was killed, $present of $created present"
  [ "$present" = "$created" ] || fail "kill -9 #$attempt: $((created - present)) acknowledged runs lost"
  [ "$healed" -lt "$created" ] || echo "race-and-crash: kill -9 #$attempt came after the heal finished (fast machine)"
  check_runs "$first" "kill -9 #$attempt"
done
rw_serve "$db" "$work/serve-after.log" --policy "$policy"
for _ in $(seq 1 150); do
  [ "$(q "SELECT COUNT(*) FROM operation_runs WHERE status <> 'completed' AND id >= $race_first")" = 0 ] && break
  sleep 0.2
done
left=$(q "SELECT COUNT(*) FROM operation_runs WHERE status <> 'completed' AND id >= $race_first")
echo "race-and-crash: after restart: $left of the test's runs still unhealed"
[ "$left" = 0 ] || fail "the restarted serve left $left stale runs"
check_runs "$race_first" "after restart"
[ "$failures" -eq 0 ] || exit 1
echo "race-and-crash: all checks passed"
