#!/usr/bin/env bash
# `make test-postgres`: the PostgreSQL side of the suite against a throw-away cluster (Tests/live/postgres.sh),
# started here and stopped by PID at the end. Today: the libpq wrapper (Tests/PostgresDBTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=Tests/live/postgres.sh
. Tests/live/postgres.sh
trap pg_stop EXIT
pg_start
echo "test-postgres: cluster on 127.0.0.1:$PG_PORT (pid $PG_PID, $PG_DIR)"
swift test --filter PostgresDBTests
