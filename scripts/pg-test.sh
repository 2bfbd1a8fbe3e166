#!/bin/sh
# scripts/pg-test.sh — a throwaway PostgreSQL cluster for the tests.
#
#   export CAIRN_TEST_PG="$(scripts/pg-test.sh start)"      # new dir under /tmp
#   export CAIRN_TEST_PG="$(scripts/pg-test.sh start DIR)"  # DIR must be new or empty
#   scripts/pg-test.sh stop [DIR]    # stop the server and remove DIR; without
#                                    # DIR, the one named by host= in $CAIRN_TEST_PG
#   scripts/pg-test.sh url [DIR]     # print the admin URL of a running cluster
#
# start prints one line on stdout, the admin URL:
#   postgresql://postgres@/postgres?host=DIR&port=PORT
# Everything else goes to stderr; the server log is DIR/server.log.
#
# The cluster listens only on a Unix socket in DIR (no TCP), trusts every
# local user as "postgres", and trades durability for speed (fsync off).
# PORT only names the socket file, so clusters in different DIRs never
# collide; it is 54329 unless CAIRN_PG_PORT says otherwise.
#
# initdb and postgres refuse to run as root.  As root (CI) DIR is given to
# the `postgres` system user and the server commands run through runuser.
# Binaries: the highest /usr/lib/postgresql/*/bin (Debian), else PATH.
set -eu

die() { echo "pg-test.sh: $*" >&2; exit 1; }

find_bin() {
    BIN=$(for d in /usr/lib/postgresql/*/bin; do
              if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then printf '%s\n' "$d"; fi
          done | sort -V | tail -n 1)
    if [ -z "$BIN" ]; then
        p=$(command -v initdb 2>/dev/null || true)
        if [ -z "$p" ] && command -v pg_config >/dev/null 2>&1; then
            p="$(pg_config --bindir)/initdb"
        fi
        if [ -z "$p" ] || [ ! -x "$p" ]; then
            die "cannot find initdb: install PostgreSQL (Debian: apt-get install postgresql)"
        fi
        BIN=$(dirname "$p")
    fi
}

# Run a server command as the right user, from a directory it can read.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$DIR" && runuser -u postgres -- "$@")
    else
        (cd "$DIR" && "$@")
    fi
}

dir_from_env() {
    [ -n "${CAIRN_TEST_PG:-}" ] || die "no DIR given and CAIRN_TEST_PG is not set"
    d=$(printf '%s\n' "$CAIRN_TEST_PG" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
    [ -n "$d" ] || die "cannot find host= in CAIRN_TEST_PG ($CAIRN_TEST_PG)"
    printf '%s\n' "$d"
}

url_of() {
    port=$(sed -n 's/^port = \([0-9]*\).*/\1/p' "$1/data/postgresql.auto.conf" 2>/dev/null | tail -n 1)
    [ -n "$port" ] || port=$(cat "$1/port" 2>/dev/null || true)
    [ -n "$port" ] || die "$1 does not hold a cluster made by pg-test.sh"
    printf 'postgresql://postgres@/postgres?host=%s&port=%s\n' "$1" "$port"
}

cmd=${1:-}
case "$cmd" in
start)
    find_bin
    PORT=${CAIRN_PG_PORT:-54329}
    if [ $# -ge 2 ]; then
        DIR=$2
        mkdir -p "$DIR"
        [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty"
        DIR=$(cd "$DIR" && pwd -P)
    else
        DIR=$(mktemp -d /tmp/cairn-pg.XXXXXX)
    fi
    # The socket path (DIR/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
    [ ${#DIR} -le 90 ] || die "$DIR is too long a path for a Unix socket; use a shorter DIR"
    case "$DIR" in *[!A-Za-z0-9/._-]*) die "DIR may hold only letters, digits and / . _ - ($DIR)";; esac
    chmod 755 "$DIR"
    : > "$DIR/.cairn-pg-test"
    echo "$PORT" > "$DIR/port"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (install Debian's postgresql package)"
        chown -R postgres: "$DIR"
        runuser -u postgres -- test -x "$DIR" ||
            die "user postgres cannot reach $DIR: make its parent directories traversable (chmod o+x) or use a DIR under /tmp"
    fi
    as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
        >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed (log above)"; }
    cat >>"$DIR/data/postgresql.auto.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$DIR'
port = $PORT
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 300
shared_buffers = 64MB
max_wal_size = 1GB
EOF
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null 2>&1 || {
        cat "$DIR/server.log" >&2 2>/dev/null || true
        die "the server did not start (log above; cluster left in $DIR)"
    }
    url_of "$DIR"
    ;;
stop)
    if [ $# -ge 2 ]; then DIR=$2; else DIR=$(dir_from_env); fi
    [ -d "$DIR" ] || die "$DIR does not exist"
    [ -e "$DIR/.cairn-pg-test" ] || die "$DIR was not made by pg-test.sh; not touching it"
    find_bin
    if [ -f "$DIR/data/postmaster.pid" ]; then
        as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 ||
            echo "pg-test.sh: pg_ctl stop failed; removing $DIR anyway" >&2
    fi
    rm -rf "$DIR"
    ;;
url)
    if [ $# -ge 2 ]; then DIR=$2; else DIR=$(dir_from_env); fi
    url_of "$DIR"
    ;;
*)
    sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0" >&2
    exit 2
    ;;
esac
