#!/bin/bash
# tests/cli/test_score_daily.sh — scores are never stale: `cairn serve` scores
# today by itself, `cairn import` rescores, and a page says when scores are old.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_score_daily.sh      (from the repository root)
#
# A demo school that ran up to 13 March 2026, scored that day: its scores
# are stale on any later day (today is the machine's date).  A server
# without scheduled scoring (--score-at off) shows the stale line at the top
# of the leader's pages, in English and Arabic, and makes no scores.  A
# server with CAIRN_SCORE_INTERVAL=1 makes today's scores at start (waiting
# is bounded, not timed: the test polls the database), logs what it did,
# scores again on the interval, keeps answering requests meanwhile, and the
# line is gone.  `cairn import` of a file rescores today; bad --score-at
# values and intervals are refused.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

TODAY=$(date -u +%F)
db="$TMP/daily.db"
if ! { "$CAIRN" demo --db "$db" --learners 80 --today 2026-03-13 &&
       "$CAIRN" score --db "$db" --asof 2026-03-13 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school scored on 13 March 2026"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school scored on 13 March 2026"
[ "$TODAY" \> 2026-03-20 ] || { not_ok "the machine's date ($TODAY) is after 2026-03-20"; done_testing; }

# today_rows: the number of scores made for today.
today_rows() { sqlite3 "$db" "SELECT count(*) FROM risk_score WHERE asof = '$TODAY'"; }

# ---- without scheduled scoring: stale, and said so --------------------------------------
serve_or_stop "$db"
code=$(sign_in "$TMP/jar" leader cairn-demo-principal)
code=$(http "$BASE/dashboard" -b "$TMP/jar")
check "the dashboard answers 200" [ "$code" = 200 ]
check "...and says at the top that the scores are old" \
    grep -q '<p class="stale" role="status">The scores are from 13 Mar 2026, [0-9,]* school days ago' "$TMP/body"
check "...once" [ "$(grep -c 'class="stale"' "$TMP/body")" = 1 ]
code=$(http "$BASE/programmes" -b "$TMP/jar")
check "another staff page says it too" grep -q 'class="stale"' "$TMP/body"
code=$(http "$BASE/dashboard" -b "$TMP/jar" -H "Accept-Language: ar")
check "...in Arabic too" grep -q 'class="stale" role="status">التقييمات بتاريخ' "$TMP/body"
check "--score-at off makes no scores" [ "$(today_rows)" = 0 ]
stop_server
check "the server stops with status 0" [ "$STOP_STATUS" = 0 ]

# ---- with scheduled scoring every second -----------------------------------------------
export CAIRN_SCORE_INTERVAL=1
SERVER_SCORE_AT=05:00 serve_or_stop "$db"
for i in $(seq 1 600); do          # bounded: up to about 60 s on a slow machine
    [ "$(today_rows)" -gt 0 ] && break
    sleep 0.1
done
check "the server made today's scores by itself ($(today_rows) learners)" [ "$(today_rows)" -gt 0 ]
for i in $(seq 1 600); do
    [ "$(grep -c 'cairn serve: scored ' "$TMP/serve.log")" -ge 2 ] && break
    sleep 0.1
done
check "...logged what it did, and scored again on the interval" \
    [ "$(grep -c "cairn serve: scored [0-9]* learners of 1 institution for $TODAY" "$TMP/serve.log")" -ge 2 ]
code=$(sign_in "$TMP/jar2" leader cairn-demo-principal)
code=$(http "$BASE/dashboard" -b "$TMP/jar2")
check "requests are answered meanwhile" [ "$code" = 200 ]
check "...and the page no longer says the scores are old" bash -c "! grep -q 'class=\"stale\"' '$TMP/body'"
stop_server
check "the server stops with status 0 while scoring on the interval" [ "$STOP_STATUS" = 0 ]
unset CAIRN_SCORE_INTERVAL

# ---- cairn import rescores today -------------------------------------------------------
sqlite3 "$db" "DELETE FROM risk_score WHERE asof = '$TODAY'"
"$CAIRN" demo --out "$TMP/files" --learners 80 --today 2026-03-13 > /dev/null 2>&1
if "$CAIRN" import --db "$db" institutions "$TMP/files/institutions.csv" > "$TMP/import.out" 2> "$TMP/import.err"; then
    ok "cairn import of one file succeeds"
else
    not_ok "cairn import of one file succeeds"; sed 's/^/# /' "$TMP/import.err" | tail -5
fi
check "...says it scored today" grep -q "^scored [0-9]* learners as of $TODAY$" "$TMP/import.out"
check "...and today's scores are there" [ "$(today_rows)" -gt 0 ]

# ---- bad settings ----------------------------------------------------------------------
for bad in 25:00 5:00 12:60 noon ""; do
    "$CAIRN" serve --db "$db" --score-at "$bad" > /dev/null 2> "$TMP/bad.err"
    check "--score-at \"$bad\" is refused (exit 2)" [ $? = 2 ]
done
CAIRN_SCORE_INTERVAL=0 "$CAIRN" serve --db "$db" --listen 127.0.0.1:1 > /dev/null 2> "$TMP/bad.err"
check "CAIRN_SCORE_INTERVAL=0 is refused (exit 2)" [ $? = 2 ]

done_testing
