#!/usr/bin/env bash
# `make bench-incident`: the day a worker fleet dies, measured the way operators live it. On a seeded database of
# BENCH_RUNS runs (default 1,000,000), BENCH_STALE running runs (default 100,000) lose their workers at once:
# their deadlines pass together while `runwatch serve` runs. serve's own reconcile loop heals them while `wrk`
# reads /operations (4 connections, signed in) and workers send heartbeats (8 connections). Prints Markdown
# (and writes it to .build/bench-incident/results.md):
#   - heal time (serve's own tick durations) and wall time from the deadlines passing to the last run healed;
#   - /operations req/s and latency before, during and after the heal; heartbeat latency during it;
#   - peak WAL size and serve's peak RSS;
#   - nginx serving a saved copy of the same /operations bytes, same wrk settings, in the same run (the ratio);
#   - /operations with the microcache off (`--page-cache-seconds 0`), after the heal;
#   - heartbeats alone at 32 connections, after the heal;
#   - callgrind instructions per uncached /operations request (load-independent), from a serve under valgrind.
# BENCH_SECONDS (default 8) is the length of the before/after measurements. Every server started here binds
# 127.0.0.1 on a free port and is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/release/runwatch}
BENCH=${BENCH:-.build/release/runwatch-bench}
RUNS=${BENCH_RUNS:-1000000}
STALE=${BENCH_STALE:-100000}
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
STALE_IN=${BENCH_STALE_IN:-30}
OUT=.build/bench-incident
# shellcheck source=Tests/live/server.sh
. Tests/live/server.sh

for tool in wrk curl nginx valgrind callgrind_control; do
  command -v "$tool" >/dev/null || { echo "bench-incident: $tool is missing (make bench-incident installs it)" >&2; exit 1; }
done
mkdir -p "$OUT"
: >"$OUT/results.md"
say() { printf '%s\n' "$*" | tee -a "$OUT/results.md"; }
NGINX_PID=""
VALGRIND_PID=""
cleanup() {
  rw_stop
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "$VALGRIND_PID" ] && kill "$VALGRIND_PID" 2>/dev/null || true
  pkill -P $$ wrk 2>/dev/null || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wrk_row() { # session url connections seconds [script]
  RW_COOKIE=${1:+runwatch_session=$1} wrk -t2 -c"$3" -d"$4s" -s "${5:-Tests/live/report.lua}" "$2" | tail -1
}

say "## Runwatch incident benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
say ""

# The policy: the built-in one, reconciling every 5 s in batches of 500.
"$RUNWATCH" policy show >"$OUT/policy.yaml"
sed -i 's/interval_seconds: [0-9]*/interval_seconds: 5/; s/batch_limit: [0-9]*/batch_limit: 500/' "$OUT/policy.yaml"
"$RUNWATCH" policy validate --policy "$OUT/policy.yaml" >/dev/null

base="$OUT/base-$RUNS.db"
if [ ! -f "$base" ]; then
  echo "seeding $RUNS runs into $base (kept for later runs)…" >&2
  "$RUNWATCH" demo seed --db "$base" --runs "$RUNS" --reset >"$OUT/seed.log" 2>&1
fi
db="$OUT/incident.db"
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"
# The seed's last transactions may still be in its WAL: copy it too (SQLite replays it on open).
[ -f "$base-wal" ] && cp "$base-wal" "$db-wal"
"$BENCH" incident --db "$db" --runs "$STALE" --stale-in "$STALE_IN" --policy "$OUT/policy.yaml" | tee -a "$OUT/results.md"
deadline=$(($(date +%s) + STALE_IN + 1))

rw_serve "$db" "$OUT/serve.log" --policy "$OUT/policy.yaml"
trap cleanup EXIT  # rw_serve installed its own
owner=$(rw_login olivia@northwind.example demo-owner)
[ -n "$owner" ] || { echo "bench-incident: demo sign-in failed" >&2; exit 1; }
token=$("$RUNWATCH" token create --db "$db" --workspace northwind --name incident-bench 2>/dev/null)
run=$(rw_api "$token" POST /runs '{"type":"policy.sync","tenant_id":1,"initiator":null,"context":{}}' |
  grep -o '"id" *: *[0-9]*' | head -1 | tr -dc 0-9)
