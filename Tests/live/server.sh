# Shell helpers for scripts that drive a real `runwatch serve` on a loopback port (benchmarks, schemathesis).
# Source it; it needs RUNWATCH (path of the runwatch binary). Servers bind 127.0.0.1 and are stopped by PID.

# rw_serve DB LOG [serve options...]: starts `runwatch serve` on a free port and waits until /healthz answers.
# Sets RW_PID and RW_URL (http://127.0.0.1:PORT). Stops the server again when the script exits.
rw_serve() {
  local db=$1 log=$2
  shift 2
  "$RUNWATCH" serve --db "$db" --host 127.0.0.1 --port 0 --public Public "$@" >"$log" 2>&1 &
  RW_PID=$!
  # Keep a caller's own EXIT trap (it should call rw_stop itself); only add one when there is none.
  [ -n "$(trap -p EXIT)" ] || trap rw_stop EXIT
  RW_URL=""
  for _ in $(seq 1 600); do
    RW_URL=$(grep -o 'Runwatch is serving http://127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's/^Runwatch is serving //' || true)
    if [ -n "$RW_URL" ] && curl -fsS -o /dev/null "$RW_URL/healthz" 2>/dev/null; then return 0; fi
    kill -0 "$RW_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "runwatch serve did not come up; its log:" >&2
  cat "$log" >&2
  return 1
}

# rw_stop: stops the server started by rw_serve (SIGTERM, then SIGKILL after 10 s).
rw_stop() {
  [ -n "${RW_PID:-}" ] || return 0
  kill "$RW_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$RW_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$RW_PID" 2>/dev/null || true
  wait "$RW_PID" 2>/dev/null || true
  RW_PID=""
}

# rw_login EMAIL PASSWORD: signs in through the real login form and prints the session cookie's value.
rw_login() {
  local jar form csrf
  jar=$(mktemp)
  form=$(curl -fsS -c "$jar" "$RW_URL/login")
  csrf=$(printf '%s' "$form" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=$1" --data-urlencode "password=$2" \
    --data-urlencode "csrf_token=$csrf" "$RW_URL/login"
  awk '$6 == "runwatch_session" { print $7 }' "$jar"
  rm -f "$jar"
}

# rw_api TOKEN METHOD PATH [JSON]: a worker API call; prints the response body.
rw_api() {
  local token=$1 method=$2 path=$3 body=${4:-}
  if [ -n "$body" ]; then
    curl -fsS -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "$body" "$RW_URL/api/v1$path"
  else
    curl -fsS -X "$method" -H "Authorization: Bearer $token" "$RW_URL/api/v1$path"
  fi
}
