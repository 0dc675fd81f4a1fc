#!/usr/bin/env bash
# Disk full: the database lives on a small tmpfs that a filler file fills while the server writes. While full,
# API writes answer 503 with Retry-After, /readyz answers 503 "cannot write" and /healthz stays 200; once the
# filler is removed, writes and sign-in work again and the reconcile loop heals the runs that went stale
# meanwhile, without a restart. Needs root (mount); elsewhere it prints SKIP and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/debug/runwatch}
# shellcheck source=../live/server.sh
source Tests/live/server.sh

WORK=$(mktemp -d)
MNT="$WORK/disk"
mkdir -p "$MNT"
cleanup() {
  rw_stop
  umount "$MNT" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=40m tmpfs "$MNT" 2>/dev/null; then
  echo "SKIP disk-full: mounting a tmpfs needs root (mount -t tmpfs was refused here)"
  exit 0
fi

DB="$MNT/runwatch.sqlite"
POLICY="$WORK/policy.yaml"
# One-second ticks, and policy.sync runs stale after 3 s queued, so runs go stale while the disk is full.
"$RUNWATCH" policy show \
  | sed -e 's/^  interval_seconds: .*/  interval_seconds: 1/' \
    -e '/^  policy.sync:$/,/^  [a-z]/ s/queued_stale_after_seconds: .*/queued_stale_after_seconds: 3/' >"$POLICY"
"$RUNWATCH" demo seed --db "$DB" --policy "$POLICY" --runs 50 >"$WORK/seed.log" 2>&1
TOKEN=$(grep -o 'northwind: rwt_[A-Za-z0-9_-]*' "$WORK/seed.log" | sed 's/^northwind: //')
rw_serve "$DB" "$WORK/serve.log" --policy "$POLICY"
trap cleanup EXIT

status() { curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"; }
create() {
  status -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"type\":\"policy.sync\",\"tenant_id\":1,\"context\":{\"pad\":\"$(head -c 30000 /dev/zero | tr '\0' x)\"}}" \
    "$RW_URL/api/v1/runs"
}
fail() { echo "disk-full: FAIL: $*" >&2; echo "--- server log" >&2; tail -20 "$WORK/serve.log" >&2; exit 1; }

for _ in 1 2 3 4 5; do [ "$(create)" = 201 ] || fail "create before the disk filled"; done
STALE_BEFORE=$(sqlite3 "$DB" "SELECT COUNT(*) FROM operation_runs WHERE status = 'queued' AND type = 'policy.sync'")

# Fill the disk, then write until SQLite notices (the WAL may hold a little room of its own).
dd if=/dev/zero of="$MNT/filler" bs=1M 2>/dev/null || true
code=201
for _ in $(seq 1 200); do
  code=$(create)
  [ "$code" = 201 ] || break
done
[ "$code" = 503 ] || fail "a write on the full disk answered $code, expected 503"
retry=$(grep -i '^retry-after:' "$WORK/headers" | tr -d '\r' | awk '{print $2}')
[ -n "$retry" ] || fail "the 503 carried no Retry-After"
grep -q '"storage_unavailable"' "$WORK/body" || fail "the 503 body is not the storage_unavailable error"
echo "disk-full: API write while full answered $code, Retry-After $retry s"

ready=$(status "$RW_URL/readyz")
[ "$ready" = 503 ] && grep -q 'cannot write' "$WORK/body" || fail "/readyz answered $ready: $(cat "$WORK/body")"
echo "disk-full: /readyz while full answered $ready: $(tr -d '\n' <"$WORK/body")"
health=$(status "$RW_URL/healthz")
[ "$health" = 200 ] || fail "/healthz answered $health while full"
echo "disk-full: /healthz while full answered $health"

sleep 5 # the queued runs pass their 3 s window; the loop's ticks fail on the full disk meanwhile
failures=$(grep -c 'reconcile tick failed' "$WORK/serve.log" || true)

rm -f "$MNT/filler"
started=$(date +%s%N)
code=503
for _ in $(seq 1 50); do
  code=$(create)
  [ "$code" = 201 ] && break
  sleep 0.1
done
[ "$code" = 201 ] || fail "a write after freeing the disk answered $code"
echo "disk-full: first API write after freeing answered $code after $(( ($(date +%s%N) - started) / 1000000 )) ms"
cookie=$(rw_login olivia@northwind.example demo-owner)
[ -n "$cookie" ] || fail "sign-in after freeing the disk gave no session"
page=$(status -b "runwatch_session=$cookie" "$RW_URL/operations")
[ "$page" = 200 ] || fail "/operations after sign-in answered $page"
echo "disk-full: sign-in after freeing works, /operations answered $page"

healed=0
for _ in $(seq 1 100); do
  left=$(sqlite3 "$DB" "SELECT COUNT(*) FROM operation_runs WHERE status = 'queued' AND type = 'policy.sync' AND created_at < (strftime('%s','now') - 4) * 1000")
  [ "$left" = 0 ] && healed=1 && break
  sleep 0.2
done
[ "$healed" = 1 ] || fail "$left stale policy.sync runs still queued after freeing the disk"
ready=$(status "$RW_URL/readyz")
[ "$ready" = 200 ] || fail "/readyz after freeing answered $ready: $(cat "$WORK/body")"
[ "$failures" -le 1 ] || fail "the failing reconcile loop logged $failures times, expected once"
recovered=$(grep -c 'reconcile tick recovered' "$WORK/serve.log" || true)
echo "disk-full: reconcile loop logged the failure ${failures}x and the recovery ${recovered}x; healed every stale run ($STALE_BEFORE queued before); /readyz $ready"
