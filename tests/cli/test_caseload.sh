#!/bin/bash
# tests/cli/test_caseload.sh — the leader's figures (GET /caseload and GET
# /api/v1/caseload) through the server.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_caseload.sh   (from the repository root)
#
# On a demo school (a handful of cases: every count over learners is small):
# the page shows the caseload per key worker, the charts with their tables,
# the two medians, the reviews on time and the interventions by tier; small
# cells are withheld on the page and null with "suppressed": true in the
# JSON; a key worker is refused both (403).
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/caseload.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"
q() { sqlite3 "$db" "$1"; }
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null

code=$(http "$BASE/caseload" -b "$L")
check "the leader's Cases page (200) with every figure" \
    bash -c "[ $code = 200 ] && grep -q 'Caseload per key worker' '$TMP/body' && grep -q 'Closures by outcome' '$TMP/body' && grep -q 'From a flag to the first contact' '$TMP/body' && grep -q 'From a flag to the agreed plan' '$TMP/body' && grep -q 'Reviews on time' '$TMP/body' && grep -q 'Interventions by tier and their measured effect' '$TMP/body'"
check "...charts, each with its table" \
    bash -c "[ \$(grep -c '<svg class=\"chart\"' '$TMP/body') -ge 3 ] && [ \$(grep -c '<details><summary>Show the numbers' '$TMP/body') -ge 3 ]"
check "...small cells withheld (fewer than 10 closures; the medians over a few cases)" \
    bash -c "grep -q 'class=\"withheld\"' '$TMP/body' && grep -q 'too few cases from a flag have an agreed plan yet' '$TMP/body'"
check "...counts only: no learner" bash -c "! grep -q 'href=\"/learners/' '$TMP/body'"

code=$(http "$BASE/api/v1/caseload" -b "$L")
check "GET /api/v1/caseload (200) for the leader" \
    bash -c "[ $code = 200 ] && grep -q '\"key_workers\"' '$TMP/body' && grep -q '\"agreed_plan\"' '$TMP/body'"
check "...a small cell is null with suppressed true" \
    python3 -c "
import json,sys
d=json.load(open('$TMP/body'))
assert d['min_cell']==10
assert d['agreed_plan']['suppressed'] is True and d['agreed_plan']['median_days'] is None
assert d['first_contact']['suppressed'] is True
assert all(v is None for v in d['closures']['by_outcome'].values()), d['closures']
assert len(d['interventions']['by_tier'])==3
"
code=$(http "$BASE/caseload" -b "$K")
check "the page is not for a key worker (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/caseload" -b "$K")
check "...nor the JSON (403)" [ "$code" = 403 ]
done_testing
