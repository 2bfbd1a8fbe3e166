#!/bin/bash
# tests/cli/test_demo_cases.sh — `cairn demo --cases N`: demo caseloads at
# scale on a scored demo school.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_demo_cases.sh      (from the repository root)
#
# A scored demo school of 200 learners gets 40 cases: key-worker accounts
# keyworker-NNN with up to 25 cases each, the flagged learners first, cases
# in every state, with assessments, goals, reviews, contracts and
# intervention participation; every free text sealed (no plaintext in the
# database file or its WAL); `cairn audit verify` passes; a second run adds
# cases for learners that have none and leaves the others alone.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn

db="$TMP/cases.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" demo --db "$db" --if-empty --cases 40; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with 40 demo cases"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with 40 demo cases"
q() { sqlite3 "$db" "$1"; }

check "it says how many cases for how many key workers" \
    grep -q '^40 demo cases for 2 key workers in' "$TMP/setup.out"
check "40 cases, at most 25 per key worker" \
    [ "$(q "SELECT count(*), max(n) FROM (SELECT key_worker_id, count(*) AS n FROM support_case
           GROUP BY key_worker_id)" )" = "2|25" ]
check "each key worker has an account keyworker-NNN linked to them" \
    [ "$(q "SELECT count(*) FROM account a JOIN support_case c ON c.key_worker_id = a.person_id
           AND a.person_kind = 'staff' WHERE a.username LIKE 'keyworker-%'")" = 40 ]
for s in open assessment plan_agreed monitoring closed; do
    check "cases in state $s" [ "$(q "SELECT count(*) FROM support_case WHERE state = '$s'")" -gt 0 ]
done
check "most cases are in monitoring or plan agreed" \
    [ "$(q "SELECT count(*) FROM support_case WHERE state IN ('monitoring', 'plan_agreed')")" -gt 20 ]
check "closed as returned and as left" \
    [ "$(q "SELECT count(DISTINCT outcome) FROM support_case WHERE state = 'closed'")" = 2 ]
check "the flagged learners first: flagged learners have cases" \
    [ "$(q "SELECT count(*) FROM support_case c JOIN risk_score r ON r.learner_id = c.learner_id
           AND r.asof = '2025-03-14' WHERE r.tier > 0")" -gt 0 ]
check "every case past open has an assessment" \
    [ "$(q "SELECT count(*) FROM support_case c WHERE c.state IN ('assessment', 'plan_agreed',
           'monitoring') AND NOT EXISTS (SELECT 1 FROM case_assessment a WHERE a.case_id = c.id)")" = 0 ]
check "every case with a plan has goals" \
    [ "$(q "SELECT count(*) FROM support_case c WHERE c.state IN ('plan_agreed', 'monitoring')
           AND NOT EXISTS (SELECT 1 FROM support_goal g WHERE g.case_id = c.id)")" = 0 ]
check "every monitored case has reviews with progress" \
    [ "$(q "SELECT count(*) FROM support_case c WHERE c.state = 'monitoring'
           AND (SELECT count(*) FROM case_review r WHERE r.case_id = c.id) < 5")" = 0 ] &&
    [ "$(q "SELECT count(*) FROM review_progress")" -gt 0 ]
check "every monitored case has a signed contract" \
    [ "$(q "SELECT count(*) FROM support_case c WHERE c.state = 'monitoring'
           AND NOT EXISTS (SELECT 1 FROM contract_version v JOIN contract_signature s
           ON s.version_id = v.id WHERE v.case_id = c.id)")" = 0 ]
check "the caseloads take part in interventions" \
    [ "$(q "SELECT count(*) FROM intervention_participation")" -ge 2 ]
check "the texts are sealed (s1:...)" \
    [ "$(q "SELECT count(*) FROM support_case WHERE reason NOT LIKE 's1:%'")" = 0 ] &&
    [ "$(q "SELECT count(*) FROM support_goal WHERE what NOT LIKE 's1:%'")" = 0 ] &&
    [ "$(q "SELECT count(*) FROM case_review WHERE changed NOT LIKE 's1:%'")" = 0 ] &&
    [ "$(q "SELECT count(*) FROM contract_version WHERE body NOT LIKE 's1:%'")" = 0 ]
q "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
plain=0
for text in "Attendance fell below 80%" "Seven of eight practical days" \
            "I come home every night" "Found the youth housing office" \
            "Met the mentor twice" "Two Saturday workshops"; do
    if grep -qaF "$text" "$db" "$db-wal" 2>/dev/null; then plain=1; echo "# in clear: $text"; fi
done
check "no plaintext of the demo texts in the database file" [ "$plain" = 0 ]
check "cairn audit verify passes" "$CAIRN" audit verify --db "$db"
check "every case's learner is in the audit log (the writes were audited)" \
    [ "$(q "SELECT count(*) FROM support_case c WHERE NOT EXISTS (SELECT 1 FROM audit_event a
           WHERE a.learner_id = c.learner_id AND a.action LIKE 'case.%')")" = 0 ]

"$CAIRN" demo --db "$db" --if-empty --cases 10 > "$TMP/again.out" 2>&1
check "a second run adds cases for learners without one" \
    [ "$(q "SELECT count(*) FROM support_case")" = 50 ] &&
    [ "$(q "SELECT count(*) FROM (SELECT learner_id FROM support_case GROUP BY learner_id
           HAVING count(*) > 1)")" = 0 ]
check "cairn audit verify still passes" "$CAIRN" audit verify --db "$db"
check "--cases refuses a bad number" bash -c "! '$CAIRN' demo --db '$db' --cases many 2>/dev/null"

done_testing
