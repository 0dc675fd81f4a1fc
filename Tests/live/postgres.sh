# A throw-away PostgreSQL cluster for tests: `initdb` into a temp directory, a server listening on a free
# loopback port only (and a socket inside that directory), stopped by PID and removed at the end. Nothing
# outside the temp directory is touched. The server refuses to run as root, so as root it runs as `postgres`.
# Source it, then: pg_start (sets PG_DIR, PG_PORT, PG_PID and exports RUNWATCH_TEST_POSTGRES_URL) and pg_stop.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local bin
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/runwatch-pg.XXXXXX)
  chmod 700 "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U runwatch --auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # Throw-away: no fsync, loopback and our own socket directory only.
  pg_as_owner "$bin/postgres" -D "$PG_DIR/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$PG_DIR" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=100 >"$PG_DIR/server.log" 2>&1 &
  PG_PID=""
  for _ in $(seq 1 100); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
      PG_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
      break
    fi
    sleep 0.1
  done
  [ -n "$PG_PID" ] || { echo "postgres.sh: the server did not start; its log:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U runwatch runwatch_test
  export RUNWATCH_TEST_POSTGRES_URL="postgresql://runwatch@127.0.0.1:$PG_PORT/runwatch_test"
}

# pg_stop: a fast shutdown by PID (SIGINT), SIGKILL after 10 s, then the directory goes. Safe under `set -e`.
pg_stop() {
  if [ -n "${PG_PID:-}" ]; then
    kill -INT "$PG_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PG_PID" 2>/dev/null || true
  fi
  if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; fi
  PG_PID=""
  PG_DIR=""
}
