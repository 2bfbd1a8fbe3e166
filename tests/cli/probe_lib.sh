# tests/cli/probe_lib.sh — what the probes of tests/cli/test_probe.sh and
# tests/cli/test_probe_case.sh share: a scored demo school with accounts and
# API tokens, a server on it, and the same checks on SQLite and, when
# CAIRN_TEST_PG names a test server, PostgreSQL.  Sourced after lib.sh:
#
#   . "$(dirname "$0")/lib.sh" || exit 1
#   . "$(dirname "$0")/probe_lib.sh" || exit 1
#
#   q DB SQL                one value (or rows) from the database at DB
#   api PATH TOKEN          GET /api/v1PATH with an API token
#   probe_suite LABEL DB CHECKS...   the school in DB, a server, each CHECKS L DB
#   probe_run NAME CHECKS...         probe_suite on SQLite, then on PostgreSQL
# shellcheck shell=bash

# q DB SQL: one value (or rows, |-separated) from the database at DB.
q() {
    case "$1" in
        postgres*) "$PSQL" -qAt "$1" -c "$2" ;;
        *) sqlite3 "$1" "$2" ;;
    esac
}

# api PATH TOKEN [curl options...]: GET $BASE/api/v1PATH with the token.
api() { local path=$1 token=$2; shift 2; http "$BASE/api/v1$path" -H "Authorization: Bearer $token" "$@"; }

# setup_school DB: a demo school scored on two dates of its second year
# (when the demo teacher's groups have learners), the demo accounts and
# API tokens for the teacher, the key worker and the leader in $TMP/*.token.
setup_school() {
    local db=$1
    { "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 200 &&
      "$CAIRN" score --db "$db" --asof 2026-02-13 &&
      "$CAIRN" score --db "$db" --asof 2026-03-13 &&
      "$CAIRN" user demo-accounts --db "$db" &&
      "$CAIRN" user token teacher --name probe --db "$db" > "$TMP/teacher.token" &&
      "$CAIRN" user token keyworker --name probe --db "$db" > "$TMP/keyworker.token" &&
      "$CAIRN" user token leader --name probe --db "$db" > "$TMP/leader.token"; } \
        > "$TMP/setup.out" 2> "$TMP/setup.err"
}

# probe_suite LABEL DB CHECKS...: the school in DB (setup_school), a server
# on it (BASE), then each check function called with LABEL and DB, and the
# server stopped.  Non-zero when the school or the server could not be made.
probe_suite() {
    local L=$1 db=$2 fn; shift 2
    if setup_school "$db"; then
        ok "$L: a scored demo school with accounts and tokens"
    else
        not_ok "$L: a scored demo school with accounts and tokens"
        sed 's/^/# /' "$TMP/setup.err" | tail -5
        return 1
    fi
    if ! start_server "$db" "$TMP/serve-$L.log"; then
        not_ok "$L: server starts"; sed 's/^/# /' "$TMP/serve-$L.log" | tail -10
        return 1
    fi
    ok "$L: server starts (port $PORT)"
    BASE="http://127.0.0.1:$PORT"
    for fn in "$@"; do "$fn" "$L" "$db"; done
    stop_server
}

# probe_run NAME CHECKS...: probe_suite on SQLite ($TMP/NAME.db), then, when
# CAIRN_TEST_PG names a test server, on PostgreSQL (database cairn_NAME_PID).
probe_run() {
    local name=$1; shift
    PSQL=""
    probe_suite sqlite "$TMP/$name.db" "$@"
    if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_${name}_$$"; then
        probe_suite postgres "$PG_URL" "$@"
    fi
}
