#!/bin/bash
# tests/cli/test_serve.sh — `cairn serve` end to end.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_serve.sh      (from the repository root)
#
# Creates a demo school and an account, starts the server on a free port,
# checks the health check, that the start page needs a session, signs in
# (tests/cli/test_user_cli.sh tests that part in depth), the start page
# (content and security headers), the stylesheet,
# 404 / 405, the access log, refusal of bad listen addresses, and that
# SIGTERM stops it with status 0.  Runs on SQLite, and on PostgreSQL too when
# CAIRN_TEST_PG names a test server (see scripts/pg-test.sh).
#
# Prints one "ok - ..." / "not ok - ..." line per check and ends with
# "N passed, M failed"; exits non-zero if anything failed.  Needs curl.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/cairn-serve.XXXXXX)
SERVER_PID=""
PG_DB=""
PSQL=""

ok()     { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: ok if the command succeeds.
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

finish() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ -n "$PG_DB" ] && [ -n "$PSQL" ]; then
        "$PSQL" -q "$CAIRN_TEST_PG" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
    fi
    rm -rf "$TMP"
}
trap finish EXIT

# http_get URL [curl options...]: body to $TMP/body, headers to $TMP/headers,
# prints the status code ("000" when there was no answer).
http_get() {
    local url=$1; shift
    curl -s --max-time 10 -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' "$@" "$url" 2>/dev/null
}

# has_header NAME VALUE-REGEX: the last response carried that header.
has_header() {
    tr -d '\r' < "$TMP/headers" | grep -qiE "^$1: $2"
}

# html_escape: the text on stdin as the page writes it.
html_escape() {
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

# A programme name from the database at $1: from `cairn export programmes`,
# falling back to the sqlite3 shell.  Prints nothing if neither works.
programme_name() {
    local db=$1 name=""
    if "$CAIRN" export --db "$db" programmes > "$TMP/programmes.csv" 2>/dev/null; then
        name=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "name") c = i; next }
                        c && $c != "" && $c !~ /"/ { print $c; exit }' "$TMP/programmes.csv")
    fi
    if [ -z "$name" ] && [ -f "$db" ] && command -v sqlite3 >/dev/null 2>&1; then
        name=$(sqlite3 "$db" "SELECT name FROM programme ORDER BY id LIMIT 1" 2>/dev/null)
    fi
    printf '%s' "$name"
}

