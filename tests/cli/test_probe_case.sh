#!/bin/bash
# tests/cli/test_probe_case.sh — the probes of issue 11 against a running
# server: what hostile input to the case room's routes gets, pages and JSON
# twins alike (the probes of issue 9 are tests/cli/test_probe.sh).
#
#   CAIRN=build/rel/cairn bash tests/cli/test_probe_case.sh      (from the repository root)
#
# Per database (SQLite, and PostgreSQL when CAIRN_TEST_PG names a test
# server), on a demo school with the demo accounts and API tokens, another
# institution's case, another case's goal and task ids, a team member of
# another case, long and control-character text, wrong types, duplicate
# keys, ratings 4/-1/1e309, impossible dates, a wrong SHA-256, /verify with
# garbage, CSRF on every POST form and a body past 1 MiB: each refused
# with the field it names (or none), the case-room tables as before, and
# `cairn audit verify` passing after.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3
# (and psql for PostgreSQL).
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/probe_lib.sh" || exit 1
need_cairn
need_curl

# ---- the case room's routes (issue 11): hostile input changes nothing ----------------

# case_rows DB: the rows of every case-room table, one line (the audit log
# aside: it records refusals), " TABLE=COUNT" each.  One query, not one per
# table: it runs before and after every probe, on both databases.
case_rows() {
    local t sql="SELECT ''"
    for t in support_case case_history case_task case_team_member case_transfer case_approval \
             case_conference case_assessment case_assessment_domain support_goal support_plan \
             case_review review_progress contract_version contract_signature; do
        sql="$sql || ' $t=' || (SELECT count(*) FROM $t)"
    done
    q "$1" "$sql"
}

