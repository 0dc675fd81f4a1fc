#!/usr/bin/env bash
# `make bench` (last part): the same figures on SQLite and on PostgreSQL, side by side in one run, so the ratio
# holds on a shared, noisy machine. PostgreSQL is a throw-away cluster (Tests/live/postgres.sh: a temp
# directory, a free loopback port, fsync off as for tests — a production server with fsync on pays more per
# commit). For each engine:
#   - one reconcile tick healing 10,000 and 100,000 stale runs among 1,000,000 (runwatch-bench);
#   - `runwatch demo seed --runs BENCH_RUNS` (default 1,000,000), timed (BENCH_TICK_RUNS sizes the ticks' table);
#   - a real `runwatch serve` on it with the page cache off: /operations and a run page with `wrk -t2 -c4`,
#     heartbeats with `wrk -t2 -c8` (BENCH_SECONDS each, default 5).
# Prints Markdown and appends it to .build/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/release/runwatch}
BENCH=${BENCH:-.build/release/runwatch-bench}
RUNS=${BENCH_RUNS:-1000000}
TICK_RUNS=${BENCH_TICK_RUNS:-1000000}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
OUT=.build/bench
# shellcheck source=Tests/live/server.sh
. Tests/live/server.sh
# shellcheck source=Tests/live/postgres.sh
. Tests/live/postgres.sh
mkdir -p "$OUT"
cleanup() {
  rw_stop
  pg_stop
}
trap cleanup EXIT
say() { printf '%s\n' "$*" | tee -a "$OUT/results.md"; }
pg_start
base_url=${RUNWATCH_TEST_POSTGRES_URL%/*}
pg_db() { # name: a fresh database in the cluster; prints its URI
  psql "$RUNWATCH_TEST_POSTGRES_URL" -q -c "CREATE DATABASE $1" >/dev/null
  echo "$base_url/$1"
}

declare -A figure
# tick ENGINE STALE [--db URI]: heal STALE of 100,000 active runs among 1,000,000; records ms and µs per change.
tick() {
  local engine=$1 stale=$2 line
  shift 2
  line=$("$BENCH" reconcile --active 100000 --stale "$stale" --completed $((TICK_RUNS - 100000)) "$@" | grep '^tick:')
  figure["$engine tick $stale"]=$(sed -E 's/.* in ([0-9.]+) ms, ([0-9]+) µs per change/\1 ms (\2 µs per change)/' <<<"$line")
}
# pages ENGINE DB: seed, serve, measure; records seed time, /operations, run page and heartbeat figures.
pages() {
  local engine=$1 db=$2 started owner token run reconciled load
  started=$(date +%s.%N)
  "$RUNWATCH" demo seed --db "$db" --runs "$RUNS" >"$OUT/seed-$engine.log" 2>&1
  figure["$engine seed"]=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')
  # The one-second page cache off: every request pays the engine, which is what this compares.
  rw_serve "$db" "$OUT/serve-$engine.log" --page-cache-seconds 0
  owner=$(rw_login olivia@northwind.example demo-owner)
  reconciled=$(curl -fsS -H "Cookie: runwatch_session=$owner" "$RW_URL/operations?freshness=reconciled_failed" |
    grep -o 'data-run-id="[0-9]*"' | head -1 | tr -dc 0-9)
  for page in "/operations" "/operations?freshness=likely_stale" "/operations/$reconciled" "/insights?range=30d" \
    "/operations?q=contoso" "/operations?created_after=24h"; do
    load=$(RW_COOKIE="runwatch_session=$owner" wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" -s Tests/live/report.lua \
      "$RW_URL$page" | tail -1)
    figure["$engine ${page/$reconciled/<id>}"]=$(awk -F'|' '{ printf "%d req/s, p50 %.2f ms, p99 %.2f ms", $1, $2, $3 }' <<<"$load")
  done
  token=$("$RUNWATCH" token create --db "$db" --workspace northwind --name bench 2>/dev/null)
  run=$(rw_api "$token" POST /runs '{"type":"policy.sync","tenant_id":1,"initiator":null,"context":{}}' |
    grep -o '"id" *: *[0-9]*' | head -1 | tr -dc 0-9)
  rw_api "$token" POST "/runs/$run/start" >/dev/null
  load=$(RW_TOKEN=$token RW_RUN_ID=$run wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" -s Tests/live/heartbeat.lua "$RW_URL" | tail -1)
  figure["$engine heartbeat"]=$(awk -F'|' '{ printf "%d req/s, p50 %.2f ms, p99 %.2f ms", $1, $2, $3 }' <<<"$load")
  rw_stop
}

tick sqlite 10000
tick postgres 10000 --db "$(pg_db tick_10k)"
tick sqlite 100000
tick postgres 100000 --db "$(pg_db tick_100k)"
rm -f "$OUT/engines.db" "$OUT/engines.db-wal" "$OUT/engines.db-shm"
pages sqlite "$OUT/engines.db"
pages postgres "$(pg_db pages)"

say ""
say "### SQLite beside PostgreSQL (same run; PostgreSQL $(psql "$RUNWATCH_TEST_POSTGRES_URL" -Atc 'SHOW server_version'), throw-away cluster, fsync off)"
say ""
say "| Figure | SQLite | PostgreSQL |"
say "| --- | ---: | ---: |"
row() { say "| $1 | ${figure["sqlite $2"]} | ${figure["postgres $2"]} |"; }
row "Reconcile tick, 10,000 stale among $TICK_RUNS" "tick 10000"
row "Reconcile tick, 100,000 stale among $TICK_RUNS" "tick 100000"
row "demo seed --runs $RUNS" "seed"
row "/operations, 4 clients, uncached" "/operations"
row "/operations?freshness=likely_stale, 4 clients, uncached" "/operations?freshness=likely_stale"
row "/operations/<id> (a reconciled run), 4 clients" "/operations/<id>"
row "/insights?range=30d, 4 clients, uncached" "/insights?range=30d"
row "/operations?q=contoso (search), 4 clients, uncached" "/operations?q=contoso"
row "/operations?created_after=24h, 4 clients, uncached" "/operations?created_after=24h"
row "heartbeat, 8 clients" "heartbeat"
