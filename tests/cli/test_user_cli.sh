#!/bin/bash
# tests/cli/test_user_cli.sh — `cairn user` and signing in through the server.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_user_cli.sh      (from the repository root)
#
# Accounts: add / passwd (and the password policy) / role / disable / enable /
# unlock / list / demo-accounts / token, and the clear errors (exit 1 or 2) for bad input.  Then a real
# server: the start page needs a session, sign-in with the form's CSRF token
# and a cookie jar, CSRF and cross-site refusals, sign-out, wrong passwords
# and `cairn user unlock`, a disabled account, and Secure __Host- cookies behind
# a TLS proxy.  Runs on SQLite, and on PostgreSQL too when CAIRN_TEST_PG
# names a test server (see scripts/pg-test.sh).
#
# CAIRN_PWHASH_FAST=1 is set: weak password hashing for speed, tests only.
#
# Prints one "ok - ..." / "not ok - ..." line per check and ends with
# "N passed, M failed"; exits non-zero if anything failed.  Needs curl.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
export CAIRN_PWHASH_FAST=1
. "$(dirname "$0")/lib.sh" || exit 1

# run EXPECTED-STATUS DESCRIPTION STDIN CMD...: run cairn with STDIN (\n
# escapes allowed) as its input; out/err in $TMP/out, $TMP/err; check the
# exit status.
run() {
    local want=$1 d=$2 input=$3 got; shift 3
    printf '%b' "$input" | "$CAIRN" "$@" > "$TMP/out" 2> "$TMP/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$d (exit $got)"; else
        not_ok "$d (exit $got, expected $want)"; sed 's/^/# /' "$TMP/err" | head -5; fi
}
# says FILE REGEX: the file matches.
says() { grep -qE -- "$2" "$1"; }

# ---- the command line --------------------------------------------------------

