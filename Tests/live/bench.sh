#!/usr/bin/env bash
# `make bench`: Runwatch's benchmarks, runnable by anyone on this machine. Prints Markdown (and writes it to
# .build/bench/results.md) for docs/benchmarks.md:
#   1. reconcile ticks over a generated 1,000,000-run database (runwatch-bench);
#   2. `runwatch demo seed --runs 1000000`, timed;
#   3. a real `runwatch serve` on that file: wrk against every page kind, signed in as the owner and as a
#      single-tenant operator, and against the worker API's heartbeat.
# BENCH_RUNS (default 1000000), BENCH_SECONDS per wrk run (default 5) and BENCH_PROBES sequential requests per
# page (default 15) make it smaller or longer.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/release/runwatch}
BENCH=${BENCH:-.build/release/runwatch-bench}
RUNS=${BENCH_RUNS:-1000000}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
PROBES=${BENCH_PROBES:-15}
OUT=.build/bench
# shellcheck source=Tests/live/server.sh
. Tests/live/server.sh

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
mkdir -p "$OUT"
: >"$OUT/results.md"
say() { printf '%s\n' "$*" | tee -a "$OUT/results.md"; }

say "## Runwatch benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
say ""
say "### Reconcile ticks (runwatch-bench, release build)"
say ""
say '```'
echo "\$ runwatch-bench reconcile --active 100000 --stale 10000 --completed 900000" | tee -a "$OUT/results.md"
"$BENCH" reconcile --active 100000 --stale 10000 --completed 900000 | tee -a "$OUT/results.md"
echo "\$ runwatch-bench reconcile --active 100000 --stale 0" | tee -a "$OUT/results.md"
"$BENCH" reconcile --active 100000 --stale 0 | tee -a "$OUT/results.md"
say '```'

say ""
say "### Seeding $RUNS runs (runwatch demo seed, release build)"
say ""
started=$(date +%s.%N)
"$RUNWATCH" demo seed --db "$OUT/bench.db" --runs "$RUNS" --reset >"$OUT/seed.log" 2>&1
finished=$(date +%s.%N)
say "$(awk -v a="$started" -v b="$finished" -v size="$(du -h "$OUT/bench.db" | cut -f1)" \
  'BEGIN { printf "seeded in %.1f s; database file %s", b - a, size }')"

rw_serve "$OUT/bench.db" "$OUT/serve.log"
owner=$(rw_login olivia@northwind.example demo-owner)
single=$(rw_login sam@northwind.example demo-single-tenant)
[ -n "$owner" ] && [ -n "$single" ] || { echo "bench: demo sign-in failed" >&2; exit 1; }