# start_server DB LOG: start `cairn serve` on a free port in 20000-29999;
# sets SERVER_PID and PORT and waits (bounded) until /healthz answers 200.
# Returns non-zero if it never became ready.
start_server() {
    local db=$1 log=$2 attempt i code
    for attempt in 1 2 3 4 5 6 7 8; do
        PORT=$((20000 + (RANDOM % 10000)))
        "$CAIRN" serve --db "$db" --listen "127.0.0.1:$PORT" --threads 3 2> "$log" &
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

# stop_server: SIGTERM, then wait up to 5 s; sets STOP_STATUS ("timeout"
# if it had to be killed).
stop_server() {
    local i
    STOP_STATUS=timeout
    kill -TERM "$SERVER_PID" 2>/dev/null
    for i in $(seq 1 50); do
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

# suite LABEL DB: the whole set of checks against one database.
suite() {
    local L=$1 db=$2 log="$TMP/serve-$1.log" code name
    if "$CAIRN" init --db "$db" > /dev/null 2> "$TMP/init.err"; then
        ok "$L: cairn init"
    else
        not_ok "$L: cairn init"; sed 's/^/# /' "$TMP/init.err"
    fi
    if "$CAIRN" demo --db "$db" --learners 200 > /dev/null 2> "$TMP/demo.err"; then
        ok "$L: cairn demo --learners 200"
    else
        not_ok "$L: cairn demo --learners 200"; sed 's/^/# /' "$TMP/demo.err" | tail -5
    fi
    name=$(programme_name "$db")
    if printf 'serve test password\n' | CAIRN_PWHASH_FAST=1 "$CAIRN" user add servetest \
           --role school_leader --password-stdin --db "$db" > /dev/null 2> "$TMP/user.err"; then
        ok "$L: cairn user add servetest"
    else
        not_ok "$L: cairn user add servetest"; sed 's/^/# /' "$TMP/user.err"
    fi

    if ! start_server "$db" "$log"; then
        not_ok "$L: server starts and /healthz answers 200"
        sed 's/^/# /' "$log" | tail -20
        return
    fi
    ok "$L: server starts and /healthz answers 200 (port $PORT)"
    local base="http://127.0.0.1:$PORT"

    code=$(http_get "$base/healthz")
    check "$L: GET /healthz is 200" [ "$code" = 200 ]
    check "$L: GET /healthz says ok" [ "$(cat "$TMP/body")" = ok ]
    check "$L: /healthz is text/plain" has_header Content-Type 'text/plain'

    local jar="$TMP/jar-$L" token
    code=$(http_get "$base/")
    check "$L: GET / without signing in is 303 to /login" \
        bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /login'"
    http_get "$base/login" -c "$jar" -b "$jar" > /dev/null
    token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/body" | head -1)
    code=$(http_get "$base/login" -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
           --data-urlencode "username=servetest" --data-urlencode "password=serve test password")
    check "$L: signing in is 303" [ "$code" = 303 ]

    code=$(http_get "$base/programmes" -b "$jar")
    check "$L: GET / is 200" [ "$code" = 200 ]
    check "$L: / is text/html" has_header Content-Type 'text/html; charset=utf-8'
    check "$L: / has Content-Security-Policy default-src 'self'" \
        has_header Content-Security-Policy "default-src 'self'"
    check "$L: / CSP allows no inline script" \
        bash -c "! tr -d '\r' < '$TMP/headers' | grep -i '^Content-Security-Policy:' | grep -q unsafe-inline"
    check "$L: / has X-Content-Type-Options nosniff" has_header X-Content-Type-Options nosniff
    check "$L: / has Referrer-Policy no-referrer" has_header Referrer-Policy no-referrer
    check "$L: / has X-Frame-Options DENY" has_header X-Frame-Options DENY
    check "$L: / has Cache-Control no-store" has_header Cache-Control no-store
    check "$L: / is an HTML5 page with lang and a main landmark" \
        bash -c "grep -q '^<!DOCTYPE html>' '$TMP/body' && grep -q '<html lang=\"en\">' '$TMP/body' && grep -q '<main' '$TMP/body'"
    if [ -n "$name" ]; then
        check "$L: / lists the demo programme \"$name\"" \
            grep -qF "$(printf '%s' "$name" | html_escape)" "$TMP/body"
    else
        not_ok "$L: / lists a demo programme (could not read a programme name from the database)"
    fi
    check "$L: / shows active learner counts" grep -q 'Active learners' "$TMP/body"
    check "$L: / has no inline script" bash -c "! grep -qi '<script' '$TMP/body'"

    code=$(http_get "$base/programmes" -I -b "$jar")
    check "$L: HEAD / is 200" [ "$code" = 200 ]

    code=$(http_get "$base/assets/cairn.css")
    check "$L: GET /assets/cairn.css is 200" [ "$code" = 200 ]
    check "$L: the stylesheet is text/css" has_header Content-Type 'text/css'
    check "$L: the stylesheet is not empty" test -s "$TMP/body"

    code=$(http_get "$base/no/such/page")
    check "$L: unknown path is 404" [ "$code" = 404 ]
    check "$L: the 404 page is HTML with the security headers" \
        bash -c "grep -q '<main' '$TMP/body' && tr -d '\r' < '$TMP/headers' | grep -qi '^X-Frame-Options: DENY'"
    code=$(http_get "$base/assets/nothing.css")
    check "$L: unknown asset is 404" [ "$code" = 404 ]

    code=$(http_get "$base/" -X POST --data 'a=1')
    check "$L: POST / is 405" [ "$code" = 405 ]
    check "$L: the 405 says which methods are allowed" has_header Allow 'GET, HEAD'
    code=$(http_get "$base/healthz" -X DELETE)
    check "$L: DELETE /healthz is 405" [ "$code" = 405 ]

    code=$(http_get "$base/programmes?learner=Secret-Name-42" -b "$jar")
    check "$L: a query string does not change /programmes" [ "$code" = 200 ]
    sleep 0.2   # the access line is written when the response has gone out
    check "$L: the access log has a line per request (method, path, status, ms)" \
        grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z req=[0-9]+ GET /healthz 200 [0-9.]+ms' "$log"
    check "$L: the access log records 404 and 405" \
        bash -c "grep -q ' GET /no/such/page 404 ' '$log' && grep -q ' POST / 405 ' '$log'"
    check "$L: the access log leaves out query strings" bash -c "! grep -q 'Secret-Name-42' '$log'"

    # A second server on the same port is refused with a clear message.
    "$CAIRN" serve --db "$db" --listen "127.0.0.1:$PORT" > /dev/null 2> "$TMP/second.err"
    code=$?
    check "$L: a second server on the same port exits non-zero" [ "$code" -ne 0 ]
    check "$L: ...saying the address is in use" grep -q "already in use" "$TMP/second.err"

    stop_server
    check "$L: SIGTERM stops the server within 5 s with status 0 (got $STOP_STATUS)" \
        [ "$STOP_STATUS" = 0 ]
    check "$L: the server logs that it stopped" grep -q "stopped" "$log"
    code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$base/healthz" 2>/dev/null)
    check "$L: nothing answers after the stop" [ "$code" = 000 ]
}

# ---- run ----------------------------------------------------------------------

if [ ! -x "$CAIRN" ]; then
    not_ok "CAIRN=$CAIRN is not an executable (build it with make)"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
    not_ok "curl is not installed (make deps installs it)"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi

# Bad listen addresses are refused before anything starts.
for bad in "127.0.0.1:99999" "127.0.0.1" "example.invalid:8080" "::1:8080" "[::1]:0"; do
    timeout 10 "$CAIRN" serve --db "$TMP/bad.db" --listen "$bad" > /dev/null 2> "$TMP/bad.err"
    code=$?
    check "refuses --listen \"$bad\" (exit $code) with a message naming the listen address" \
        bash -c "[ $code -ne 0 ] && [ $code -ne 124 ] && grep -qi 'listen address' '$TMP/bad.err'"
done

suite sqlite "$TMP/t.db"

if [ -n "${CAIRN_TEST_PG:-}" ]; then
    PSQL=$(command -v psql 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
    PG_DB="cairn_serve_$$"
    if [ -z "$PSQL" ] || [ ! -x "$PSQL" ]; then
        not_ok "postgres: psql not found (needed to create a test database)"
        PG_DB=""
    elif ! "$PSQL" -q "$CAIRN_TEST_PG" -c "CREATE DATABASE $PG_DB" >/dev/null 2>"$TMP/pg.err"; then
        not_ok "postgres: create database $PG_DB: $(head -1 "$TMP/pg.err")"
        PG_DB=""
    else
        suite postgres "$(printf '%s' "$CAIRN_TEST_PG" | sed "s|/postgres?|/$PG_DB?|")"
    fi
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
