#!/bin/sh
# scripts/run-demo.sh — what `make run` does after building: create the
# database and the demo school if there is none, the demo accounts (and
# print them), a model and scores for a new demo school, then serve it.
# The demo school runs up to today (cairn demo's default), and the server
# scores it again each day by itself.
#
# CAIRN_DB (default ./cairn.db) and CAIRN_LISTEN (default 127.0.0.1:8080)
# are honoured.
set -eu
CAIRN=${CAIRN:-build/rel/cairn}
DB=${CAIRN_DB:-./cairn.db}
LISTEN=${CAIRN_LISTEN:-127.0.0.1:8080}

"$CAIRN" init --db "$DB"
out=$("$CAIRN" demo --db "$DB" --if-empty)
echo "$out"
# A new demo school also gets what a school would have after a term of use:
# a trained model and monthly scores, so the dashboard, the learner pages and
# the model page have something to show.  The demo's school years end in
# June 2026; the scores run up to spring of the second year.
case "$out" in
    *"demo school created"*)
        "$CAIRN" train --db "$DB" --by demo
        # The demo school runs up to today: scores a month apart for the
        # trends, then today's (cairn serve scores again every day at 05:00).
        today=$(date -u +%F)
        for n in 5 4 3 2 1; do
            "$CAIRN" score --db "$DB" --asof "$(date -u -d "$today -$n month" +%F)" > /dev/null
        done
        "$CAIRN" score --db "$DB" --asof "$today" > /dev/null
        echo "cairn: demo scores up to today, $today" ;;
esac
# One account per role (admin, leader, keyworker, teacher, dpo) with public demo
# passwords; printed every time, left as they are when they exist.
"$CAIRN" user demo-accounts --db "$DB"
echo "cairn: serving $DB on http://$LISTEN/  (Ctrl-C stops it; sign in at http://$LISTEN/login)"
exec "$CAIRN" serve --db "$DB" --listen "$LISTEN"
