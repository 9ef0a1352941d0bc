#!/bin/sh
# A private PostgreSQL cluster for sealcountyd: `start DIR` creates it on first use (initdb into DIR/data, a role and
# database named sealcounty, trust authentication) and starts it listening on a Unix socket in DIR only (no TCP);
# `stop DIR` stops it. PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
set -eu
action=${1:?usage: county-postgres.sh start|stop DIR}
dir=${2:?usage: county-postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "county-postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 69; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
case $action in
start)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -A trust -U sealcounty --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
        fresh=1
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -o "-k $dir -c listen_addresses=''" -l "$dir/postgres.log" -w start >/dev/null
    if [ "${fresh:-0}" = 1 ]; then as_owner "$bin/createdb" -h "$dir" -U sealcounty sealcounty; fi
    echo "PostgreSQL running on $dir/.s.PGSQL.5432"
    ;;
stop)
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*) echo "usage: county-postgres.sh start|stop DIR" >&2; exit 64 ;;
esac
