#!/usr/bin/env bash
# Malformed HTTP framing against a real `runwatch serve` (Tests/faults/framing.py sends the raw bytes): request
# smuggling shapes (two Content-Lengths, Content-Length with Transfer-Encoding), a missing or doubled Host,
# transfer codings other than a final chunked, 900 query parameters, oversized and endless bodies. Each gets
# its RFC 9112 answer (400/413/414/501, JSON under /api/, a page elsewhere) and a close; nothing smuggled after
# a bad head is answered; the server keeps serving and logs no failure. Needs RUNWATCH; run from the
# repository root.
set -euo pipefail
source Tests/live/server.sh

work=$(mktemp -d)
cleanup() {
  rw_stop
  rm -rf "$work"
}
trap cleanup EXIT

"$RUNWATCH" migrate --db "$work/framing.sqlite" >/dev/null 2>&1
rw_serve "$work/framing.sqlite" "$work/serve.log"
status=0
python3 Tests/faults/framing.py "${RW_URL##*:}" || status=$?
if ! curl -fsS -o /dev/null --max-time 5 "$RW_URL/healthz"; then
  echo "framing: FAIL serve stopped answering /healthz after the malformed requests" >&2
  status=1
fi
if grep -Eiq 'fatal|crash|request failed' "$work/serve.log"; then
  echo "framing: FAIL serve logged a failure:" >&2
  grep -Ei 'fatal|crash|request failed' "$work/serve.log" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "framing: all cases answered and closed; serve still healthy"
exit "$status"
