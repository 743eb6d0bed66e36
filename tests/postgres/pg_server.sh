#!/bin/sh
# A private PostgreSQL 15 server for the tests, the benchmark and `./setup.sh demo centre`:
#
#   pg_server.sh start DIR    initdb DIR/data (once), then start it on a Unix socket in DIR only
#   pg_server.sh stop DIR     stop it (fast shutdown); DIR stays
#   pg_server.sh url DIR [DB] the connection string the program takes ("postgresql://postgres@/DB?host=DIR")
#
# No TCP port is opened and the distribution's own cluster is never touched. initdb and postgres
# refuse to run as root, so as root the server runs as the `postgres` user (the Debian package
# creates it) and DIR is given to that user. Keep DIR short: a Unix socket path has at most 107
# bytes (DIR + "/.s.PGSQL.5432").
set -eu
command=${1:?usage: pg_server.sh start|stop|url DIR [DB]}
dir=${2:?usage: pg_server.sh start|stop|url DIR [DB]}
bin=${ONEWINDOW_PG_BIN:-/usr/lib/postgresql/15/bin}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
    start)
        if [ ! -x "$bin/initdb" ]; then
            echo "pg_server.sh: $bin/initdb is missing: install the Debian package postgresql-15" >&2
            exit 1
        fi
        mkdir -p "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
        if [ ! -f "$dir/data/PG_VERSION" ]; then
            as_postgres "$bin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 \
                >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        fi
        if [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
            exit 0  # already running
        fi
        # 100 connections: 20 counters of the centre benchmark, each with a few threads.
        as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir -c listen_addresses= -c max_connections=200 -c synchronous_commit=on" \
            start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 1; }
        ;;
    stop)
        if [ -f "$dir/data/postmaster.pid" ]; then
            as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
        fi
        ;;
    url)
        echo "postgresql://postgres@/${3:-postgres}?host=$dir"
        ;;
    *)
        echo "usage: pg_server.sh start|stop|url DIR [DB]" >&2
        exit 64
        ;;
esac