cli_suite() {
    local L=$1 db=$2
    run 0 "$L: cairn demo --learners 200" "" demo --db "$db" --today 2026-06-30 --learners 200

    run 0 "$L: user add with --password-stdin" "a long password\n" \
        user add Anna --role teacher --staff S0012 --name "Anna Teacher" --password-stdin --db "$db"
    check "$L: ...says what was added" says "$TMP/out" "user anna added: Anna Teacher, roles teacher, institution DEMO-VET, staff S0012"
    run 0 "$L: user list" "" user list --db "$db"
    check "$L: ...shows the new account, lower-cased, with role and staff link" \
        says "$TMP/out" "^anna +Anna Teacher +teacher +DEMO-VET +S0012 +active"
    run 1 "$L: a taken user name is refused" "a long password\n" \
        user add ANNA --role teacher --password-stdin --db "$db"
    check "$L: ...saying it is taken" says "$TMP/err" 'user name "anna" is taken'
    run 2 "$L: an unknown role is wrong usage" "a long password\n" \
        user add bob --role teachr --password-stdin --db "$db"
    check "$L: ...naming it and listing the roles" says "$TMP/err" 'unknown role "teachr" \(roles: administrator, school_leader'
    run 1 "$L: an unknown staff reference is refused" "a long password\n" \
        user add bob --role teacher --staff S9999 --password-stdin --db "$db"
    check "$L: ...saying which" says "$TMP/err" 'no staff member with the reference "S9999"'
    run 1 "$L: a short password is refused" "short\n" \
        user add bob --role teacher --password-stdin --db "$db"
    check "$L: ...saying how long it must be" says "$TMP/err" "too short: use at least 15"
    # NIST SP 800-63B: no composition rules, but no guessable passwords
    run 1 "$L: a password of one repeated character is refused" "aaaaaaaaaa\n" \
        user add bob --role teacher --password-stdin --db "$db"
    check "$L: ...saying it repeats" says "$TMP/err" 'repeats "a"'
    run 1 "$L: password12 is refused" "password12\n" \
        user add bob --role teacher --password-stdin --db "$db"
    check "$L: ...as a common password" says "$TMP/err" "one of the most common passwords"
    run 1 "$L: a password equal to the user name is refused" "roberta.longname\n" \
        user add roberta.longname --role teacher --password-stdin --db "$db"
    check "$L: ...saying it is the user name" says "$TMP/err" "is your user name"
    run 1 "$L: a password containing the user name is refused" "my name is BOB, hello\n" \
        user add bob --role teacher --password-stdin --db "$db"
    check "$L: ...saying so" says "$TMP/err" 'contains your user name'
    run 1 "$L: a dictionary-based password is refused" "password12345678\n" \
        user add bob --role teacher --password-stdin --db "$db"
    check "$L: ...saying it is easy to guess" says "$TMP/err" "common passwords|easy to guess"
    run 2 "$L: without --password-stdin and no terminal it will not guess" "" \
        user add bob --role teacher --db "$db"
    check "$L: ...and says how to give the password" says "$TMP/err" "password-stdin"
    run 1 "$L: an empty standard input gives no password" "" \
        user add bob --role teacher --password-stdin --db "$db"
    run 2 "$L: add without --role" "a long password\n" user add bob --password-stdin --db "$db"
    run 2 "$L: a password on the command line is not taken" "" \
        user add bob secretpassword --role teacher --db "$db"
    run 1 "$L: a bad user name is refused" "a long password\n" \
        user add "bob smith" --role teacher --password-stdin --db "$db"
    check "$L: ...saying which characters are allowed" says "$TMP/err" "letters a-z, digits"
    run 2 "$L: an unknown action" "" user frobnicate --db "$db"
    run 2 "$L: no action" "" user
    run 0 "$L: cairn help lists user" "" help
    check "$L: ...with its summary" says "$TMP/out" "^  user "
    "$CAIRN" user list --db "$db" > "$TMP/out" 2>&1
    check "$L: ...only anna exists" bash -c "[ \$(grep -c 'DEMO-VET' '$TMP/out') = 1 ]"

    run 0 "$L: user passwd" "a new long password\n" user passwd anna --password-stdin --db "$db"
    check "$L: ...says sessions ended" says "$TMP/out" "sessions were ended"
    run 1 "$L: passwd of an unknown user" "a new long password\n" \
        user passwd nobody --password-stdin --db "$db"
    check "$L: ...says there is no such user" says "$TMP/err" 'there is no user "nobody"'
    run 1 "$L: passwd refuses a common password too" "passwordpassword\n" \
        user passwd anna --password-stdin --db "$db"
    check "$L: ...saying why" says "$TMP/err" 'repeats|common'
    run 0 "$L: a token for anna" "" user token anna --name cli --db "$db"
    run 0 "$L: user passwd keeps tokens" "a fresh long password\n" \
        user passwd anna --password-stdin --db "$db"
    run 0 "$L: ...the list" "" user token list anna --db "$db"
    check "$L: ...still has the token" grep -q ' cli ' "$TMP/out"
    run 0 "$L: user passwd --revoke-tokens" "another fresh password\n" \
        user passwd anna --password-stdin --revoke-tokens --db "$db"
    check "$L: ...says how many tokens it revoked" says "$TMP/out" "sessions were ended and its 1 API token revoked"
    run 0 "$L: ...then the list" "" user token list anna --db "$db"
    check "$L: ...is empty" says "$TMP/out" "^\(no API tokens"
    run 0 "$L: (anna's password back)" "a new long password\n" \
        user passwd anna --password-stdin --db "$db"
    run 0 "$L: user role --add key_worker" "" user role anna --add key_worker --db "$db"
    run 1 "$L: giving a role twice" "" user role anna --add key_worker --db "$db"
    check "$L: ...says it is already there" says "$TMP/err" "already has the role key_worker"
    run 0 "$L: user role --remove teacher" "" user role anna --remove teacher --db "$db"
    run 1 "$L: removing a role it lacks" "" user role anna --remove teacher --db "$db"
    run 2 "$L: --add and --remove together" "" user role anna --add teacher --remove key_worker --db "$db"
    run 2 "$L: role with an unknown role" "" user role anna --add boss --db "$db"
    run 1 "$L: role of an unknown user" "" user role nobody --add teacher --db "$db"
    "$CAIRN" user list --db "$db" > "$TMP/out" 2>&1
    check "$L: list shows the changed roles" says "$TMP/out" "^anna +Anna Teacher +key_worker "
    run 0 "$L: user role --add teacher again" "" user role anna --add teacher --db "$db"
    run 0 "$L: user disable" "" user disable anna --db "$db"
    "$CAIRN" user list --db "$db" > "$TMP/out" 2>&1
    check "$L: list shows it disabled" says "$TMP/out" "^anna .* disabled "
    run 1 "$L: disable an unknown user" "" user disable nobody --db "$db"

    run 0 "$L: user demo-accounts" "" user demo-accounts --db "$db"
    check "$L: ...prints the five accounts with their passwords" bash -c \
        "grep -qE '^  admin +cairn-demo-office +administrator' '$TMP/out' &&
         grep -qE '^  leader +cairn-demo-principal +school_leader +staff S0001' '$TMP/out' &&
         grep -qE '^  keyworker +cairn-demo-counsellor +key_worker +staff S[0-9]+ .*caseload of [1-9] learners' '$TMP/out' &&
         grep -qE '^  teacher +cairn-demo-classroom +teacher +staff S[0-9]+ .*teaches [1-9][0-9]* groups' '$TMP/out' &&
         grep -qE '^  dpo +cairn-demo-privacy +data_protection_officer' '$TMP/out'"
    run 0 "$L: demo-accounts again" "" user demo-accounts --db "$db"
    check "$L: ...leaves them as they are" bash -c "[ \$(grep -c 'already there' '$TMP/out') = 5 ]"
    run 0 "$L: user token" "" user token teacher --name script --days 30 --db "$db"
    check "$L: ...prints a cairn_ token once" says "$TMP/out" "^cairn_[0-9a-f]{64}$"
    run 0 "$L: token without --name or --days" "" user token teacher --db "$db"
    check "$L: ...is named cli and valid 90 days" says "$TMP/err" 'API token "cli" for teacher, valid 90 days'
    run 2 "$L: token --days 367" "" user token teacher --days 367 --db "$db"
    run 2 "$L: token --days 0" "" user token teacher --days 0 --db "$db"
    run 0 "$L: user token list" "" user token list teacher --db "$db"
    check "$L: ...shows both tokens by id, name and expiry" bash -c \
        "grep -qE '^ID +NAME +CREATED +LAST USED +EXPIRES' '$TMP/out' &&
         grep -qE '^[0-9a-f]{12} +script +[0-9-]{10} [0-9:]{5} +- +[0-9-]{10} ' '$TMP/out' &&
         grep -qE '^[0-9a-f]{12} +cli ' '$TMP/out'"
    check "$L: ...and never a secret" bash -c "! grep -q cairn_ '$TMP/out'"
    local tid
    tid=$(awk '$2 == "script" {print $1}' "$TMP/out")
    run 2 "$L: token list with --name" "" user token list teacher --name x --db "$db"
    run 2 "$L: token revoke without an id" "" user token revoke teacher --db "$db"
    run 2 "$L: token frobnicate" "" user token frobnicate teacher --db "$db"
    run 1 "$L: token revoke of another account's token" "" user token revoke keyworker "$tid" --db "$db"
    run 0 "$L: user token revoke" "" user token revoke teacher "$tid" --db "$db"
    run 0 "$L: ...then the list" "" user token list teacher --db "$db"
    check "$L: ...no longer has it" bash -c "! grep -q '^$tid' '$TMP/out' && grep -q ' cli ' '$TMP/out'"
    run 1 "$L: revoking it again" "" user token revoke teacher "$tid" --db "$db"
    check "$L: ...says there is no such token" says "$TMP/err" "there is no token"
    run 2 "$L: --revoke-tokens is for passwd only" "" user list --revoke-tokens --db "$db"
}

