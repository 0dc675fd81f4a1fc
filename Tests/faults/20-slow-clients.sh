#!/usr/bin/env bash
# Slow clients against a real `runwatch serve`: one address (127.0.0.1) holds 1,100 connections that each
# trickle a request head one byte every few seconds, reconnecting whenever the server closes one. A fresh
# client on another address (127.0.0.2) must still get /healthz and a signed-in /operations answered, the
# attacker's address must be capped at the per-address limit, trickled requests must be cut off at the
# request deadline, and the server's file descriptors must stay bounded.
# Prints the fresh client's latency before and during the attack. Needs RUNWATCH; run from the repository
# root. SLOW_CLIENTS (default 1100) and SLOW_SECONDS (default 32, past the 20 s deadline) can be changed.
set -euo pipefail
source Tests/live/server.sh

connections=${SLOW_CLIENTS:-1100}
seconds=${SLOW_SECONDS:-32}
work=$(mktemp -d)
attacker=""
cleanup() {
  [ -n "$attacker" ] && kill "$attacker" 2>/dev/null
  rw_stop
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "slow-clients: FAIL $*" >&2
  failures=$((failures + 1))
}

# curl exits 45 when it cannot bind the fresh client's address (7, refused on port 1, means it could).
status=0
curl -sS -o /dev/null --interface 127.0.0.2 --max-time 2 http://127.0.0.1:1/ 2>/dev/null || status=$?
if [ "$status" = 45 ]; then
  echo "slow-clients: SKIP: cannot bind 127.0.0.2 for the fresh client"
  exit 0
fi

"$RUNWATCH" demo seed --db "$work/slow.sqlite" --runs 300 >"$work/seed.log" 2>&1
rw_serve "$work/slow.sqlite" "$work/serve.log"
port=${RW_URL##*:}
session=$(rw_login olivia@northwind.example demo-owner)
[ -n "$session" ] || { echo "slow-clients: demo sign-in failed" >&2; exit 1; }

# fresh_client LABEL: 20 requests each for /healthz and /operations from 127.0.0.2, each on a new connection;
# prints "p50 max" in milliseconds per path and fails any that was not answered 200 within 5 s.
fresh_client() {
  local label=$1 path times line code seconds_taken
  for path in /healthz /operations; do
    times=()
    for _ in $(seq 1 20); do
      line=$(curl -sS -o /dev/null --interface 127.0.0.2 --max-time 5 -b "runwatch_session=$session" \
        -w '%{http_code} %{time_total}' "$RW_URL$path" 2>/dev/null || echo "000 5")
      code=${line%% *}
      seconds_taken=${line##* }
      [ "$code" = 200 ] || fail "$label: fresh client's $path answered $code"
      times+=("$seconds_taken")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v path="$path" \
      '{ t[NR] = $1 * 1000 } END { printf "slow-clients: %s: fresh client %s p50 %.1f ms, max %.1f ms\n", label, path, t[int((NR + 1) / 2)], t[NR] }'
  done
}

fresh_client "quiet"

python3 Tests/faults/trickle.py "$port" "$connections" "$seconds" 3 >"$work/attack.json" &
attacker=$!
sleep 5
fresh_client "$connections trickling connections (5 s in)"
# Descriptors serve holds: the attacker's address is capped at 128 connections, so 1,100 stay far below.
descriptors=$(find "/proc/$RW_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
echo "slow-clients: serve holds $descriptors file descriptors"
[ "$descriptors" -le 250 ] || fail "serve holds $descriptors descriptors (128 per address allowed)"
sleep 20
fresh_client "$connections trickling connections (25 s in, past the 20 s deadline)"
wait "$attacker"
attacker=""
summary=$(cat "$work/attack.json")
echo "slow-clients: attacker: $summary"
answered_408=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["answered"].get("408", 0))' <<<"$summary")
[ "$answered_408" -ge 100 ] || fail "only $answered_408 trickled requests were cut off with 408 at the deadline"
kill -0 "$RW_PID" || fail "serve died under the attack"
fresh_client "after the attack"
[ "$failures" -eq 0 ] || exit 1
echo "slow-clients: all checks passed"
