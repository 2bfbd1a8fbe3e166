# tests/cli/lib.sh — what the command-line and server tests share.
#
# Sourced by tests/cli/test_*.sh, from the repository root:
#
#   . "$(dirname "$0")/lib.sh" || exit 1
#
# Not a test itself (its name does not start with test_).  On sourcing it
# sets PASSED=0 FAILED=0, makes a temporary directory $TMP and removes it at
# exit, together with a server still running (SERVER_PID) and a PostgreSQL
# test database made by pg_create_db (PG_DB) and an SMTP server (SMTP_PID).
#
#   ok / not_ok / check     TAP-style "ok - ..." / "not ok - ..." lines
#   done_testing            the last line "N passed, M failed"; exits 1 if any failed
#   need_cairn / need_curl  stop (one failed check) without $CAIRN or curl
#   http / has_header / csrf_of / sign_in        one request with curl
#   pick_port / start_server / stop_server       `cairn serve` on a free port
#   serve_or_stop           start_server, one check, stop the test if it fails
#   pg_create_db            a fresh database on the $CAIRN_TEST_PG server
#   need_smtp_sink / smtp_listen / smtp_start / smtp_stop   a local SMTP server
#   mails / mails_at_least  the messages it received;  wait_for   poll a condition
# shellcheck shell=bash

PASSED=0
FAILED=0
SERVER_PID=""
SMTP_PID=""
PG_DB=""
PSQL=""

# ---- counting -------------------------------------------------------------------

ok()     { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: ok if the command succeeds.
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# done_testing: print "N passed, M failed" and exit, non-zero if anything failed.
done_testing() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ] && exit 0
    exit 1
}

# need_cairn: $CAIRN must be an executable, else one failed check and stop.
need_cairn() {
    if [ -z "${CAIRN:-}" ] || [ ! -x "$CAIRN" ]; then
        not_ok "CAIRN=${CAIRN:-} is not an executable (build it with make)"
        done_testing
    fi
}
# need_curl: curl must be installed, else one failed check and stop.
need_curl() {
    if ! command -v curl >/dev/null 2>&1; then
        not_ok "curl is not installed (make deps installs it)"
        done_testing
    fi
}

# ---- the temporary directory and the cleanup at exit ------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cairn-$(basename "$0" .sh | sed 's/^test_//').XXXXXX")

lib_cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        stop_server
    fi
    smtp_stop
    if [ -n "$PG_DB" ] && [ -n "$PSQL" ]; then
        "$PSQL" -q "$CAIRN_TEST_PG" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1
    fi
    # KEEP_TMP=1 keeps the folder (the server's log, with any sanitizer report)
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap lib_cleanup EXIT

# ---- HTTP ---------------------------------------------------------------------------

# http URL [curl options...]: body to $TMP/body, headers to $TMP/headers;
# prints the status code ("000" when there was no answer).
http() {
    local url=$1; shift
    curl -s --max-time 20 -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' "$@" "$url" 2>/dev/null
}
# has_header NAME VALUE-REGEX: the last response carried that header.
has_header() { tr -d '\r' < "$TMP/headers" | grep -qiE "^$1: $2"; }
# csrf_of: the csrf field of the page in $TMP/body.
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/body" | head -1; }

# sign_in JAR USER PASSWORD [curl options...]: fetch the sign-in form of the
# server at $BASE into the cookie jar JAR and post it with its CSRF token;
# prints the status of the POST (its body and headers are kept).
sign_in() {
    local jar=$1 user=$2 pw=$3 token; shift 3
    http "$BASE/login" -c "$jar" -b "$jar" "$@" > /dev/null
    token=$(csrf_of)
    http "$BASE/login" -X POST -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
        --data-urlencode "username=$user" --data-urlencode "password=$pw" "$@"
}

# ---- a school ------------------------------------------------------------------------

# scored_demo_school DB LEARNERS: `cairn init`, a demo school of LEARNERS
# learners on 2025-03-14, scored that day, and the demo accounts (their
# passwords in $TMP/setup.out, errors in $TMP/setup.err); non-zero when a
# step failed.
scored_demo_school() {
    { "$CAIRN" init --db "$1" &&
      "$CAIRN" demo --db "$1" --today 2025-03-14 --learners "$2" &&
      "$CAIRN" score --db "$1" --asof 2025-03-14 &&
      "$CAIRN" user demo-accounts --db "$1"; } > "$TMP/setup.out" 2> "$TMP/setup.err"
}

# ---- the server ---------------------------------------------------------------------

# pick_port: a port in 20000-29999 into PORT (start_server tries another one
# if it is taken).
pick_port() { PORT=$((20000 + (RANDOM % 10000))); }

# start_server DB LOG [serve options...]: start `cairn serve` (SERVER_THREADS
# threads, 2 unless set; --score-at SERVER_SCORE_AT, "off" unless set, so
# the scores a test made for its fixed days stay the latest) on a free port; sets SERVER_PID and PORT and waits
# (bounded) until /healthz answers 200.  Returns non-zero if it never became
# ready.
start_server() {
    local db=$1 log=$2 attempt i code; shift 2
    for attempt in 1 2 3 4 5 6 7 8; do
        pick_port
        "$CAIRN" serve --db "$db" --listen "127.0.0.1:$PORT" --threads "${SERVER_THREADS:-2}" \
            --score-at "${SERVER_SCORE_AT:-off}" "$@" 2> "$log" &
        SERVER_PID=$!
        for i in $(seq 1 200); do                        # up to ~20 s (ASan is slow)
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
            code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' \
                   "http://127.0.0.1:$PORT/healthz" 2>/dev/null)
            [ "$code" = 200 ] && return 0
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then       # alive but never ready
            return 1
        fi
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=""
        grep -q "already in use" "$log" || return 1      # a real failure
    done
    return 1
}