# ---- through the server --------------------------------------------------------

server_suite() {
    local L=$1 db=$2 log="$TMP/serve-$1.log" code token sess
    if ! start_server "$db" "$log"; then
        not_ok "$L: server starts"; sed 's/^/# /' "$log" | tail -20; return
    fi
    ok "$L: server starts (port $PORT)"
    BASE="http://127.0.0.1:$PORT"
    local jar="$TMP/jar-$L"
    rm -f "$jar"

    code=$(http "$BASE/")
    check "$L: GET / without a session is 303" [ "$code" = 303 ]
    check "$L: ...to /login" has_header Location "/login"
    code=$(http "$BASE/login" -c "$jar" -b "$jar")
    check "$L: GET /login is 200" [ "$code" = 200 ]
    check "$L: ...sets the pre-sign-in cookie HttpOnly, SameSite=Strict" \
        has_header Set-Cookie "cairn_login=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict"
    check "$L: ...has labelled fields with autocomplete" bash -c \
        "grep -q '<label for=\"username\">' '$TMP/body' && grep -q 'autocomplete=\"username\"' '$TMP/body' &&
         grep -q '<label for=\"password\">' '$TMP/body' && grep -q 'autocomplete=\"current-password\"' '$TMP/body'"
    check "$L: ...and works without JavaScript (a plain POST form, no script)" bash -c \
        "grep -q '<form class=\"login\" method=\"post\" action=\"/login\">' '$TMP/body' && ! grep -qi '<script' '$TMP/body'"
    token=$(csrf_of)
    check "$L: ...carries a CSRF token" [ ${#token} = 64 ]

    code=$(http "$BASE/login" -X POST -c "$jar" -b "$jar" --data-urlencode "username=teacher" \
           --data-urlencode "password=cairn-demo-classroom")
    check "$L: POST /login without the CSRF token is 403" [ "$code" = 403 ]
    code=$(http "$BASE/login" -X POST -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
           --data-urlencode "username=teacher" --data-urlencode "password=cairn-demo-classroom")
    check "$L: POST /login with the token is 303" [ "$code" = 303 ]
    check "$L: ...to /" has_header Location "/"
    check "$L: ...sets the session cookie HttpOnly, SameSite=Lax, not Secure on plain HTTP" bash -c \
        "tr -d '\r' < '$TMP/headers' | grep -qE '^Set-Cookie: cairn_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax$'"
    sess=$(awk '$6 == "cairn_session" { print $7 }' "$jar")
    code=$(http "$BASE/programmes" -b "$jar" -c "$jar")
    check "$L: GET / signed in is 200" [ "$code" = 200 ]
    check "$L: ...names who is signed in" says "$TMP/body" "Signed in as <strong>"
    check "$L: ...and shows the school" says "$TMP/body" "Active learners"
    token=$(csrf_of)
    code=$(http "$BASE/logout" -X POST -b "$jar" -c "$jar")
    check "$L: POST /logout without the CSRF token is 403" [ "$code" = 403 ]
    code=$(http "$BASE/logout" -X POST -b "$jar" -c "$jar" --data "csrf=0000")
    check "$L: POST /logout with a wrong token is 403" [ "$code" = 403 ]
    code=$(http "$BASE/logout" -X POST -b "$jar" -c "$jar" --data "csrf=$token" -H "Sec-Fetch-Site: cross-site")
    check "$L: a cross-site POST is 403 even with the token" [ "$code" = 403 ]
    code=$(http "$BASE/logout" -X POST -b "$jar" -c "$jar" --data "csrf=$token" -H "Origin: http://evil.example")
    check "$L: a POST from another Origin is 403" [ "$code" = 403 ]
    code=$(http "$BASE/programmes" -b "$jar")
    check "$L: ...and the session survived all of them" [ "$code" = 200 ]
    code=$(http "$BASE/logout" -X POST -b "$jar" -c "$jar" --data "csrf=$token" -H "Origin: $BASE" \
           -H "Sec-Fetch-Site: same-origin")
    check "$L: POST /logout with the token is 303 to /login" bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /login'"
    check "$L: ...and clears the cookie" has_header Set-Cookie "cairn_session=; .*Max-Age=0"
    code=$(http "$BASE/" -b "cairn_session=$sess")
    check "$L: the old session token no longer works" [ "$code" = 303 ]

    rm -f "$jar"
    code=$(sign_in "$jar" leader cairn-demo-principal)
    check "$L: the school leader signs in" [ "$code" = 303 ]
    code=$(http "$BASE/programmes" -b "$jar")
    check "$L: ...and sees the start page" [ "$code" = 200 ]
    rm -f "$jar"

    for i in 1 2 3; do
        code=$(sign_in "$jar" keyworker "wrong password $i")
        check "$L: wrong password $i is 401" [ "$code" = 401 ]
    done
    check "$L: ...saying name or password is not right" says "$TMP/body" "user name or the password is not right"
    # no lockout any more: the waits that follow are tested in test_forwarded.sh
    # and tests/unit/test_throttle.c; an administrator clears them
    run 0 "$L: cairn user unlock keyworker" "" user unlock keyworker --db "$db"
    check "$L: ...says how many failures it cleared" says "$TMP/out" "^user keyworker: 3 failed sign-ins cleared$"
    code=$(sign_in "$jar" keyworker cairn-demo-counsellor)
    check "$L: then the right password signs in at once" [ "$code" = 303 ]
    rm -f "$jar"
    code=$(sign_in "$jar" anna "a new long password")
    check "$L: a disabled account cannot sign in (403)" [ "$code" = 403 ]
    check "$L: ...and is told so" says "$TMP/body" "This account is disabled"
    stop_server

    # Behind a TLS proxy: Secure __Host- cookies.
    if ! start_server "$db" "$log" --behind-proxy; then
        not_ok "$L: server starts --behind-proxy"; sed 's/^/# /' "$log" | tail -20; return
    fi
    BASE="http://127.0.0.1:$PORT"
    rm -f "$jar"
    code=$(sign_in "$jar" admin cairn-demo-office -H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 203.0.113.9")
    check "$L: behind a proxy, sign-in over https is 303" [ "$code" = 303 ]
    check "$L: ...with a Secure __Host-cairn cookie" \
        has_header Set-Cookie "__Host-cairn=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Secure"
    stop_server
}

# ---- run ------------------------------------------------------------------------

need_cairn
need_curl

cli_suite sqlite "$TMP/t.db"
server_suite sqlite "$TMP/t.db"

if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_user_$$"; then
    cli_suite postgres "$PG_URL"
    server_suite postgres "$PG_URL"
fi

done_testing
