#!/usr/bin/env bash
# `make test-faults`: every fault script in this directory (NN-name.sh, in name order) against a real
# `runwatch serve` — a full disk, slow clients, sign-in lockout abuse, malformed HTTP framing. Each script starts
# its own servers on loopback, prints one line per measured figure, cleans up after itself and exits non-zero
# when a guarantee does not hold. Needs RUNWATCH (the binary under test); run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUNWATCH=${RUNWATCH:-.build/debug/runwatch}
[ -x "$RUNWATCH" ] || { echo "test-faults: $RUNWATCH is not built (make test-faults builds it)" >&2; exit 1; }
failed=()
count=0
for script in Tests/faults/[0-9]*.sh; do
  [ -e "$script" ] || continue
  count=$((count + 1))
  name=$(basename "$script" .sh)
  echo "== $name"
  started=$(date +%s)
  if bash "$script"; then
    echo "== $name passed in $(($(date +%s) - started)) s"
  else
    echo "== $name FAILED after $(($(date +%s) - started)) s" >&2
    failed+=("$name")
  fi
done
[ "$count" -gt 0 ] || { echo "test-faults: no fault scripts found" >&2; exit 1; }
if [ "${#failed[@]}" -gt 0 ]; then
  echo "test-faults: ${#failed[@]} of $count failed: ${failed[*]}" >&2
  exit 1
fi
echo "test-faults: all $count passed"
