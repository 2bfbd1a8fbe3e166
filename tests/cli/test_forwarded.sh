#!/bin/bash
# tests/cli/test_forwarded.sh — whose address sign-in throttling counts by.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_forwarded.sh      (from the repository root)
#
# `cairn serve --trusted-proxy ADDR` takes the client address from the last
# X-Forwarded-For hop only on connections whose peer is ADDR (curl
# --interface 127.0.0.2 plays the proxy); from any other peer the header is
# ignored.  The server log names the address of every failed sign-in.  Then
# the throttle through the server: wrong passwords for admin from one
# forwarded address end in 429 with Retry-After, while admin from another
# address and another account from the same one sign in; `cairn user
# unlock` clears it.  `--behind-proxy` alone trusts loopback peers.  SQLite.
#
# CAIRN_PWHASH_FAST=1 is set: weak password hashing for speed, tests only.
# Ends with "N passed, M failed"; exits non-zero if anything failed.  Needs curl.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
export CAIRN_PWHASH_FAST=1
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/t.db"
log="$TMP/serve.log"
if ! { "$CAIRN" demo --db "$db" --today 2025-06-30 --learners 60 --years 1 && "$CAIRN" user demo-accounts --db "$db"; } \
        > /dev/null 2> "$TMP/setup.err"; then
    not_ok "demo school"; sed 's/^/# /' "$TMP/setup.err" | tail -5; done_testing
fi

"$CAIRN" serve --db "$db" --trusted-proxy not-an-address > /dev/null 2> "$TMP/err"
check "--trusted-proxy with something not an IP address is refused" \
    grep -q 'not an IP address' "$TMP/err"

if ! start_server "$db" "$log" --trusted-proxy 127.0.0.2; then
    not_ok "server starts --trusted-proxy 127.0.0.2"; sed 's/^/# /' "$log" | tail -10; done_testing
fi
ok "server starts --trusted-proxy 127.0.0.2"
BASE="http://127.0.0.1:$PORT"
J="$TMP/jar"
PROXY=(--interface 127.0.0.2)

code=$(sign_in "$J" admin "wrong password" -H "X-Forwarded-For: 203.0.113.50")
check "a wrong password from an untrusted peer is 401" [ "$code" = 401 ]
check "...counted against the peer, not the forwarded address" \
    grep -q 'sign-in failed for "admin" from 127.0.0.1$' "$log"
check "...and the forged address is nowhere in the log" bash -c "! grep -q 203.0.113.50 '$log'"

code=$(sign_in "$J" admin "wrong password" "${PROXY[@]}" -H "X-Forwarded-For: 10.9.9.9, 203.0.113.60")
check "a wrong password through the trusted proxy is 401" [ "$code" = 401 ]
check "...counted against the last forwarded hop" \
    grep -q 'sign-in failed for "admin" from 203.0.113.60$' "$log"

# Wrong passwords for admin from A until the pair must wait (the waits grow
# 1, 2, 4 s after three failures, so within a few tries one is refused).
A=(-H "X-Forwarded-For: 203.0.113.70")
B=(-H "X-Forwarded-For: 203.0.113.71")
got=""
for i in 1 2 3 4 5 6 7 8; do
    code=$(sign_in "$J" admin "wrong password $i" "${PROXY[@]}" "${A[@]}")
    if [ "$code" = 429 ]; then got=$i; break; fi
done
check "wrong passwords from one address end in 429 (after try ${got:-none})" \
    bash -c "[ -n '$got' ] && [ '$got' -gt 3 ]"
check "...with a Retry-After header" has_header Retry-After "[0-9]+"
check "...and says why" grep -q "Too many wrong passwords for this user name from here" "$TMP/body"
check "...logged with the address" grep -q 'sign-in for "admin" from 203.0.113.70 refused: wait' "$log"
rm -f "$J"
code=$(sign_in "$J" admin cairn-demo-office "${PROXY[@]}" "${B[@]}")
check "admin from another address signs in at once (no lockout)" [ "$code" = 303 ]
rm -f "$J"
code=$(sign_in "$J" leader cairn-demo-principal "${PROXY[@]}" "${A[@]}")
check "another account from the guessing address signs in" [ "$code" = 303 ]

"$CAIRN" user unlock admin --db "$db" > "$TMP/out" 2> "$TMP/err"
check "cairn user unlock admin clears the failures" grep -qE '^user admin: [0-9]+ failed sign-ins cleared$' "$TMP/out"
rm -f "$J"
code=$(sign_in "$J" admin cairn-demo-office "${PROXY[@]}" "${A[@]}")
check "...then admin signs in from the guessing address too" [ "$code" = 303 ]
"$CAIRN" user unlock nobody --db "$db" > /dev/null 2> "$TMP/err"
check "unlock of an unknown user fails, saying so" grep -q 'there is no user "nobody"' "$TMP/err"
stop_server

# --behind-proxy alone: a proxy on this machine (loopback peers).
if ! start_server "$db" "$log" --behind-proxy; then
    not_ok "server starts --behind-proxy"; sed 's/^/# /' "$log" | tail -10; done_testing
fi
BASE="http://127.0.0.1:$PORT"
rm -f "$J"
code=$(sign_in "$J" teacher "wrong password" -H "X-Forwarded-For: 198.51.100.9")
check "--behind-proxy: a loopback peer's X-Forwarded-For is the client address" \
    grep -q 'sign-in failed for "teacher" from 198.51.100.9$' "$log"
stop_server

done_testing
