#!/usr/bin/env bash
# `make test-postgres`: the PostgreSQL side of the suite against a throw-away cluster (Tests/live/postgres.sh),
# started here and stopped by PID at the end. The whole Swift suite runs on PostgreSQL: every test database is a
# schema of its own in the cluster (Tests/Support/TestStorage.swift); the few tests that only make sense on
# SQLite (its file, its query plans, its write-ahead log) say so and are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=Tests/live/postgres.sh
. Tests/live/postgres.sh
trap pg_stop EXIT
pg_start
echo "test-postgres: cluster on 127.0.0.1:$PG_PORT (pid $PG_PID, $PG_DIR)"
RUNWATCH_TEST_ENGINE=postgres swift test
# Three serve instances on one database: racing workers, kill -9 of the healer, the survivors finish.
swift build --product runwatch
RUNWATCH=$PWD/.build/debug/runwatch bash Tests/live/three-instances.sh