# serve_or_stop DB: start_server DB (log in $TMP/serve.log) and say so with
# one check; when it does not start, show the end of its log and stop the
# test (done_testing).  Sets BASE to the server's address.
serve_or_stop() {
    if ! start_server "$1" "$TMP/serve.log"; then
        not_ok "server starts"; sed 's/^/# /' "$TMP/serve.log" | tail -10
        done_testing
    fi
    ok "server starts (port $PORT)"
    BASE="http://127.0.0.1:$PORT"
}

# stop_server [SECONDS]: SIGTERM, then wait up to SECONDS (30 unless given:
# generous, as an ASan server beside another test on a busy machine may be
# slow to stop; the wait ends as soon as it has); sets STOP_STATUS (the
# exit status, or "timeout" if it had to be killed).
stop_server() {
    local i
    STOP_STATUS=timeout
    kill -TERM "$SERVER_PID" 2>/dev/null
    for i in $(seq 1 $((${1:-30} * 10))); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID"
            STOP_STATUS=$?
            SERVER_PID=""
            return
        fi
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
}

# ---- PostgreSQL ---------------------------------------------------------------------

# pg_create_db NAME: create database NAME on the server $CAIRN_TEST_PG names
# (dropped at exit); sets PG_DB and PG_URL, and CAIRN_KEY_FILE to a keyring in $TMP.  On failure one failed check and
# a non-zero status.
pg_create_db() {
    PSQL=$(command -v psql 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
    PG_DB=$1
    if [ -z "$PSQL" ] || [ ! -x "$PSQL" ]; then
        not_ok "postgres: psql not found (needed to create a test database)"
        PG_DB=""
        return 1
    fi
    if ! "$PSQL" -q "$CAIRN_TEST_PG" -c "CREATE DATABASE $PG_DB" >/dev/null 2>"$TMP/pg.err"; then
        not_ok "postgres: create database $PG_DB: $(head -1 "$TMP/pg.err")"
        PG_DB=""
        return 1
    fi
    PG_URL=$(printf '%s\n' "$CAIRN_TEST_PG" |
             sed "s|^\(postgres[a-z]*://[^/?#]*\)/[^?#]*|\1/$PG_DB|; t; s|^\(postgres[a-z]*://[^/?#]*\)|\1/$PG_DB|")
    # The keyring of sealed text (support/sealed.h, docs/deploy.md "The key").
    export CAIRN_KEY_FILE="$TMP/$PG_DB.key"
}

# ---- mail: a local SMTP server (tests/cli/smtp_sink.py, python3-aiosmtpd) -----------

# need_smtp_sink: a python3 with aiosmtpd (Debian's, even behind a pyenv)
# into PY, else one failed check and stop; SINK the server's script, MAILDIR
# ($TMP/mail) where it writes each message it receives as a .eml file.
need_smtp_sink() {
    local p
    PY=""
    for p in python3 /usr/bin/python3; do
        if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
    done
    if [ -z "$PY" ]; then
        not_ok "python3-aiosmtpd is not installed (scripts/deps.sh check installs it)"
        done_testing
    fi
    SINK=$(dirname "${BASH_SOURCE[0]}")/smtp_sink.py
    MAILDIR="$TMP/mail"
}

# smtp_start: the SMTP server on $SPORT, writing to $MAILDIR; sets SMTP_PID
# and waits (bounded) for its "ready" line.  Non-zero when it did not start.
smtp_start() {
    "$PY" "$SINK" "$SPORT" "$MAILDIR" > "$TMP/smtp.out" 2> "$TMP/smtp.err" &
    SMTP_PID=$!
    for _ in $(seq 1 100); do
        grep -q ready "$TMP/smtp.out" 2>/dev/null && return 0
        kill -0 "$SMTP_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# smtp_stop: stop the SMTP server, if one runs (also at exit).
smtp_stop() {
    if [ -n "$SMTP_PID" ]; then kill -TERM "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null; fi
    SMTP_PID=""
}
# smtp_listen: smtp_start on a free port, picked into SPORT (30000-39999,
# five tries); check "listens" with kill -0 "${SMTP_PID:-0}" after it.
smtp_listen() {
    for _ in 1 2 3 4 5; do
        SPORT=$((30000 + RANDOM % 10000))
        smtp_start && return 0
        smtp_stop
    done
    return 1
}

# mails: how many messages the SMTP server received.
mails() { ls "$MAILDIR"/*.eml 2>/dev/null | wc -l; }
# mails_at_least N: at least N received (a condition for wait_for).
mails_at_least() { [ "$(mails)" -ge "$1" ]; }

# wait_for COMMAND...: run it every 0.1 s until it succeeds, at most 30 s.
wait_for() {
    for _ in $(seq 1 300); do "$@" && return 0; sleep 0.1; done
    return 1
}
