#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the bench: in a folder of its own, on a free
# port of 127.0.0.1 only, with password authentication over TCP (so a wrong password is refused).
# The URL's user, `viewership`, owns the database `viewership` and is no superuser (syncs run with
# the privileges docs/postgres.md asks for); it may create roles, for the docs' GRANT examples.
#
#   scripts/pg-throwaway.sh start DIR [--fast]   prints the URL: postgres://viewership:…@127.0.0.1:PORT/viewership
#   scripts/pg-throwaway.sh stop DIR             stops the cluster and removes DIR
#
# DIR must not exist yet. As root, the server runs as the `postgres` user (PostgreSQL refuses to
# run as root). --fast turns durability off (fsync, synchronous_commit, full_page_writes): for
# tests, whose clusters are thrown away; the bench leaves it on to measure what users get.
set -euo pipefail

bindir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "pg-throwaway: no PostgreSQL server binaries (apt-get install -y postgresql)" >&2
    exit 3
  fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || {
  echo "usage: $0 start|stop DIR [--fast]" >&2
  exit 2
}

case "$cmd" in
start)
  bin=$(bindir)
  mkdir "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  secret=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  umask 077
  printf '%s\n' "$secret" >"$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=60"
  if [ "${3:-}" = "--fast" ]; then
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port $settings" start >/dev/null 2>&1; then
      break
    fi
    [ "$attempt" = 5 ] && {
      cat "$dir/server.log" >&2
      exit 1
    }
  done
  psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres)
  as_owner "${psql[@]}" -c "CREATE ROLE viewership LOGIN CREATEROLE PASSWORD '$secret'" \
    -c "CREATE DATABASE viewership OWNER viewership" >/dev/null
  echo "$port" >"$dir/port"
  echo "postgres://viewership:$secret@127.0.0.1:$port/viewership"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    bin=$(bindir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR [--fast]" >&2
  exit 2
  ;;
esac