rw_api "$token" POST "/runs/$run/start" >/dev/null

say ""
say "### /operations (signed in as the owner, \`wrk -t2 -c4\`), heartbeats (\`wrk -t2 -c8\`)"
say ""
say "| Phase | Request | req/s | p50 ms | p99 ms | max ms | non-2xx |"
say "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
say "| before | GET /operations | $(wrk_row "$owner" "$RW_URL/operations" 4 "$SECONDS_PER_RUN")"
curl -fsS -H "Cookie: runwatch_session=$owner" "$RW_URL/operations" >"$OUT/operations.html"

# Wait for the deadlines, then measure while the loop heals.
while [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
heal_started=$(date +%s.%N)
RW_COOKIE=runwatch_session=$owner wrk -t2 -c4 -d300s -s Tests/live/report.lua "$RW_URL/operations" >"$OUT/during-pages.txt" &
pages_wrk=$!
RW_TOKEN=$token RW_RUN_ID=$run wrk -t2 -c8 -d300s -s Tests/live/heartbeat.lua "$RW_URL" >"$OUT/during-heartbeats.txt" &
beats_wrk=$!
peak_wal=0
healed=0
limit=$(($(date +%s) + 280))
while [ "$healed" -lt "$STALE" ] && [ "$(date +%s)" -lt "$limit" ]; do
  wal=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
  [ "$wal" -gt "$peak_wal" ] && peak_wal=$wal
  healed=$(grep -o 'reconcile.reconciled=[0-9]*' "$OUT/serve.log" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
  sleep 0.2
done
heal_finished=$(date +%s.%N)
kill -INT "$pages_wrk" "$beats_wrk"
wait "$pages_wrk" "$beats_wrk" || true
say "| during the heal | GET /operations | $(tail -1 "$OUT/during-pages.txt")"
say "| during the heal | POST /api/v1/runs/<id>/heartbeat | $(tail -1 "$OUT/during-heartbeats.txt")"
say "| after | GET /operations | $(wrk_row "$owner" "$RW_URL/operations" 4 "$SECONDS_PER_RUN")"
tick_ms=$(grep -o 'reconcile.duration_ms=[0-9]*' "$OUT/serve.log" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
peak_rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$RW_PID/status")
wal_now=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
rw_stop
# The same page with the microcache off: what every request would cost without it.
rw_serve "$db" "$OUT/serve-uncached.log" --policy "$OUT/policy.yaml" --page-cache-seconds 0
trap cleanup EXIT
owner=$(rw_login olivia@northwind.example demo-owner)
say "| after, microcache off (\`--page-cache-seconds 0\`) | GET /operations | $(wrk_row "$owner" "$RW_URL/operations" 4 "$SECONDS_PER_RUN")"
# Heartbeats alone, once quiet: how many a second one serve takes from a big fleet (32 connections).
RW_TOKEN=$token RW_RUN_ID=$run wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -s Tests/live/heartbeat.lua "$RW_URL" >"$OUT/quiet-heartbeats.txt"
say "| after, quiet, 32 connections | POST /api/v1/runs/<id>/heartbeat | $(tail -1 "$OUT/quiet-heartbeats.txt")"
rw_stop

say ""
say "### The heal"
say ""
say "| Figure | Value |"
say "| --- | ---: |"
say "| runs healed by serve's loop | $healed of $STALE |"
say "| time in reconcile ticks (serve's own log) | $(awk -v ms="$tick_ms" 'BEGIN { printf "%.1f s", ms / 1000 }') |"
say "| wall time, deadlines passing → last run healed | $(awk -v a="$heal_started" -v b="$heal_finished" 'BEGIN { printf "%.1f s", b - a }') |"
say "| peak WAL during the heal (sampled every 0.2 s) | $(awk -v b="$peak_wal" 'BEGIN { printf "%.1f MB", b / 1048576 }') |"
say "| WAL after the heal | $(awk -v b="$wal_now" 'BEGIN { printf "%.1f MB", b / 1048576 }') |"
say "| serve peak RSS (VmHWM) | $(awk -v k="$peak_rss_kb" 'BEGIN { printf "%.0f MB", k / 1024 }') |"

# nginx serving the same bytes, same wrk settings, now.
port=$(free_port)
mkdir -p "$OUT/nginx"
cp "$OUT/operations.html" "$OUT/nginx/operations.html"
cat >"$OUT/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
pid $PWD/$OUT/nginx/nginx.pid;
error_log $PWD/$OUT/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port;
    root $PWD/$OUT/nginx;
    location = /operations { default_type text/html; try_files /operations.html =404; }
  }
}
EOF
nginx -c "$PWD/$OUT/nginx/nginx.conf" -p "$PWD/$OUT/nginx" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/operations" 2>/dev/null && break; sleep 0.1; done
say ""
say "### Baseline: nginx serving a saved copy of /operations ($(wc -c <"$OUT/operations.html") bytes), same settings"
say ""
say "| Request | req/s | p50 ms | p99 ms | max ms | non-2xx |"
say "| --- | ---: | ---: | ---: | ---: | ---: |"
say "| nginx GET /operations (static copy) | $(wrk_row "" "http://127.0.0.1:$port/operations" 4 "$SECONDS_PER_RUN")"
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

# Instructions per /operations request under callgrind (the loop idle: the heal is over).
calls=20
"$RUNWATCH" policy show --policy "$OUT/policy.yaml" | sed 's/interval_seconds: [0-9]*/interval_seconds: 3600/' >"$OUT/callgrind-policy.yaml"
port=$(free_port)
# valgrind 3.19 cannot read the DWARF Swift 6 emits ("possibly corrupted debuginfo"); the symbol table is enough.
cp "$RUNWATCH" "$OUT/runwatch-nodebug"
strip --strip-debug "$OUT/runwatch-nodebug"
valgrind --tool=callgrind --callgrind-out-file="$PWD/$OUT/callgrind.out" "$OUT/runwatch-nodebug" serve --db "$db" \
  --policy "$OUT/callgrind-policy.yaml" --host 127.0.0.1 --port "$port" --public Public --threads 1 \
  --page-cache-seconds 0 \
  >"$OUT/callgrind-serve.log" 2>&1 &
VALGRIND_PID=$!
up=""
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && { up=1; break; }
  kill -0 "$VALGRIND_PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$up" ] || { echo "bench-incident: serve under valgrind did not come up; its log:" >&2; cat "$OUT/callgrind-serve.log" >&2; exit 1; }
