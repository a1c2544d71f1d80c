#!/bin/sh
# Starts a THROWAWAY PostgreSQL cluster (Debian's postgresql package) for tests and benchmarks.
#
#   export TIMPORA_PG_URL="$(server/scripts/start-pg.sh)"      # prints only the URL on stdout
#   server/scripts/start-pg.sh stop [dir]                      # stops it and removes the data (default: last started)
#
# The cluster lives under a temp dir, listens on 127.0.0.1:$TIMPORA_PG_PORT (default 55432) with trust
# authentication for local connections only, and runs as the `postgres` OS user when started by root.
set -eu

PORT="${TIMPORA_PG_PORT:-55432}"
STATE_FILE="${TMPDIR:-/tmp}/timpora-pg.last"

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "start-pg: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = "stop" ]; then
  DIR="${2:-$(cat "$STATE_FILE" 2>/dev/null || true)}"
  if [ -n "$DIR" ] && [ -d "$DIR/data" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    rm -rf "$DIR"
    echo "start-pg: stopped and removed $DIR" >&2
  fi
  exit 0
fi

DIR="$(mktemp -d "${TMPDIR:-/tmp}/timpora-pg.XXXXXX")"
chmod 755 "$DIR"
if [ "$(id -u)" = "0" ]; then chown postgres "$DIR"; fi

as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2
  exit 1
}
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c fsync=on -c max_connections=200" start >&2 || {
  cat "$DIR/server.log" >&2
  exit 1
}
echo "$DIR" >"$STATE_FILE"
echo "start-pg: PostgreSQL running from $DIR on port $PORT (stop: server/scripts/start-pg.sh stop $DIR)" >&2
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
