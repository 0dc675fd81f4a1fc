#!/usr/bin/env bash
# `make schemathesis`: schemathesis (PyPI, in .venv) against the worker API of a real `runwatch serve` on a seeded
# temp database: every operation in docs/openapi.yaml, all checks, once with a worker token and once with a
# read-only token (every report documented as 403 read_only_token). The server is stopped by PID at the end.
# SCHEMATHESIS_SEED makes the generated cases repeatable (`make test` fixes it; `make schemathesis` explores).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNWATCH=${RUNWATCH:-.build/debug/runwatch}
SCHEMATHESIS=${SCHEMATHESIS:-.venv/bin/schemathesis}
# shellcheck source=Tests/live/server.sh
. Tests/live/server.sh

work=.build/schemathesis
rm -rf "$work" && mkdir -p "$work"
"$RUNWATCH" demo seed --db "$work/api.db" >"$work/seed.log" 2>&1
token=$("$RUNWATCH" token create --db "$work/api.db" --workspace northwind --name schemathesis 2>/dev/null)
reader=$("$RUNWATCH" token create --db "$work/api.db" --workspace northwind --name schemathesis-reader --read-only 2>/dev/null)
rw_serve "$work/api.db" "$work/serve.log"
for credential in "worker:$token" "read-only:$reader"; do
  echo "schemathesis against $RW_URL/api/v1 with the ${credential%%:*} token (server log: $work/serve.log)"
  "$SCHEMATHESIS" --config-file docs/schemathesis.toml run docs/openapi.yaml --url "$RW_URL/api/v1" \
    -H "Authorization: Bearer ${credential#*:}" --checks all --max-examples "${SCHEMATHESIS_EXAMPLES:-100}" \
    ${SCHEMATHESIS_SEED:+--seed "$SCHEMATHESIS_SEED"}
done