first_id() { # first data-run-id on a page fetched with the owner's session
  curl -fsS -H "Cookie: runwatch_session=$owner" "$RW_URL$1" | grep -o 'data-run-id="[0-9]*"' | head -1 | tr -dc 0-9
}
reconciled=$(first_id "/operations?freshness=reconciled_failed")
older=$(curl -fsS -H "Cookie: runwatch_session=$owner" "$RW_URL/operations" |
  grep -o 'rel="next" href="[^"]*"' | head -1 | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
[ -n "$reconciled" ] && [ -n "$older" ] || { echo "bench: seeded pages lack a reconciled run or a next page" >&2; exit 1; }

say ""
say "### Pages on $RUNS runs"
say ""
say "One client: $PROBES sequential requests with curl (median and max, ms). Four clients: \`wrk -t2 -c4 -d${SECONDS_PER_RUN}s\`"
say "(requests/s and latency percentiles, ms). Signed in as the owner (every tenant) unless marked single tenant."
say ""
say "| Request | 1 client median | 1 client max | 4 clients req/s | p50 | p99 | max | non-2xx |"
say "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
measure() { # label session path
  local cookie=${2:+runwatch_session=$2} sequential load
  sequential=$(for _ in $(seq 1 "$PROBES"); do
    curl -s -o /dev/null -w '%{time_total}\n' ${cookie:+-H "Cookie: $cookie"} "$RW_URL$3"
  done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f | %.1f", t[int((NR + 1) / 2)], t[NR] }')
  load=$(RW_COOKIE=$cookie wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" -s Tests/live/report.lua "$RW_URL$3" | tail -1)
  say "| $1 | $sequential | $load"
}
measure "/operations (newest first)" "$owner" /operations
for freshness in fresh_active likely_stale reconciled_failed terminal_normal unknown; do
  measure "/operations?freshness=$freshness" "$owner" "/operations?freshness=$freshness"
done
measure "/operations?status=running" "$owner" "/operations?status=running"
measure "/operations?outcome=failed" "$owner" "/operations?outcome=failed"
measure "/operations?type=restore.execute" "$owner" "/operations?type=restore.execute"
measure "/operations?tenant=2" "$owner" "/operations?tenant=2"
measure "/operations, second page (keyset cursor)" "$owner" "$older"
measure "/operations (single tenant)" "$single" /operations
measure "/operations?freshness=reconciled_failed (single tenant)" "$single" "/operations?freshness=reconciled_failed"
measure "/operations?outcome=failed (single tenant)" "$single" "/operations?outcome=failed"
measure "/operations/<id> (reconciled run detail)" "$owner" "/operations/$reconciled"
measure "/operations/999999999 (not found)" "$owner" /operations/999999999
measure "/insights (last 24 h)" "$owner" /insights
measure "/insights?range=30d" "$owner" "/insights?range=30d"
measure "/insights?range=30d (single tenant)" "$single" "/insights?range=30d"
day_ago=$(date -u -d '24 hours ago' +%Y-%m-%dT%H:00:00Z)
measure "/operations, an insights link (failed by the worker in 24 h)" "$owner" \
  "/operations?outcome=failed&freshness=terminal_normal&type=policy.sync&finished_since=$day_ago"
measure "/operations, an insights link (reconciled for one reason in 24 h)" "$owner" \
  "/operations?reconciled_since=$day_ago&reason=run.stale_running"
week_ago=$(date -u -d '7 days ago' +%Y-%m-%d)
measure "/operations?created_after=24h" "$owner" "/operations?created_after=24h"
measure "/operations?created_before=<a week ago> (jump to date)" "$owner" "/operations?created_before=$week_ago"
measure "/operations?initiator=system" "$owner" "/operations?initiator=system"
measure "/operations?q=contoso (search, a common word)" "$owner" "/operations?q=contoso"
measure "/operations?q=restore (search, a rarer word)" "$owner" "/operations?q=restore"
measure "/operations?q=policy&freshness=likely_stale (search, few matches pass)" "$owner" \
  "/operations?q=policy&freshness=likely_stale"
measure "/audit" "$owner" /audit
measure "/notifications" "$owner" /notifications
measure "/healthz" "" /healthz
measure "/assets/app.css" "" /assets/app.css

token=$("$RUNWATCH" token create --db "$OUT/bench.db" --workspace northwind --name bench 2>/dev/null)
run=$(rw_api "$token" POST /runs '{"type":"policy.sync","tenant_id":1,"initiator":null,"context":{}}' |
  grep -o '"id" *: *[0-9]*' | head -1 | tr -dc 0-9)
rw_api "$token" POST "/runs/$run/start" >/dev/null
say ""
say "### Worker API heartbeat on $RUNS runs (wrk -t2 -c8 -d${SECONDS_PER_RUN}s, one running run, latency in ms)"
say ""
say "| Request | req/s | p50 | p99 | max | non-2xx |"
say "| --- | ---: | ---: | ---: | ---: | ---: |"
say "| POST /api/v1/runs/<id>/heartbeat | $(RW_TOKEN=$token RW_RUN_ID=$run wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" \
  -s Tests/live/heartbeat.lua "$RW_URL" | tail -1)"
rw_stop
RUNWATCH=$RUNWATCH BENCH=$BENCH bash Tests/live/bench-engines.sh
say ""
say "Written to $OUT/results.md"
