#!/usr/bin/env bash
# Sign-in lockout abuse against a real `runwatch serve`: one address hammering one account (or many unknown
# ones) must not lock anyone else out — behind the reverse proxy the README recommends, everyone shares that
# address. Checked directly (every client is 127.0.0.1) and through `--trusted-proxy` with X-Forwarded-For.
# Needs RUNWATCH; run from the repository root.
set -euo pipefail
source Tests/live/server.sh

work=$(mktemp -d)
cleanup() { rw_stop; rm -rf "$work"; }
trap cleanup EXIT
password='correct horse battery staple'
# new_database PATH: acme with six operators sharing one password (no failed sign-ins yet).
new_database() {
  "$RUNWATCH" migrate --db "$1" >/dev/null 2>&1
  "$RUNWATCH" workspace add --db "$1" --slug acme --name Acme >/dev/null 2>&1
  for who in mallory ana bob carol dave erin; do
    printf '%s\n' "$password" | "$RUNWATCH" user add --db "$1" --email "$who@acme.example" --name "$who" \
      --password-stdin >/dev/null 2>&1
    "$RUNWATCH" user grant --db "$1" --email "$who@acme.example" --workspace acme --role operator >/dev/null 2>&1
  done
}

# sign_in EMAIL PASSWORD [X-FORWARDED-FOR]: one sign-in through the real form; prints the HTTP status
# (303 signed in, 401 wrong credentials, 429 throttled).
sign_in() {
  local jar form csrf status
  local -a forwarded=()
  [ -n "${3:-}" ] && forwarded=(-H "X-Forwarded-For: $3")
  jar=$(mktemp -p "$work")
  form=$(curl -fsS -c "$jar" "$RW_URL/login")
  csrf=$(printf '%s' "$form" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" "${forwarded[@]}" \
    --data-urlencode "email=$1" --data-urlencode "password=$2" --data-urlencode "csrf_token=$csrf" \
    "$RW_URL/login")
  rm -f "$jar"
  printf '%s' "$status"
}

failures=0
# expect LABEL WANTED GOT
expect() {
  if [ "$2" = "$3" ]; then
    echo "lockout: $1: HTTP $3"
  else
    echo "lockout: FAIL $1: wanted HTTP $2, got $3" >&2
    failures=$((failures + 1))
  fi
}

# hammer EMAIL-PATTERN COUNT [X-FORWARDED-FOR]: COUNT wrong sign-ins (%d in the pattern numbers the accounts);
# prints how many were throttled.
hammer() {
  local throttled=0 index status
  for index in $(seq 1 "$2"); do
    # shellcheck disable=SC2059
    status=$(sign_in "$(printf "$1" "$index")" "wrong password $index" "${3:-}")
    [ "$status" = 429 ] && throttled=$((throttled + 1))
  done
  printf '%s' "$throttled"
}

# Direct: every request comes from 127.0.0.1.
new_database "$work/direct.sqlite"
rw_serve "$work/direct.sqlite" "$work/direct.log"
throttled=$(hammer 'mallory@acme.example' 25)
echo "lockout: direct: 25 wrong passwords for mallory from one address, $throttled answered 429"
[ "$throttled" -ge 20 ] || { echo "lockout: FAIL mallory's account was not throttled" >&2; failures=$((failures + 1)); }
expect "direct: mallory's right password while her account is locked" 429 \
  "$(sign_in mallory@acme.example "$password")"
expect "direct: ana's right password from the same address" 303 "$(sign_in ana@acme.example "$password")"
expect "direct: bob's typo from the same address (an ordinary failure)" 401 \
  "$(sign_in bob@acme.example 'typo')"
# 23 recorded failures from this address now (mallory's first 5 plus these): the old address-wide limit of 20
# locked every account out here.
for who in carol dave erin; do hammer "$who@acme.example" 6 >/dev/null; done
expect "direct: ana's right password after 5 accounts failed from her address" 303 \
  "$(sign_in ana@acme.example "$password")"
throttled=$(hammer 'nobody%d@acme.example' 25)
echo "lockout: direct: 25 wrong sign-ins for distinct unknown accounts from one address, $throttled answered 429"
expect "direct: ana's right password after the unknown-account burst" 303 \
  "$(sign_in ana@acme.example "$password")"
rw_stop

# Behind a trusted proxy (this script plays it: the socket peer is 127.0.0.1, the client is X-Forwarded-For).
new_database "$work/proxy.sqlite"
rw_serve "$work/proxy.sqlite" "$work/proxy.log" --trusted-proxy 127.0.0.1
attacker=203.0.113.5
colleague=198.51.100.20
throttled=$(hammer 'mallory@acme.example' 25 "$attacker")
echo "lockout: proxy: 25 wrong passwords for mallory from forwarded $attacker, $throttled answered 429"
for who in carol dave erin; do hammer "$who@acme.example" 6 "$attacker" >/dev/null; done
expect "proxy: ana's right password from the same forwarded address" 303 \
  "$(sign_in ana@acme.example "$password" "$attacker")"
throttled=$(hammer 'stuffed%d@acme.example' 25 "$attacker")
echo "lockout: proxy: 25 distinct unknown accounts from forwarded $attacker, $throttled answered 429"
[ "$throttled" -ge 5 ] || { echo "lockout: FAIL the stuffing address was not slowed" >&2; failures=$((failures + 1)); }
expect "proxy: another unknown account from the stuffing address" 429 \
  "$(sign_in stuffed99@acme.example x "$attacker")"
expect "proxy: bob's typo from another client behind the proxy" 401 \
  "$(sign_in bob@acme.example typo "$colleague")"
expect "proxy: bob's right password from that client" 303 "$(sign_in bob@acme.example "$password" "$colleague")"
expect "proxy: a forged left-hand entry does not escape the slowdown" 429 \
  "$(sign_in stuffed98@acme.example x "$colleague, $attacker")"

[ "$failures" -eq 0 ] || { echo "lockout: $failures check(s) failed" >&2; exit 1; }
echo "lockout: all checks passed"
