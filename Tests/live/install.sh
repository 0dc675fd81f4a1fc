#!/usr/bin/env bash
# `make test-install`: `make install` into a temporary DESTDIR, then the installed binary, run from another
# directory and without --public, finds its assets (<prefix>/share/runwatch/Public) and serves the pages' CSS
# and the API document. The server binds 127.0.0.1 on a free port and is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
make --no-print-directory install DESTDIR="$root" PREFIX=/usr CONFIGURATION="${CONFIGURATION:-debug}" >/dev/null
runwatch="$root/usr/bin/runwatch"
[ -x "$runwatch" ] || { echo "install: FAIL no $runwatch" >&2; exit 1; }
[ -f "$root/usr/share/runwatch/Public/app.css" ] || { echo "install: FAIL no assets" >&2; exit 1; }
[ -f "$root/usr/share/runwatch/Public/openapi.yaml" ] || { echo "install: FAIL no API document" >&2; exit 1; }
"$runwatch" --version
cd "$root"
"$runwatch" serve --db "$root/runwatch.sqlite" --host 127.0.0.1 --port 0 >"$root/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'Runwatch is serving http://127\.0\.0\.1:[0-9]*' "$root/serve.log" | head -1 | sed 's/^Runwatch is serving //' || true)
  [ -n "$url" ] && curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$root/serve.log" >&2; echo "install: FAIL serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$root/serve.log" >&2; echo "install: FAIL serve did not come up" >&2; exit 1; }
for path in /assets/app.css /api/v1/openapi.yaml; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url$path")
  [ "$status" = 200 ] || { echo "install: FAIL $path answered $status" >&2; exit 1; }
done
echo "install: the installed runwatch serves its assets and API document from $root/usr/share/runwatch/Public"