RW_URL="http://127.0.0.1:$port"
cg_owner=$(rw_login olivia@northwind.example demo-owner)
for _ in 1 2 3; do curl -fsS -o /dev/null -H "Cookie: runwatch_session=$cg_owner" "$RW_URL/operations"; done
callgrind_control -z "$VALGRIND_PID" >/dev/null
for _ in $(seq 1 "$calls"); do curl -fsS -o /dev/null -H "Cookie: runwatch_session=$cg_owner" "$RW_URL/operations"; done
rm -f "$OUT"/callgrind.out.*
callgrind_control -d "$VALGRIND_PID" >/dev/null
sleep 1
# The dump's `summary:` line (its `totals:` line has been seen to count a second time what the summary counts).
instructions=$(cat "$OUT"/callgrind.out* 2>/dev/null | awk '/^summary:/ { print $2 }' | sort -n | tail -1)
kill "$VALGRIND_PID" 2>/dev/null || true
wait "$VALGRIND_PID" 2>/dev/null || true
VALGRIND_PID=""
say ""
say "### Instructions per request (callgrind, one serve thread, microcache off, $calls requests after 3 warm-ups)"
say ""
say "| Request | instructions per request |"
say "| --- | ---: |"
say "| GET /operations (signed in as the owner) | $(awk -v t="${instructions:-0}" -v n="$calls" 'BEGIN { printf "%.2f M", t / n / 1e6 }') |"
say ""
say "Written to $OUT/results.md"
