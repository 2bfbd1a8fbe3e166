#!/bin/bash
# tests/cli/test_departed.sh — a learner who is no longer enrolled never
# reaches the attention list, through the server, for any role, filter or page.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_departed.sh      (from the repository root)
#
# Makes a demo school as of a fixed day, scores it on a day when some
# learners in their last year are still active, then marks those learners'
# enrolments as they stand at the end of the year (completed) and one more
# highly scored learner as left early, as an import would.  Their scores stay
# in the database (the scores are history), but the leader's, the key
# worker's and the teacher's lists (JSON API, every page through the
# keyset cursor, each tier filter; and the dashboard page) name none of them,
# and the counts do not count them.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/departed.db"
if ! { "$CAIRN" demo --db "$db" --learners 200 --today 2026-03-13 &&
       "$CAIRN" score --db "$db" --asof 2026-02-13 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token leader --name test --db "$db" > "$TMP/leader.token" &&
       "$CAIRN" user token keyworker --name test --db "$db" > "$TMP/kw.token" &&
       "$CAIRN" user token teacher --name test --db "$db" > "$TMP/teacher.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts and tokens"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts and tokens"

# The most urgent scored learner leaves early; every enrolment that is not
# active or paused (the demo's completed and departed learners) stays so.
sqlite3 "$db" "UPDATE enrolment SET status = 'left_early', exit_date = '2026-02-20',
               exit_reason = 'other'
               WHERE id = (SELECT s.enrolment_id FROM risk_score s
                           ORDER BY s.tier DESC, s.probability DESC, s.learner_id LIMIT 1)"
sqlite3 "$db" "SELECT DISTINCT s.learner_id FROM risk_score s JOIN enrolment e
               ON e.institution_id = s.institution_id AND e.id = s.enrolment_id
               WHERE e.status NOT IN ('active', 'paused') ORDER BY 1" > "$TMP/departed"
sqlite3 "$db" "SELECT l.id FROM risk_score s JOIN enrolment e
               ON e.institution_id = s.institution_id AND e.id = s.enrolment_id
               JOIN learner l ON l.institution_id = s.institution_id AND l.id = s.learner_id
               WHERE e.status NOT IN ('active', 'paused') AND (s.tier > 0 OR s.flags <> '[]')
               ORDER BY 1" > "$TMP/departed.refs"
check "the school has scored learners who are no longer enrolled, some of them flagged" \
    test -s "$TMP/departed.refs"
serve_or_stop "$db"

# list_ids TOKEN QUERY: every learner id of the list (all pages, following
# the keyset cursor next) into $TMP/ids, one a line; non-zero on an error.
list_ids() {
    local token=$1 query=$2 url="$BASE/api/v1/learners?limit=7&$2" code
    : > "$TMP/ids"
    while [ -n "$url" ]; do
        code=$(http "$url" -H "Authorization: Bearer $token")
        [ "$code" = 200 ] || return 1
        python3 -c "import json,sys; [print(i['id']) for i in json.load(open(sys.argv[1]))['items']]" \
            "$TMP/body" >> "$TMP/ids"
        url=$(python3 -c "import json,sys; n=json.load(open(sys.argv[1])).get('next'); print(n or '')" \
              "$TMP/body")
        case $url in /*) url="$BASE$url" ;; esac
    done
}

# none_departed: no id of $TMP/ids is in $TMP/departed.
none_departed() { ! grep -Fxqf "$TMP/departed" "$TMP/ids"; }

for who in leader kw teacher; do
    token=$(cat "$TMP/$who.token")
    for q in "" "tier=1" "tier=2" "tier=0"; do
        if list_ids "$token" "$q"; then
            check "$who, list ${q:-(default)}: $(wc -l < "$TMP/ids") learners, none departed" none_departed
        else
            not_ok "$who, list ${q:-(default)}: answers 200 on every page"
        fi
    done
done

# The leader's default list is not empty (the test can fail).
list_ids "$(cat "$TMP/leader.token")" ""
check "the leader's list is not empty" test -s "$TMP/ids"

code=$(sign_in "$TMP/jar" leader cairn-demo-principal)
code=$(http "$BASE/dashboard" -b "$TMP/jar")
check "the leader's dashboard answers 200" [ "$code" = 200 ]
hit=""
while read -r id; do grep -q "/learners/$id\"" "$TMP/body" && hit="$hit $id"; done < "$TMP/departed"
check "the dashboard links to no departed learner${hit:+ (links to$hit)}" [ -z "$hit" ]
check "...and to some learners" grep -q '/learners/[0-9]*"' "$TMP/body"

done_testing
