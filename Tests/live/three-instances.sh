#!/usr/bin/env bash
# Three `runwatch serve` instances on one PostgreSQL database (part of `make test-postgres`), one-second
# reconcile ticks, policy.sync queued runs stale after 3 s:
#   race:  1,000 runs, each raced at once by a worker that starts and completes it through one instance, a
#          worker reporting a queue failure through another, and all three instances' reconcile loops. Every
#          run ends with exactly one terminal truth (one terminal audit event, one notification) and every
#          refused report is kept as a late report with its audit event.
#   crash: 3,000 stale runs; `kill -9` of the instance that is healing them, mid-tick. No run is half
#          reconciled, none is lost, and the two survivors finish the heal within one interval of their own.
# Needs RUNWATCH and RUNWATCH_TEST_POSTGRES_URL (a cluster from Tests/live/postgres.sh) and psql; run from the
# repository root. RACE_RUNS / CRASH_RUNS change the sizes.
set -euo pipefail

race_runs=${RACE_RUNS:-1000}
crash_runs=${CRASH_RUNS:-3000}
: "${RUNWATCH:?set RUNWATCH to the runwatch binary}"
: "${RUNWATCH_TEST_POSTGRES_URL:?start a cluster with Tests/live/postgres.sh}"
work=$(mktemp -d)
pids=()
urls=()
cleanup() {
  for pid in "${pids[@]}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "three-instances: FAIL $*" >&2
  failures=$((failures + 1))
}

# A database of its own in the test cluster.
name="three_$$"
psql "$RUNWATCH_TEST_POSTGRES_URL" -q -c "CREATE DATABASE $name"
db="${RUNWATCH_TEST_POSTGRES_URL%/*}/$name"
q() { psql "$db" -Atq -c "$1"; }

policy="$work/policy.yaml"
"$RUNWATCH" policy show \
  | sed -e 's/^  interval_seconds: .*/  interval_seconds: 1/' \
    -e '/^  policy.sync:$/,/^  [a-z]/ s/queued_stale_after_seconds: .*/queued_stale_after_seconds: 3/' >"$policy"
"$RUNWATCH" demo seed --db "$db" --policy "$policy" --runs 50 >"$work/seed.log" 2>&1
token=$(grep -o 'northwind: rwt_[A-Za-z0-9_-]*' "$work/seed.log" | sed 's/^northwind: //')
[ -n "$token" ] || { echo "three-instances: the demo seed printed no northwind token" >&2; exit 1; }
min_id() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }' "$1"; }

