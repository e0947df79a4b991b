#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL server:
#   scripts/with-postgres.sh swift test
# Installs the server with apt when missing, initialises a cluster in a temporary
# directory (as the `postgres` user: initdb refuses root), starts it on a free port on
# 127.0.0.1, exports TAU_TEST_DATABASE_URL (a superuser that may create databases) and
# TAU_TEST_POSTGRES_BIN / TAU_TEST_POSTGRES_DATA (so tests can stop and restart it), runs
# the command, and removes everything afterwards, whatever the command's outcome.
set -euo pipefail

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

bin="$(find_bin)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "Installing PostgreSQL (tests only) ..." >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  bin="$(find_bin)"
fi

as_postgres() {
  if [ "$(id -un)" = "postgres" ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}

run_as=postgres
[ "$(id -u)" -eq 0 ] || run_as="$(id -un)"
root="$(mktemp -d /tmp/tau-postgres.XXXXXX)"
chmod 755 "$root"
[ "$run_as" = postgres ] && chown postgres: "$root"
data="$root/data"

cleanup() {
  as_postgres "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
as_postgres "$bin/initdb" -D "$data" -U tau --auth=trust -E UTF8 --no-locale >"$root/initdb.log" 2>&1 || {
  cat "$root/initdb.log" >&2
  exit 1
}
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_postgres "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 start >/dev/null || {
  cat "$root/server.log" >&2
  exit 1
}

export TAU_TEST_DATABASE_URL="postgres://tau@127.0.0.1:$port/postgres?sslmode=disable"
export TAU_TEST_POSTGRES_BIN="$bin"
export TAU_TEST_POSTGRES_DATA="$data"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for this run" >&2
set +e
"$@"
status=$?
set -e
exit $status