# jpost PATH TOKEN BODY [curl options...]: POST BODY as JSON to /api/v1PATH.
jpost() {
    local path=$1 token=$2 body=$3; shift 3
    http "$BASE/api/v1$path" -X POST -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# refused_with WHAT CODE STATUS FIELD BEFORE: a check that the last answer
# was STATUS, named FIELD (in {"code","field","message"} or {"error":
# {...}}; "-" = no field asked) with a message, and the case-room tables
# are as BEFORE.
refused_with() {
    local what=$1 code=$2 want=$3 field=$4 before=$5 got
    got=$(python3 -c "
import json,sys
j=json.load(open(sys.argv[1])); e=j.get('error', j)
print('%s|%s' % (e.get('field', '-') if sys.argv[2] != '-' else '-', 'm' if e.get('message') else ''))" \
        "$TMP/body" "$field" 2>/dev/null)
    check "$CL: $what is $want naming ${field} (got $code, $got), nothing written" \
        bash -c "[ '$code' = '$want' ] && [ '$got' = '$field|m' ] && [ \"$before\" = \"$(case_rows "$CDB")\" ]"
}

case_checks() {
    CL=$1 CDB=$2
    local db=$2 kt lt tt kwstaff case_a case_b learner_a goal_b task_b other before code big
    kt=$(cat "$TMP/keyworker.token"); lt=$(cat "$TMP/leader.token"); tt=$(cat "$TMP/teacher.token")
    kwstaff=$(q "$db" "SELECT person_id FROM account WHERE username = 'keyworker'")
    case_a=$(q "$db" "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state = 'open' ORDER BY id LIMIT 1")
    case_b=$(q "$db" "SELECT c.id FROM support_case c WHERE c.key_worker_id = $kwstaff AND c.state = 'monitoring'
                      AND EXISTS (SELECT 1 FROM support_goal g WHERE g.case_id = c.id) ORDER BY c.id LIMIT 1")
    goal_b=$(q "$db" "SELECT min(id) FROM support_goal WHERE case_id = $case_b")
    if [ -z "$case_a" ] || [ -z "$case_b" ] || [ -z "$goal_b" ]; then
        not_ok "$CL: the demo has an open case and a monitored case with goals"; return
    fi
    # another institution with a case of its own, numbered where school one has none
    other=$(( $(q "$db" "SELECT max(id) FROM support_case") + 100 ))
    q "$db" "INSERT INTO institution (id, code, name, created_at) VALUES (902, 'PROBE2', 'Other school', '2025-01-01T00:00:00Z');
             INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES (902, 1, 'X1', 'Xan', 'Other');
             INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES (902, 1, 'XL1', 'Yul', 'Other');
             INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state, tier, source, reason,
                 opened_at, updated_at) VALUES (902, $other, 1, 1, 'open', 1, 'teacher', 'x',
                 '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')" > /dev/null
    # a team member of case B only
    local psy
    psy=$(q "$db" "SELECT ref FROM staff WHERE institution_id = (SELECT institution_id FROM support_case WHERE id = $case_b LIMIT 1)
                   AND id NOT IN (SELECT person_id FROM account WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
    echo 'a-long-test-password-1' | "$CAIRN" user add "psy$CL" --role team_member --staff "$psy" \
        --institution "$(q "$db" "SELECT code FROM institution WHERE id <> 902 ORDER BY id LIMIT 1")" \
        --password-stdin --db "$db" > /dev/null 2>&1
    q "$db" "INSERT INTO case_team_member (institution_id, case_id, staff_id, role, added_at)
             SELECT c.institution_id, $case_b, a.person_id, 'psychologist', '2025-03-01T10:00:00Z'
             FROM support_case c, account a WHERE c.id = $case_b AND c.institution_id <> 902 AND a.username = 'psy$CL'" > /dev/null
    local pt
    pt=$("$CAIRN" user token "psy$CL" --name probe --db "$db" 2>/dev/null)
    before=$(case_rows "$db")

    # another institution's case: 404 on every route, nothing written
    local r
    for r in step tier team team-remove task-done follow-up transfer transfer-answer approval \
             approval-withdraw conference assessments goals reviews contract contract/sign \
             contract/amend; do
        code=$(jpost "/cases/$other/$r" "$kt" '{}')
        [ "$code" = 404 ] || { not_ok "$CL: POST /api/v1/cases/<other school's case>/$r is 404 (got $code)"; continue; }
    done
    for r in "" /assessments /goals /reviews /contract; do
        code=$(api "/cases/$other$r" "$kt")
        [ "$code" = 404 ] || not_ok "$CL: GET /api/v1/cases/<other school's case>$r is 404 (got $code)"
        code=$(api "/cases/$other$r" "$lt")
        [ "$code" = 404 ] || not_ok "$CL: the leader's GET /api/v1/cases/<other school's case>$r is 404 (got $code)"
    done
    check "$CL: every GET and POST /api/v1/cases/<another institution's case>/... is 404, nothing written" \
        bash -c "[ \"$before\" = \"$(case_rows "$db")\" ]"
    # a team member of case B posting to case A
    for r in step follow-up approval-withdraw conference assessments goals reviews contract; do
        code=$(jpost "/cases/$case_a/$r" "$pt" '{}')
        case $code in 403|404) ;; *) not_ok "$CL: case B's team member POSTing to case A's $r is 403/404 (got $code)" ;; esac
    done
    check "$CL: a team member of case B is refused on case A's routes, nothing written" \
        bash -c "[ -n '$pt' ] && [ \"$before\" = \"$(case_rows "$db")\" ]"

    # ids of another case in a field
    code=$(jpost "/cases/$case_a/goals" "$kt" "{\"goal_id\": $goal_b, \"status\": \"achieved\", \"reason\": \"x\"}")
    refused_with "closing case B's goal through case A" "$code" 400 goal_id "$before"
    code=$(jpost "/cases/$case_a/goals" "$kt" "{\"goal_id\": $goal_b, \"what\": \"Taken over\"}")
    refused_with "editing case B's goal through case A" "$code" 400 goal_id "$before"
    task_b=$(q "$db" "SELECT min(id) FROM case_task WHERE case_id = $case_b AND done_at IS NULL")
    if [ -n "$task_b" ]; then
        code=$(jpost "/cases/$case_a/task-done" "$kt" "{\"task_id\": $task_b}")
        refused_with "ticking case B's task through case A" "$code" 400 task "$before"
    fi
    # another case's approval request withdrawn through case A (support/case_withdraw.h)
    local req_b
    req_b=$(q "$db" "SELECT min(id) FROM case_approval WHERE state = 'pending' AND case_id <> $case_a")
    if [ -n "$req_b" ]; then
        code=$(jpost "/cases/$case_a/approval-withdraw" "$kt" "{\"request_id\": $req_b, \"reason\": \"x\"}")
        refused_with "withdrawing another case's approval request through case A" "$code" 400 approval "$before"
    fi
    code=$(jpost "/cases/$case_a/approval-withdraw" "$kt" '{"request_id": "1", "reason": "x"}')
    refused_with "an approval-withdraw request_id of the wrong type" "$code" 400 request_id "$before"
    for bad in 0 -3; do   # a number that names no request is not "whichever waits"
        code=$(jpost "/cases/$case_a/approval-withdraw" "$kt" "{\"request_id\": $bad, \"reason\": \"x\"}")
        refused_with "an approval-withdraw request_id of $bad" "$code" 400 request_id "$before"
    done
    local case_c
    case_c=$(q "$db" "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state IN ('plan_agreed', 'monitoring')
                      AND id <> $case_b AND institution_id <> 902 ORDER BY id LIMIT 1")
    if [ -n "$case_c" ]; then
        code=$(jpost "/cases/$case_c/reviews" "$kt" "{\"reviewed_on\": \"$(date -u +%F)\", \"decision\": \"continue\", \"progress\": [{\"goal_id\": $goal_b, \"value\": 1}]}")
        refused_with "a review of case C with case B's goal" "$code" 400 progress "$before"
    else
        not_ok "$CL: the demo has a second case with an agreed plan"
    fi

    # text: too long, control characters, NUL
    big=$(head -c 10000 /dev/zero | tr '\0' a)
    code=$(jpost "/cases/$case_a/follow-up" "$kt" "{\"what\": \"$big\", \"owner_id\": $kwstaff, \"due_on\": \"2099-01-01\"}")
    refused_with "a follow-up of 10,000 characters" "$code" 400 what "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": "bell\u0007here"}')
    refused_with "a reason with a control character" "$code" 400 reason "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": "nul\u0000here"}')
    refused_with "a reason with a NUL" "$code" 400 - "$before"
    # wrong types, duplicate keys, numbers out of range
    code=$(jpost "/cases/$case_a/step" "$kt" '{"step": 7}')
    refused_with '{"step": 7}' "$code" 400 step "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": 5}')
    refused_with '{"reason": 5}' "$code" 400 reason "$before"
    code=$(jpost "/cases/$case_a/team" "$kt" '{"staff_id": "1", "role": "mentor"}')
    refused_with '{"staff_id": "1"}' "$code" 400 staff_id "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": \"$kwstaff\", \"domains\": [\"money\"]}")
    refused_with 'a conference with "attendees" a string' "$code" 400 attendees "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\", \"astrology\"]}")
    refused_with 'a conference with an unknown domain' "$code" 400 domains "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"notes\": \"$big\"}")
    refused_with 'a conference with notes of 10,000 characters' "$code" 400 notes "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"decisions\": [{\"what\": \"tab\\there\", \"owner_id\": $kwstaff, \"due_on\": \"2099-01-01\"}]}")
    refused_with 'a conference decision with a tab' "$code" 400 decisions "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"decisions\": [1, 2, 3, 4, 5, 6]}")
    refused_with 'a conference with six decisions' "$code" 400 decisions "$before"
    code=$(jpost "/cases/$case_a/step" "$kt" '{"step": "start_assessment", "step": "reopen"}')
    refused_with 'duplicate keys' "$code" 400 - "$before"
    local rating
    for rating in 4 -1 1e309 2.5 '"2"'; do
        code=$(jpost "/cases/$case_b/assessments" "$kt" "{\"assessed_on\": \"$(date -u +%F)\", \"domains\": {\"learning\": {\"need\": $rating}}}")
        case $rating in 1e309) refused_with "a rating of $rating" "$code" 400 - "$before" ;;
                        *) refused_with "a rating of $rating" "$code" 400 need_learning "$before" ;; esac
    done
    # impossible dates
    local day
    for day in 2025-02-30 99999-01-01 2025-13-01 ''; do
        code=$(jpost "/cases/$case_a/follow-up" "$kt" "{\"what\": \"Call\", \"owner_id\": $kwstaff, \"due_on\": \"$day\"}")
        refused_with "a follow-up due on '$day'" "$code" 400 due_on "$before"
        code=$(jpost "/cases/$case_b/assessments" "$kt" "{\"assessed_on\": \"$day\", \"domains\": {\"learning\": {\"need\": 1}}}")
        refused_with "an assessment on '$day'" "$code" 400 assessed_on "$before"
    done
    # a signature of another text
    local cc
    cc=$(q "$db" "SELECT c.id FROM support_case c JOIN contract_version v ON v.case_id = c.id AND v.institution_id = c.institution_id
                  WHERE c.key_worker_id = $kwstaff AND v.signed_at IS NULL ORDER BY c.id LIMIT 1")
    if [ -n "$cc" ]; then
        code=$(jpost "/cases/$cc/contract/sign" "$kt" "{\"role\": \"learner\", \"method\": \"screen\", \"name\": \"A\", \"version_sha256\": \"$(printf '%064d' 0)\"}")
        refused_with "a signature with a wrong SHA-256" "$code" 400 version_sha256 "$before"
        code=$(jpost "/cases/$cc/contract/sign" "$kt" "{\"role\": \"learner\", \"method\": \"screen\", \"name\": \"A\", \"version_sha256\": \"' OR 1=1 --\"}")
        refused_with "a signature with a SQL-looking SHA-256" "$code" 400 version_sha256 "$before"
    fi
    # /verify with garbage and SQL-looking codes: never 5xx, never a contract
    local v
    for v in "$(head -c 10000 /dev/zero | tr '\0' Z)" "x%27%20OR%201%3D1%20--" "%25" "..%2F..%2Fetc%2Fpasswd"; do
        code=$(http "$BASE/verify/$v")
        case $code in 400|404|414|429) ok "$CL: GET /verify/<${v:0:20}...> is $code" ;;
                      *) not_ok "$CL: GET /verify/<${v:0:20}...> is 400/404/414/429 (got $code)" ;; esac
        code=$(http "$BASE/api/v1/verify/$v")
        case $code in 400|404|414|429) ok "$CL: GET /api/v1/verify/<${v:0:20}...> is $code" ;;
                      *) not_ok "$CL: GET /api/v1/verify/<${v:0:20}...> is 400/404/414/429 (got $code)" ;; esac
    done
    code=$(http "$BASE/verify" --get --data-urlencode "code=$(head -c 10000 /dev/urandom | base64 -w0)")
    case $code in 200|400|404|414|429) ok "$CL: GET /verify?code=<10 kB of garbage> is $code" ;;
                  *) not_ok "$CL: GET /verify?code=<10 kB of garbage> answers (got $code)" ;; esac

    # CSRF missing or wrong on every POST form of the case room
    local jar="$TMP/kw-case-$CL.jar" path
    sign_in "$jar" keyworker cairn-demo-counsellor > /dev/null
    learner_a=$(q "$db" "SELECT learner_id FROM support_case WHERE id = $case_a AND institution_id <> 902")
    local bad=0
    for path in $(grep -h "WEBPAGE: POST /\(cases\|learners/{id}/case\)" src/web/support/*.c | awk '{print $4}' | sort -u); do
        path=${path//\{id\}/$case_a}
        [ "${path#/learners/}" != "$path" ] && path="/learners/$learner_a/cases"
        code=$(http "$BASE$path" -b "$jar" -X POST --data-urlencode "step=start_assessment" --data-urlencode "what=x")
        [ "$code" = 403 ] || { bad=1; echo "# $path without csrf: $code"; }
        code=$(http "$BASE$path" -b "$jar" -X POST --data-urlencode "csrf=$(printf '%032d' 7)" --data-urlencode "step=start_assessment")
        [ "$code" = 403 ] || { bad=1; echo "# $path with a wrong csrf: $code"; }
    done
    check "$CL: every POST form of the case room without or with a wrong CSRF token is 403, nothing written" \
        bash -c "[ $bad = 0 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    # the forms: another case's ids in a field, a NUL and a control character in a text
    local token
    http "$BASE/cases/$case_a" -b "$jar" > /dev/null
    token=$(csrf_of)
    code=$(http "$BASE/cases/$case_a/goals/close" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "goal_id=$goal_b" --data-urlencode "status=achieved" --data-urlencode "reason=x")
    check "$CL: the form closing case B's goal through case A is 400 beside the field (got $code), nothing written" \
        bash -c "[ $code = 400 ] && grep -q 'id=\"error-summary\"' '$TMP/body' && [ \"$before\" = \"$(case_rows "$db")\" ]"
    if [ -n "$task_b" ]; then
        code=$(http "$BASE/cases/$case_a/task-done" -b "$jar" -X POST --data-urlencode "csrf=$token" \
               --data-urlencode "task_id=$task_b")
        check "$CL: the form ticking case B's task through case A is 400 (got $code), nothing written" \
            bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    fi
    code=$(http "$BASE/cases/$case_a/follow-up" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-raw "what=call%00now&owner_id=$kwstaff&due_on=2099-01-01")
    check "$CL: a follow-up form with a NUL in its text is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    code=$(http "$BASE/cases/$case_a/tier" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "tier=individual" --data-raw "reason=esc%1B%5B31mred")
    check "$CL: a tier form with an escape character in its reason is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    code=$(http "$BASE/cases/$case_a/follow-up" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "what=Call" --data-urlencode "owner_id=$kwstaff" --data-urlencode "due_on=2025-02-30")
    check "$CL: a follow-up form due on 2025-02-30 is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    # a body beyond the route's limit
    head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' > "$TMP/huge.json"
    code=$(http "$BASE/api/v1/cases/$case_a/follow-up" -X POST -H "Authorization: Bearer $kt" \
           -H 'Content-Type: application/json' --data-binary "@$TMP/huge.json")
    check "$CL: a JSON body past 1 MiB is 413 (got $code), nothing written" \
        bash -c "[ $code = 413 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    check "$CL: cairn audit verify still passes" "$CAIRN" audit verify --db "$db"
}

# ---- run ------------------------------------------------------------------------------

probe_run probe_case case_checks

done_testing