# start INDEX: serve instance INDEX (node-INDEX) on a free port; sets pids[INDEX] and urls[INDEX].
start() {
  local index=$1 log="$work/serve-$1.log" url=""
  "$RUNWATCH" serve --db "$db" --policy "$policy" --host 127.0.0.1 --port 0 --public Public \
    --node-name "node-$index" >"$log" 2>&1 &
  pids[$index]=$!
  for _ in $(seq 1 600); do
    url=$(grep -o 'Runwatch is serving http://127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's/^Runwatch is serving //' || true)
    if [ -n "$url" ] && curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
      urls[$index]=$url
      return 0
    fi
    kill -0 "${pids[$index]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "three-instances: serve node-$index did not come up; its log:" >&2
  cat "$log" >&2
  return 1
}

# reconciled INDEX: what instance INDEX's /metrics says it reconciled (0 when it does not answer).
reconciled() {
  curl -fsS "${urls[$1]}/metrics" 2>/dev/null \
    | awk '/^runwatch_reconciliations_total\{/ { sum += $2 } END { print sum + 0 }'
}

# check_runs FIRST_ID LABEL: the per-run invariants for runs with id >= FIRST_ID.
check_runs() {
  local first=$1 label=$2 bad
  bad=$(q "SELECT COUNT(*) FROM operation_runs r WHERE r.id >= $first AND
    (SELECT COUNT(*) FROM audit_events a WHERE a.run_id = r.id
       AND a.action IN ('run.completed', 'run.queue_failure_bridged', 'run.reconciled'))
    <> CASE WHEN r.status = 'completed' THEN 1 ELSE 0 END")
  [ "$bad" = 0 ] || fail "$label: $bad runs without exactly one terminal audit event per terminal status"
  bad=$(q "SELECT COUNT(*) FROM operation_runs r WHERE r.id >= $first AND
    (SELECT COUNT(*) FROM notifications n WHERE n.run_id = r.id) <> CASE WHEN r.status = 'completed' THEN 1 ELSE 0 END")
  [ "$bad" = 0 ] || fail "$label: $bad runs without exactly one notification per terminal status"
  bad=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND reconciliation_reason IS NOT NULL
    AND (reconciled_at IS NULL OR reconciliation_evidence IS NULL OR outcome = 'pending')")
  [ "$bad" = 0 ] || fail "$label: $bad half-reconciled runs"
}

for index in 1 2 3; do start "$index"; done
all=$(IFS=,; echo "${urls[*]:1}")
echo "three-instances: node-1 ${urls[1]}, node-2 ${urls[2]}, node-3 ${urls[3]} on one PostgreSQL database"

# --- race across the instances
python3 Tests/faults/race.py create "$all" "$token" "$race_runs" >"$work/race-ids"
first=$(min_id "$work/race-ids")
created=$(wc -l <"$work/race-ids")
sleep 2
tally=$(python3 Tests/faults/race.py race "$all" "$token" "$work/race-ids")
echo "three-instances: race of $created runs: $tally"
for _ in $(seq 1 100); do
  [ "$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND status <> 'completed'")" = 0 ] && break
  sleep 0.2
done
read -r finished by_worker by_queue by_reconciler < <(q "SELECT COUNT(*),
  COUNT(*) FILTER (WHERE reconciliation_source IS NULL),
  COUNT(*) FILTER (WHERE reconciliation_source = 'queue_failure_bridge'),
  COUNT(*) FILTER (WHERE reconciliation_source <> 'queue_failure_bridge')
  FROM operation_runs WHERE id >= $first AND status = 'completed'" | tr '|' ' ')
echo "three-instances: race: $finished of $created finished — $by_worker by the worker, $by_queue by the queue-failure bridge, $by_reconciler by a reconciler"
[ "$finished" = "$created" ] || fail "race: $((created - finished)) runs did not finish"
check_runs "$first" race
refused=$(python3 -c 'import json,sys; print(sum(n for k, n in json.load(sys.stdin).items() if k.endswith(" refused")))' <<<"$tally")
late=$(q "SELECT COUNT(*) FROM late_reports WHERE run_id >= $first")
late_audit=$(q "SELECT COUNT(*) FROM audit_events WHERE run_id >= $first AND action = 'run.late_report_refused'")
echo "three-instances: race: $refused reports refused, $late late reports kept, $late_audit late-report audit events"
[ "$late" = "$refused" ] || fail "race: $refused refused reports but $late late reports"
[ "$late_audit" = "$late" ] || fail "race: $late late reports but $late_audit audit events for them"
if grep -q 'failed' <<<"$tally"; then fail "race: some worker calls failed: $tally"; fi
race_first=$first

# --- kill -9 of the healing instance, mid-tick
declare -A before
for index in 1 2 3; do before[$index]=$(reconciled "$index"); done
python3 Tests/faults/race.py create "$all" "$token" "$crash_runs" >"$work/crash-ids"
first=$(min_id "$work/crash-ids")
created=$(wc -l <"$work/crash-ids")
healer=""
for _ in $(seq 1 1000); do
  for index in 1 2 3; do
    if [ "$(reconciled "$index")" -gt "${before[$index]}" ]; then healer=$index; break; fi
  done
  [ -n "$healer" ] && break
  sleep 0.01
done
[ -n "$healer" ] || { fail "crash: no instance began healing"; exit 1; }
kill -9 "${pids[$healer]}"
wait "${pids[$healer]}" 2>/dev/null || true
pids[$healer]=""
killed_at=$(date +%s.%N)
healed=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first AND status = 'completed'")
echo "three-instances: kill -9 of node-$healer mid-heal: $healed of $created runs healed at that moment"
[ "$healed" -lt "$created" ] || echo "three-instances: the kill came after the heal finished (fast machine)"
present=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $first")
[ "$present" = "$created" ] || fail "crash: $((created - present)) acknowledged runs lost"
check_runs "$first" "just after kill -9"
left=""
for _ in $(seq 1 300); do
  left=$(q "SELECT COUNT(*) FROM operation_runs WHERE id >= $race_first AND status <> 'completed'")
  [ "$left" = 0 ] && break
  sleep 0.05
done
took=$(python3 -c "import time; print(f'{time.time() - $killed_at:.1f}')")
survivors=""
for index in 1 2 3; do
  [ "$index" = "$healer" ] && continue
  survivors+=" node-$index reconciled $(($(reconciled "$index") - ${before[$index]}))"
done
echo "three-instances: survivors finished the heal ${took} s after the kill (interval 1 s);$survivors"
[ "$left" = 0 ] || fail "the survivors left $left stale runs"
python3 -c "import sys; sys.exit(0 if $took <= 10 else 1)" || fail "the survivors took $took s to finish"
check_runs "$race_first" "after the survivors' heal"
duplicates=$(q "SELECT COUNT(*) FROM (SELECT run_id FROM notifications GROUP BY run_id HAVING COUNT(*) > 1) d")
[ "$duplicates" = 0 ] || fail "$duplicates runs with more than one notification"
[ "$failures" -eq 0 ] || exit 1
echo "three-instances: all checks passed"
