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
SERVER_THREADS=3
. "$(dirname "$0")/lib.sh" || exit 1

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

# suite LABEL DB: the whole set of checks against one database.
suite() {
    local L=$1 db=$2 log="$TMP/serve-$1.log" code name
    if "$CAIRN" init --db "$db" > /dev/null 2> "$TMP/init.err"; then
        ok "$L: cairn init"
    else
        not_ok "$L: cairn init"; sed 's/^/# /' "$TMP/init.err"
    fi
    if "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 200 > /dev/null 2> "$TMP/demo.err"; then
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
    BASE="http://127.0.0.1:$PORT"

    code=$(http "$BASE/healthz")
    check "$L: GET /healthz is 200" [ "$code" = 200 ]
    check "$L: GET /healthz says ok" [ "$(cat "$TMP/body")" = ok ]
    check "$L: /healthz is text/plain" has_header Content-Type 'text/plain'

    local jar="$TMP/jar-$L"
    code=$(http "$BASE/")
    check "$L: GET / without signing in is 303 to /login" \
        bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /login'"
    code=$(sign_in "$jar" servetest "serve test password")
    check "$L: signing in is 303" [ "$code" = 303 ]

    code=$(http "$BASE/programmes" -b "$jar")
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

    code=$(http "$BASE/programmes" -I -b "$jar")
    check "$L: HEAD / is 200" [ "$code" = 200 ]

    code=$(http "$BASE/assets/cairn.css")
    check "$L: GET /assets/cairn.css is 200" [ "$code" = 200 ]
    check "$L: the stylesheet is text/css" has_header Content-Type 'text/css'
    check "$L: the stylesheet is not empty" test -s "$TMP/body"

    code=$(http "$BASE/no/such/page")
    check "$L: unknown path is 404" [ "$code" = 404 ]
    check "$L: the 404 page is HTML with the security headers" \
        bash -c "grep -q '<main' '$TMP/body' && tr -d '\r' < '$TMP/headers' | grep -qi '^X-Frame-Options: DENY'"
    code=$(http "$BASE/assets/nothing.css")
    check "$L: unknown asset is 404" [ "$code" = 404 ]

    code=$(http "$BASE/" -X POST --data 'a=1')
    check "$L: POST / is 405" [ "$code" = 405 ]
    check "$L: the 405 says which methods are allowed" has_header Allow 'GET, HEAD'
    code=$(http "$BASE/healthz" -X DELETE)
    check "$L: DELETE /healthz is 405" [ "$code" = 405 ]

    local gets
    gets=$(grep -c ' GET /programmes 200 ' "$log")
    code=$(http "$BASE/programmes?learner=Secret-Name-42" -b "$jar")
    check "$L: a query string does not change /programmes" [ "$code" = 200 ]
    # the access line is written when the response has gone out: wait
    # (bounded) for this request's line before reading the log
    wait_for bash -c "[ \$(grep -c ' GET /programmes 200 ' '$log') -gt $gets ]"
    check "$L: the access log has a line per request (method, path, status, ms)" \
        grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z req=[0-9]+ GET /healthz 200 [0-9.]+ms' "$log"
    check "$L: the access log records 404 and 405" \
        bash -c "grep -q ' GET /no/such/page 404 ' '$log' && grep -q ' POST / 405 ' '$log'"
    check "$L: the access log leaves out query strings" bash -c "! grep -q 'Secret-Name-42' '$log'"

    # A second server on the same port is refused with a clear message.
    "$CAIRN" serve --db "$db" --listen "127.0.0.1:$PORT" --score-at off > /dev/null 2> "$TMP/second.err"
    code=$?
    check "$L: a second server on the same port exits non-zero" [ "$code" -ne 0 ]
    check "$L: ...saying the address is in use" grep -q "already in use" "$TMP/second.err"

    stop_server 5
    check "$L: SIGTERM stops the server within 5 s with status 0 (got $STOP_STATUS)" \
        [ "$STOP_STATUS" = 0 ]
    check "$L: the server logs that it stopped" grep -q "stopped" "$log"
    code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$BASE/healthz" 2>/dev/null)
    check "$L: nothing answers after the stop" [ "$code" = 000 ]
}

# ---- run ----------------------------------------------------------------------

need_cairn
need_curl

# Bad listen addresses are refused before anything starts.
for bad in "127.0.0.1:99999" "127.0.0.1" "example.invalid:8080" "::1:8080" "[::1]:0"; do
    timeout 10 "$CAIRN" serve --db "$TMP/bad.db" --listen "$bad" > /dev/null 2> "$TMP/bad.err"
    code=$?
    check "refuses --listen \"$bad\" (exit $code) with a message naming the listen address" \
        bash -c "[ $code -ne 0 ] && [ $code -ne 124 ] && grep -qi 'listen address' '$TMP/bad.err'"
done

suite sqlite "$TMP/t.db"

if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_serve_$$"; then
    suite postgres "$PG_URL"
fi

done_testing
