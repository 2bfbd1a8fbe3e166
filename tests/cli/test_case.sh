#!/bin/bash
# tests/cli/test_case.sh — cases through the server, end to end.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_case.sh      (from the repository root)
#
# Makes a scored demo school with its accounts (whose key worker gets a demo
# case in every state) and a team member account, starts the server and,
# signed in with curl: the key worker's home page lists what is due first;
# the key worker opens a case from a flagged learner's page in one click
# (the reason from the flags); a step the lifecycle table does not allow is
# refused with a message naming the state and the step, and writes
# nothing; an allowed step goes through; a teacher not on the team and a
# team member of another case are refused (403) the case and its learner;
# a leader sees the state, not the reason; a team member added by the key
# worker opens the case and its learner; the JSON twin answers by the same
# rules; every view and change is in the audit log.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl
CHECKER="$(cd "$(dirname "$0")" && pwd)/openapi_check.py"
SPEC="$(cd "$(dirname "$0")/../.." && pwd)/docs/openapi.yaml"

db="$TMP/case.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-02-14 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"

q() { sqlite3 "$db" "$1"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

check "the demo has a close request waiting for a leader's approval" \
    [ "$(q "SELECT count(*) FROM case_approval WHERE state = 'pending' AND kind = 'close'")" = 1 ]
check "the demo has a request its key worker withdrew, in its case's history" \
    [ "$(q "SELECT count(*) FROM case_approval a JOIN case_history h ON h.case_id = a.case_id
            AND h.kind = 'approval_withdraw' WHERE a.state = 'withdrawn'")" = 1 ]
check "the demo has a case in every state" \
    [ "$(q "SELECT count(DISTINCT state) FROM support_case")" = 5 ]
check "...with tasks overdue and due soon" \
    [ "$(q "SELECT count(*) FROM case_task WHERE done_at IS NULL")" -ge 4 ]
# Two psychologists with team member accounts, not on any team yet.
psy1=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
          WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
psy2=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
          WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1 OFFSET 1")
echo 'a-long-test-password-1' | "$CAIRN" user add psyone --role team_member --staff "$psy1" \
    --password-stdin --db "$db" > /dev/null
echo 'a-long-test-password-2' | "$CAIRN" user add psytwo --role team_member --staff "$psy2" \
    --password-stdin --db "$db" > /dev/null
check "two team member accounts" [ "$(q "SELECT count(*) FROM account_role WHERE role = 'team_member'")" = 2 ]
kw2ref=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
            WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
echo 'a-long-test-password-3' | "$CAIRN" user add kwtwo --role key_worker --staff "$kw2ref" \
    --password-stdin --db "$db" > /dev/null
kw2staff=$(q "SELECT person_id FROM account WHERE username = 'kwtwo'")
check "a second key worker" [ -n "$kw2staff" ]
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"; T="$TMP/teacher.jar"; P1="$TMP/p1.jar"; P2="$TMP/p2.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null
sign_in "$P1" psyone a-long-test-password-1 > /dev/null
sign_in "$P2" psytwo a-long-test-password-2 > /dev/null
K2="$TMP/kw2.jar"
sign_in "$K2" kwtwo a-long-test-password-3 > /dev/null

# ---- the home page ----
code=$(http "$BASE/" -b "$K")
check "the key worker's home page opens (200)" [ "$code" = 200 ]
check "...with what is due on the cases first (the skip link's target)" \
    grep -q '<h2 id="list" tabindex="-1">My cases: what is due</h2>' "$TMP/body"
check "...listing tasks with links to their cases" grep -q 'href="/cases/[0-9]*"' "$TMP/body"
check "...and the caseload below" grep -q 'My caseload' "$TMP/body"
check "...whose flagged learners have a case link or a one-click button" \
    bash -c "grep -q '<p class=\"case-link\"><a href=\"/cases/' '$TMP/body' || grep -q 'class=\"case-open\"><input type=\"hidden\" name=\"csrf\"' '$TMP/body'"

# ---- one click from the dashboard (issue 11: "opens from a flag") ----
dl=$(q "SELECT s.learner_id FROM risk_score s WHERE s.asof = '2025-03-14' AND s.tier >= 1
        AND s.flags <> '[]' AND NOT EXISTS (SELECT 1 FROM support_case c WHERE c.learner_id = s.learner_id)
        ORDER BY s.learner_id LIMIT 1")
kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
http "$BASE/learners/$dl" -b "$L" > /dev/null
http "$BASE/learners/$dl/key-worker" -b "$L" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "staff_id=$kwstaff" > /dev/null
code=$(http "$BASE/dashboard" -b "$K")
check "the key worker's dashboard (200) has a one-click 'Open a case' for their flagged learner" \
    bash -c "[ $code = 200 ] && grep -q '<form method=\"post\" action=\"/learners/$dl/cases\" class=\"case-open\"><input type=\"hidden\" name=\"csrf\" value=\"[0-9a-f]*\"><input type=\"hidden\" name=\"source\" value=\"flag\"><button type=\"submit\">Open a case</button></form>' '$TMP/body'"
code=$(http "$BASE/learners/$dl/cases" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "source=flag")
dcase=$(q "SELECT id FROM support_case WHERE learner_id = $dl AND state <> 'closed'")
check "...whose click (the form's own fields) opens the case and goes to it (303)" \
    bash -c "[ $code = 303 ] && [ -n '$dcase' ] && [ '$(location)' = '/cases/$dcase?done=opened' ]"
code=$(http "$BASE/dashboard" -b "$K")
check "...and the dashboard then links the case" \
    grep -q "<p class=\"case-link\"><a href=\"/cases/$dcase\">Go to the case</a></p>" "$TMP/body"

# ---- opening a case from a flagged learner ----
learner=$(q "SELECT s.learner_id FROM risk_score s JOIN support_assignment a
             ON a.learner_id = s.learner_id AND a.ended_at IS NULL
             WHERE s.asof = '2025-03-14' AND s.flags <> '[]'
             AND NOT EXISTS (SELECT 1 FROM support_case c WHERE c.learner_id = s.learner_id)
             ORDER BY s.learner_id LIMIT 1")
if [ -z "$learner" ]; then   # every flagged learner of the caseload has a case: add one
    learner=$(q "SELECT s.learner_id FROM risk_score s WHERE s.asof = '2025-03-14'
                 AND s.flags <> '[]' AND NOT EXISTS (SELECT 1 FROM support_case c
                 WHERE c.learner_id = s.learner_id) ORDER BY s.learner_id LIMIT 1")
    kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
    http "$BASE/learners/$learner" -b "$L" > /dev/null
    http "$BASE/learners/$learner/key-worker" -b "$L" -X POST --data-urlencode "csrf=$(csrf_of)" \
        --data-urlencode "staff_id=$kwstaff" > /dev/null
fi
code=$(http "$BASE/learners/$learner" -b "$K")
token=$(csrf_of)
check "the flagged learner's page has the Case section with the form (200)" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-case\">Case</h2>' '$TMP/body' && grep -q 'action=\"/learners/$learner/cases\"' '$TMP/body'"
check "...coming from a flag, the reason filled in from the flags" \
    bash -c "grep -q '<option value=\"flag\" selected>' '$TMP/body' && grep -q 'Opened from the current flags:' '$TMP/body'"
code=$(http "$BASE/learners/$learner/cases" -b "$K" -X POST --data-urlencode "source=flag")
check "a POST without the csrf field is refused (403)" [ "$code" = 403 ]
before=$(q "SELECT count(*) FROM support_case")
code=$(http "$BASE/learners/$learner/cases" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "source=flag")
case_id=$(q "SELECT id FROM support_case WHERE learner_id = $learner AND state <> 'closed'")
check "one click opens the case and goes to it (303)" \
    bash -c "[ $code = 303 ] && [ '$(location)' = '/cases/$case_id?done=opened' ]"
check "...one case more" [ "$(q "SELECT count(*) FROM support_case")" = $((before + 1)) ]
check "...its reason sealed at rest" \
    bash -c "sqlite3 '$db' 'SELECT reason FROM support_case WHERE id = $case_id' | grep -q '^s1:' && ! grep -q 'Opened from the current flags' '$db'"
check "...with the first contact due" \
    [ "$(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND kind = 'first_contact' AND done_at IS NULL")" = 1 ]
code=$(http "$BASE/learners/$learner/cases" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "source=flag")
check "a second case for the same learner is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'already has an open case' '$TMP/body' && grep -q 'id=\"error-summary\"' '$TMP/body'"

# ---- the case page, steps ----
code=$(http "$BASE/cases/$case_id" -b "$K")
token=$(csrf_of)
check "the key worker's case page (200) offers the next step" \
    bash -c "[ $code = 200 ] && grep -q 'data-state=\"open\"' '$TMP/body' && grep -q 'value=\"start_assessment\"' '$TMP/body'"
check "...and shows the flag's suggested tier beside the tier" grep -q 'the flag suggests' "$TMP/body"
check "...and the reason, from the flags" grep -q 'Opened from the current flags: ' "$TMP/body"
check "...without the lists of every staff member: links to the team and handover forms" \
    bash -c "! grep -q 'id=\"team-staff\"' '$TMP/body' && ! grep -q 'id=\"tr-staff\"' '$TMP/body' && grep -q '?form=team#h-team' '$TMP/body' && grep -q '?form=transfer#h-transfer' '$TMP/body'"
code=$(http "$BASE/cases/$case_id?form=team" -b "$K")
check "...?form=team shows the team form with its list (200)" \
    bash -c "[ $code = 200 ] && grep -q 'id=\"team-staff\"' '$TMP/body' && ! grep -q 'id=\"tr-staff\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id?form=transfer" -b "$K")
check "...?form=transfer shows the handover form with its list (200)" \
    bash -c "[ $code = 200 ] && grep -q 'id=\"tr-staff\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id" -b "$K")
hist=$(q "SELECT count(*) FROM case_history WHERE case_id = $case_id")
code=$(http "$BASE/cases/$case_id/step" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "step=agree_plan")
check "a step the table does not allow is refused (400)" [ "$code" = 400 ]
check "...with a message naming the state and the step" \
    grep -q 'A case in the state “Open” cannot take the step “Agree the plan”.' "$TMP/body"
check "...in the error summary, focused" grep -q 'id="error-summary" role="alert" tabindex="-1" autofocus' "$TMP/body"
check "...and nothing is written" \
    bash -c "[ $(q "SELECT count(*) FROM case_history WHERE case_id = $case_id") = $hist ] && [ $(q "SELECT state FROM support_case WHERE id = $case_id") = open ]"
code=$(http "$BASE/cases/$case_id/step" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "step=start_assessment" --data-urlencode "reason=Met her today.")
check "an allowed step goes through (303) and the state moves" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT state FROM support_case WHERE id = $case_id") = assessment ]"

# ---- who may see it ----
code=$(http "$BASE/cases/$case_id" -b "$T")
check "a teacher not on the team is refused the case (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$case_id/step" -b "$T" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "step=close")
check "...and cannot change it" bash -c "[ $code = 403 ] || [ $code = 400 ]"
code=$(http "$BASE/cases/$case_id" -b "$L")
check "a leader sees the state (200), not the reason" \
    bash -c "[ $code = 200 ] && grep -q 'data-state=\"assessment\"' '$TMP/body' && ! grep -q 'Met her today' '$TMP/body' && ! grep -q 'Opened from the current flags' '$TMP/body' && grep -q 'not its contents' '$TMP/body'"
code=$(http "$BASE/cases/$case_id" -b "$P1")
check "a team member not (yet) on the team is refused (403)" [ "$code" = 403 ]
code=$(http "$BASE/learners/$learner" -b "$P1")
check "...and so is the learner (403)" [ "$code" = 403 ]
p1staff=$(q "SELECT person_id FROM account WHERE username = 'psyone'")
code=$(http "$BASE/cases/$case_id/team" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "staff_id=$p1staff" --data-urlencode "role=psychologist")
check "the key worker adds the psychologist to the team (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$case_id" -b "$P1")
check "...who then opens the case (200) with its reason" \
    bash -c "[ $code = 200 ] && grep -q 'Met her today' '$TMP/body'"
code=$(http "$BASE/learners/$learner" -b "$P1")
check "...and the learner (200)" [ "$code" = 200 ]
other=$(q "SELECT min(id) FROM support_case WHERE id <> $case_id")
other_learner=$(q "SELECT learner_id FROM support_case WHERE id = $other")
code=$(http "$BASE/cases/$other" -b "$P1")
check "...but not another case (403)" [ "$code" = 403 ]
code=$(http "$BASE/learners/$other_learner" -b "$P1")
check "...nor its learner (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$case_id" -b "$P2")
check "a team member of no team is refused (403)" [ "$code" = 403 ]

http "$BASE/cases/$case_id" -b "$P1" > /dev/null
code=$(http "$BASE/cases/$case_id/follow-up" -b "$P1" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "what=Call the housing office" --data-urlencode "owner_id=$p1staff" \
       --data-urlencode "due_on=2020-01-01")
check "a follow-up due in the past is refused (400), the error beside the form" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"follow-up-error\"' '$TMP/body'"
http "$BASE/cases/$case_id" -b "$P1" > /dev/null
code=$(http "$BASE/cases/$case_id/follow-up" -b "$P1" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "what=Call the housing office" --data-urlencode "owner_id=$p1staff" \
       --data-urlencode "due_on=$(date -u -d '+3 days' +%F)")
check "the team member adds a follow-up for themselves (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$case_id" -b "$K")
check "...which the case page lists with its words" grep -q 'Call the housing office' "$TMP/body"
code=$(http "$BASE/" -b "$P1")
check "...and the team member's home page lists as due (200)" \
    bash -c "[ $code = 200 ] && grep -q 'My cases: what is due' '$TMP/body' && grep -q 'href=\"/cases/$case_id\"' '$TMP/body'"

# ---- a case conference ----
http "$BASE/cases/$case_id" -b "$K" > /dev/null
today=$(date -u +%F)
code=$(http "$BASE/cases/$case_id/conference" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "held_on=$today" --data-urlencode "attendee=$p1staff" \
       --data-urlencode "notes=Housing first." --data-urlencode "what=Ring the hostel" \
       --data-urlencode "owner_id=$p1staff" --data-urlencode "due_on=$today")
check "a conference without a life domain is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"conference-error\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/conference" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "held_on=$today" --data-urlencode "attendee=$p1staff" \
       --data-urlencode "domain=housing" --data-urlencode "domain=money" \
       --data-urlencode "notes=Housing first." --data-urlencode "what=Ring the hostel" \
       --data-urlencode "owner_id=$p1staff" --data-urlencode "due_on=$today" \
       --data-urlencode "what=" --data-urlencode "owner_id=$p1staff" --data-urlencode "due_on=")
check "the key worker records a conference (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$case_id" -b "$K")
check "...listed with its domains and notes, its decision a task" \
    bash -c "grep -q 'Housing first.' '$TMP/body' && grep -q 'Ring the hostel' '$TMP/body' && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND conference_id IS NOT NULL") = 1 ]"

# ---- the JSON twin ----
code=$(http "$BASE/api/v1/cases/$case_id" -b "$K")
check "GET /api/v1/cases/{id} as the key worker (200) with the state, team and next steps" \
    bash -c "[ $code = 200 ] && grep -q '\"state\": *\"assessment\"' '$TMP/body' && grep -q '\"role\": *\"psychologist\"' '$TMP/body' && grep -q '\"agree_plan\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id" -b "$L")
check "...as a leader (200) without the reason or the team" \
    bash -c "[ $code = 200 ] && ! grep -q '\"reason\"' '$TMP/body' && ! grep -q '\"team\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id" -b "$T")
check "...as a teacher not on the team (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/cases/999999" -b "$K")
check "...an unknown case (404)" [ "$code" = 404 ]

# ---- the JSON twins of the forms ----
"$CAIRN" user token keyworker --name cases --db "$db" > "$TMP/kw.token" 2> /dev/null
"$CAIRN" user token teacher --name cases --db "$db" > "$TMP/t.token" 2> /dev/null
TT=$(tail -1 "$TMP/t.token" | awk '{print $NF}')
KT=$(tail -1 "$TMP/kw.token" | awk '{print $NF}')
japi() {   # japi PATH JSON: POST it as the key worker
    http "$BASE/api/v1$1" -X POST -H "Authorization: Bearer $KT" -H 'Content-Type: application/json' -d "$2"
}
hist=$(q "SELECT count(*) FROM case_history WHERE case_id = $case_id")
code=$(japi "/cases/$case_id/step" '{"step": "start_monitoring"}')
check "POST /api/v1/cases/{id}/step: a step the table does not allow is 400 with field step" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"step\"' '$TMP/body' && grep -q '\"code\": *\"bad_request\"' '$TMP/body'"
check "...and the message names the state and the step, as the form does" \
    grep -q 'A case in the state “Assessment” cannot take the step “Start monitoring”.' "$TMP/body"
check "...nothing written" [ "$(q "SELECT count(*) FROM case_history WHERE case_id = $case_id")" = "$hist" ]
code=$(japi "/cases/$case_id/tier" '{"tier": "enormous", "reason": "x"}')
check "POST .../tier with an unknown tier (400, field tier, the form's words)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"tier\"' '$TMP/body' && grep -q 'Choose a tier from the list.' '$TMP/body'"
code=$(japi "/cases/$case_id/tier" '{"tier": "individual", "reason": "x", "colour": "red"}')
check "...an unknown member is a malformed body (400)" [ "$code" = 400 ]
code=$(japi "/cases/$case_id/tier" '{"tier": "individual", "reason": "Weekly now."}')
check "...a tier change goes through (200, the case)" \
    bash -c "[ $code = 200 ] && grep -q '\"tier\": *\"individual\"' '$TMP/body'"
code=$(japi "/cases/$case_id/follow-up" "{\"what\": \"Ring the mother\", \"owner_id\": $p1staff, \"due_on\": \"2020-01-01\"}")
check "POST .../follow-up due in the past (400, field due_on)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"due_on\"' '$TMP/body'"
code=$(japi "/cases/$case_id/follow-up" "{\"what\": \"Ring the mother\", \"owner_id\": $p1staff, \"due_on\": \"$(date -u -d '+2 days' +%F)\"}")
check "...in two days (200)" \
    bash -c "[ $code = 200 ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND kind = 'follow_up'") -ge 2 ]"
task=$(q "SELECT max(id) FROM case_task WHERE case_id = $case_id AND done_at IS NULL")
code=$(japi "/cases/$case_id/task-done" "{\"task_id\": $task}")
check "POST .../task-done (200)" bash -c "[ $code = 200 ] && [ -n \"\$(sqlite3 '$db' 'SELECT done_at FROM case_task WHERE id = $task')\" ]"
# A review task is done by recording the review, not by "Mark done".
rtask=$(q "SELECT min(t.id) FROM case_task t JOIN support_case c ON c.id = t.case_id
           WHERE t.kind = 'review' AND t.done_at IS NULL AND t.cancelled = 0 AND c.state <> 'closed'
           AND c.key_worker_id = (SELECT person_id FROM account WHERE username = 'keyworker')")
rcase=$(q "SELECT case_id FROM case_task WHERE id = ${rtask:-0}")
code=$(http "$BASE/cases/$rcase" -b "$K")
check "a review task on the case page leads to the review form, not to 'Mark done'" \
    bash -c "[ -n '$rtask' ] && [ $code = 200 ] && grep -q 'href=\"/cases/$rcase/reviews#h-review-new\"' '$TMP/body' && ! grep -q 'name=\"task_id\" value=\"$rtask\"' '$TMP/body'"
code=$(http "$BASE/cases/$rcase/task-done" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "task_id=$rtask")
check "...marking it done by hand sends the person to the review form (303), nothing recorded" \
    bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /cases/$rcase/reviews#h-review-new' && [ -z \"\$(sqlite3 '$db' 'SELECT done_at FROM case_task WHERE id = $rtask')\" ]"
code=$(japi "/cases/$rcase/task-done" "{\"task_id\": $rtask}")
check "...and the JSON twin refuses it (400, field task), nothing recorded" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"task\"' '$TMP/body' && grep -q 'reviews page' '$TMP/body' && [ -z \"\$(sqlite3 '$db' 'SELECT done_at FROM case_task WHERE id = $rtask')\" ]"
code=$(japi "/cases/$case_id/team" "{\"staff_id\": $p1staff, \"role\": \"mentor\"}")
check "POST .../team with someone on the team already (400, field staff_id)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"staff_id\"' '$TMP/body'"
code=$(japi "/cases/$case_id/conference" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$p1staff], \"domains\": [], \"notes\": \"\"}")
check "POST .../conference without a domain (400, field domains)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"domains\"' '$TMP/body'"
code=$(japi "/cases/$case_id/conference" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$p1staff], \"domains\": [\"money\"], \"notes\": \"By phone.\", \"decisions\": [{\"what\": \"Apply for the grant\", \"owner_id\": $p1staff, \"due_on\": \"$(date -u +%F)\"}]}")
check "...with one (200), its decision a task" \
    bash -c "[ $code = 200 ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND conference_id IS NOT NULL") = 2 ]"
code=$(japi "/cases/$case_id/transfer-answer" '{"answer": "accept"}')
check "POST .../transfer-answer without an offer (400, field transfer)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"transfer\"' '$TMP/body'"
code=$(japi "/cases/$case_id/step" '{"step": "agree_plan"}')
check "POST .../step agree_plan while the plan has no goal (400, field step, says why)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"step\"' '$TMP/body' && grep -q 'no goal' '$TMP/body'"
code=$(japi "/cases/$case_id/goals" "{\"plan\": \"learning\", \"domain\": \"attendance\", \"what\": \"Come every day\", \"measure\": \"days present of 10\", \"baseline\": 6, \"target\": 9, \"due_on\": \"$(date -u -d '+30 days' +%F)\"}")
check "POST .../goals: a SMART goal (201)" [ "$code" = 201 ]
code=$(japi "/cases/$case_id/step" '{"step": "agree_plan"}')
check "POST .../step agree_plan (200): the case moves, next steps from there" \
    bash -c "[ $code = 200 ] && grep -q '\"state\": *\"plan_agreed\"' '$TMP/body' && grep -q '\"start_monitoring\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/step" -X POST -H "Authorization: Bearer $TT" \
       -H 'Content-Type: application/json' -d '{"step": "close"}')
check "...not for a teacher off the team (403)" [ "$code" = 403 ]
http "$BASE/cases/$case_id" -b "$P1" > /dev/null
ptoken=$(csrf_of)
code=$(http "$BASE/api/v1/cases/$case_id/follow-up" -b "$P1" -X POST -H "X-CSRF-Token: $ptoken" \
       -H 'Content-Type: application/json' \
       -d "{\"what\": \"Bring the forms\", \"owner_id\": $p1staff, \"due_on\": \"$(date -u +%F)\"}")
check "a team member posts to their case's JSON twin with the session and its CSRF header (200)" [ "$code" = 200 ]
code=$(http "$BASE/api/v1/cases/$other/follow-up" -b "$P1" -X POST -H "X-CSRF-Token: $ptoken" \
       -H 'Content-Type: application/json' \
       -d "{\"what\": \"Bring the forms\", \"owner_id\": $p1staff, \"due_on\": \"$(date -u +%F)\"}")
check "...but not to another case's (403), nothing written" \
    bash -c "[ $code = 403 ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $other AND kind = 'follow_up' AND owner_id = $p1staff") = 0 ]"
jl=$(q "SELECT s.learner_id FROM risk_score s WHERE s.asof = '2025-03-14' AND s.flags <> '[]'
        AND NOT EXISTS (SELECT 1 FROM support_case c WHERE c.learner_id = s.learner_id AND c.state <> 'closed')
        AND s.learner_id IN (SELECT learner_id FROM support_assignment WHERE ended_at IS NULL
        AND staff_id = (SELECT person_id FROM account WHERE username = 'keyworker'))
        ORDER BY s.learner_id LIMIT 1")
if [ -n "$jl" ]; then
    code=$(japi "/learners/$jl/cases" '{"source": "sideways"}')
    check "POST /api/v1/learners/{id}/cases with an unknown source (400, field source)" \
        bash -c "[ $code = 400 ] && grep -q '\"field\": *\"source\"' '$TMP/body'"
    code=$(japi "/learners/$jl/cases" '{"source": "flag"}')
    check "...from a flag (201, Location, the reason from the flags)" \
        bash -c "[ $code = 201 ] && tr -d '\\r' < '$TMP/headers' | grep -qE '^Location: /api/v1/cases/[0-9]+$' && grep -q 'Opened from the current flags' '$TMP/body'"
    code=$(japi "/learners/$jl/cases" '{"source": "flag"}')
    check "...a second one is refused (400, the form's words)" \
        bash -c "[ $code = 400 ] && grep -q 'already has an open case' '$TMP/body'"
fi

# ---- handing the case over ----
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "another key worker is refused the case (403)" [ "$code" = 403 ]
http "$BASE/cases/$case_id" -b "$K" > /dev/null
code=$(http "$BASE/cases/$case_id/transfer" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "staff_id=$kw2staff" --data-urlencode "reason=On leave from Monday.")
check "the key worker offers the case to the other key worker (303)" [ "$code" = 303 ]
code=$(http "$BASE/" -b "$K2")
check "...whose home page lists the offer" \
    bash -c "[ $code = 200 ] && grep -q 'Cases offered to you' '$TMP/body' && grep -q 'href=\"/cases/$case_id\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "...who may read the case while it waits (200), with accept and decline" \
    bash -c "[ $code = 200 ] && grep -q 'On leave from Monday' '$TMP/body' && grep -q 'value=\"accept\"' '$TMP/body' && grep -q 'value=\"decline\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/transfer-answer" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "answer=accept")
check "...and accepts it (303)" [ "$code" = 303 ]
check "...becoming its key worker, with a first contact due" \
    bash -c "[ $(q "SELECT key_worker_id FROM support_case WHERE id = $case_id") = $kw2staff ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND owner_id = $kw2staff AND kind = 'first_contact' AND done_at IS NULL") -ge 1 ]"
code=$(http "$BASE/cases/$case_id" -b "$K")
check "...and the former key worker no longer opens it (403)" [ "$code" = 403 ]

# ---- a leader's approval of closing (case.approval.close) ----
"$CAIRN" setting --db "$db" case.approval.close 1 > /dev/null 2>&1
check "cairn setting turns on the approval of closing" \
    [ "$("$CAIRN" setting --db "$db" case.approval.close)" = 1 ]
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "...the close step says a school leader approves it first" \
    bash -c "[ $code = 200 ] && grep -q 'Your school asks a school leader to approve this first.' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/step" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "step=close" --data-urlencode "outcome=moved" \
       --data-urlencode "reason=Moved to her aunt in Graz.")
check "the key worker's close step becomes a request (303, done=asked)" \
    bash -c "[ $code = 303 ] && [ '$(location)' = '/cases/$case_id?done=asked' ]"
check "...the case stays open, the request waits" \
    bash -c "[ $(q "SELECT state FROM support_case WHERE id = $case_id") = plan_agreed ] && [ $(q "SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'pending'") = 1 ]"
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "...the case page shows it, without an answer form for the key worker" \
    bash -c "[ $code = 200 ] && grep -q 'Waiting for approval' '$TMP/body' && grep -q 'data-kind=\"close\"' '$TMP/body' && ! grep -q 'value=\"approve\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/approval" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "answer=approve" --data-urlencode "comment=Mine.")
check "...the key worker cannot approve their own request (403)" \
    bash -c "[ $code = 403 ] && [ $(q "SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state <> 'pending'") = 0 ]"
code=$(http "$BASE/" -b "$L")
check "the leader's home page lists the request" \
    bash -c "[ $code = 200 ] && grep -q 'Requests waiting for your approval' '$TMP/body' && grep -q 'href=\"/cases/$case_id\"' '$TMP/body'"
code=$(http "$BASE/caseload" -b "$L")
check "...and so does the Cases page" \
    bash -c "[ $code = 200 ] && grep -q 'Requests waiting for your approval' '$TMP/body' && grep -q 'href=\"/cases/$case_id\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id" -b "$L")
check "...the leader sees what is asked and why, with approve and decline" \
    bash -c "[ $code = 200 ] && grep -q 'Moved to her aunt in Graz' '$TMP/body' && grep -q 'value=\"approve\"' '$TMP/body' && grep -q 'value=\"decline\"' '$TMP/body'"
ltoken=$(csrf_of)
code=$(http "$BASE/cases/$case_id/approval" -b "$L" -X POST --data-urlencode "csrf=$ltoken" \
       --data-urlencode "answer=decline" --data-urlencode "comment=")
check "...declining without a comment is refused (400), the error beside the form" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"approval-error\"' '$TMP/body' && grep -q 'Write a comment.' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/approval" -b "$L" -X POST --data-urlencode "csrf=$ltoken" \
       --data-urlencode "answer=maybe" --data-urlencode "comment=Hm.")
check "...an answer neither approve nor decline is refused with its own words (400), nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'Choose approve or decline.' '$TMP/body' && ! grep -q 'No request of this case is waiting' '$TMP/body' && [ \$(sqlite3 '$db' \"SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'pending'\") = 1 ]"
code=$(http "$BASE/cases/$case_id/approval" -b "$L" -X POST --data-urlencode "csrf=$ltoken" \
       --data-urlencode "answer=decline" --data-urlencode "comment=Talk to the aunt first.")
check "...the leader declines with a comment (303); the case stays open" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT state FROM support_case WHERE id = $case_id") = plan_agreed ] && [ $(q "SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'declined'") = 1 ]"
# ---- the key worker withdraws their request (support/case_withdraw.h) ----
declined=$(q "SELECT id FROM case_approval WHERE case_id = $case_id AND state = 'declined'")
http "$BASE/cases/$case_id" -b "$K2" > /dev/null
http "$BASE/cases/$case_id/step" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "step=close" --data-urlencode "outcome=left" \
    --data-urlencode "reason=She found work." > /dev/null
req=$(q "SELECT id FROM case_approval WHERE case_id = $case_id AND state = 'pending'")
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "the key worker who asked sees a withdraw form under the request waiting" \
    bash -c "[ $code = 200 ] && [ -n '$req' ] && grep -q 'action=\"/cases/$case_id/approval-withdraw\"' '$TMP/body' && grep -q 'name=\"request_id\" value=\"$req\"' '$TMP/body'"
k2token=$(csrf_of)
code=$(http "$BASE/cases/$case_id" -b "$L")
check "...a leader who did not ask has no withdraw form" \
    bash -c "[ $code = 200 ] && ! grep -q 'approval-withdraw' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/approval-withdraw" -b "$L" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "request_id=$req" --data-urlencode "reason=Not needed.")
check "...and withdrawing it is refused (400), the error in the request's section, nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"approval-withdraw-error\"' '$TMP/body' && grep -q 'Only the key worker who asked' '$TMP/body' && [ \$(sqlite3 '$db' \"SELECT count(*) FROM case_approval WHERE id = $req AND state = 'pending'\") = 1 ]"
code=$(http "$BASE/cases/$case_id/approval-withdraw" -b "$K2" -X POST --data-urlencode "csrf=$k2token" \
       --data-urlencode "request_id=$req" --data-urlencode "reason= ")
check "...without a reason (400, Write the reason.), nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"approval-withdraw-error\"' '$TMP/body' && grep -q 'Write the reason.' '$TMP/body' && [ \$(sqlite3 '$db' \"SELECT count(*) FROM case_approval WHERE id = $req AND state = 'pending'\") = 1 ]"
code=$(http "$BASE/cases/$case_id/approval-withdraw" -b "$K2" -X POST --data-urlencode "csrf=$k2token" \
       --data-urlencode "request_id=$declined" --data-urlencode "reason=Old one.")
check "...the request a leader declined is answered already (400), nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'This request was answered already' '$TMP/body' && [ \$(sqlite3 '$db' \"SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'withdrawn'\") = 0 ]"
for bad in "" 0 abc; do
    code=$(http "$BASE/cases/$case_id/approval-withdraw" -b "$K2" -X POST --data-urlencode "csrf=$k2token" \
           --data-urlencode "request_id=$bad" --data-urlencode "reason=The job fell through.")
    check "...a form naming no request ('$bad') is refused (400, field named), nothing written" \
        bash -c "[ $code = 400 ] && grep -q 'field request_id' '$TMP/body' && [ \$(sqlite3 '$db' \"SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'withdrawn'\") = 0 ]"
done
aw0=$(q "SELECT count(*) FROM audit_event WHERE action = 'case.approval_withdraw'")   # the demo's
code=$(http "$BASE/cases/$case_id/approval-withdraw" -b "$K2" -X POST --data-urlencode "csrf=$k2token" \
       --data-urlencode "request_id=$req" --data-urlencode "reason=The job fell through.")
check "...the key worker withdraws it (303): request withdrawn, history row, audit event" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM case_approval WHERE id = $req AND state = 'withdrawn'") = 1 ] && [ $(q "SELECT count(*) FROM case_history WHERE case_id = $case_id AND kind = 'approval_withdraw'") = 1 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'case.approval_withdraw'") = $((aw0 + 1)) ] && ! grep -q 'The job fell through' '$db'"
code=$(http "$BASE/cases/$case_id" -b "$K2")
check "...the case page shows it in the history, no request waits" \
    bash -c "[ $code = 200 ] && grep -q 'Request withdrawn by the key worker' '$TMP/body' && ! grep -q 'data-kind=\"close\"' '$TMP/body'"
code=$(http "$BASE/" -b "$L")
check "...the leader no longer sees it in their list" \
    bash -c "[ $code = 200 ] && ! grep -q 'href=\"/cases/$case_id\"' '$TMP/body'"
http "$BASE/cases/$case_id" -b "$K2" > /dev/null
http "$BASE/cases/$case_id/step" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "step=close" --data-urlencode "outcome=left" \
    --data-urlencode "reason=She found work again." > /dev/null
"$CAIRN" user token kwtwo --name withdraw --db "$db" > "$TMP/kw2.token" 2> /dev/null
KT=$(cat "$TMP/kw2.token")
code=$(http "$BASE/api/v1/cases/$case_id" -H "Authorization: Bearer $KT")
req=$(q "SELECT id FROM case_approval WHERE case_id = $case_id AND state = 'pending'")
check "GET /api/v1/cases/{id} names the request waiting (pending_approval.id)" \
    bash -c "[ $code = 200 ] && grep -q '\"pending_approval\": *{\"id\": *$req' '$TMP/body' && python3 '$CHECKER' '$SPEC' GET /cases/$case_id 200 '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/approval-withdraw" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' -d "{\"request_id\": $req}")
check "POST /api/v1/cases/{id}/approval-withdraw without a reason (400, field reason)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"reason\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/approval-withdraw" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' -d "{\"request_id\": $req, \"reason\": \"Staying on.\"}")
check "...with one (200): the case, nothing waiting, as docs/openapi.yaml says" \
    bash -c "[ $code = 200 ] && grep -q '\"pending_approval\": *null' '$TMP/body' && [ $(q "SELECT count(*) FROM case_approval WHERE case_id = $case_id AND state = 'withdrawn'") = 2 ] && python3 '$CHECKER' '$SPEC' POST /cases/$case_id/approval-withdraw 200 '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/approval-withdraw" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' -d "{\"request_id\": $req, \"reason\": \"Again.\"}")
check "...the same request again (400, field approval, answered already)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"approval\"' '$TMP/body' && grep -q 'answered already' '$TMP/body' && python3 '$CHECKER' '$SPEC' POST /cases/$case_id/approval-withdraw 400 '$TMP/body'"
http "$BASE/cases/$case_id" -b "$K2" > /dev/null
http "$BASE/cases/$case_id/step" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "step=close" --data-urlencode "outcome=moved" \
    --data-urlencode "reason=Moved to Graz, aunt agrees." > /dev/null
"$CAIRN" user token leader --name approvals --db "$db" > "$TMP/leader.token" 2> /dev/null
LT=$(cat "$TMP/leader.token")
code=$(http "$BASE/api/v1/cases/$case_id/approval" -H "Authorization: Bearer $LT" \
       -H 'Content-Type: application/json' -d '{"answer": "maybe", "comment": "Hm."}')
check "POST /api/v1/cases/{id}/approval with an unknown answer (400, the field named)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"answer\"' '$TMP/body' && grep -q '\"code\": *\"bad_request\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/approval" -H "Authorization: Bearer $LT" \
       -H 'Content-Type: application/json' -d '{"answer": "approve", "comment": ""}')
check "...without a comment (400, field comment, the form's words)" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"comment\"' '$TMP/body' && grep -q 'Write a comment.' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/approval" -H "Authorization: Bearer $LT" \
       -H 'Content-Type: application/json' -d '{"answer": "approve", "comment": "Agreed on the phone."}')
check "...approved (200): the case is closed as asked" \
    bash -c "[ $code = 200 ] && grep -q '\"state\": *\"closed\"' '$TMP/body' && [ $(q "SELECT outcome FROM support_case WHERE id = $case_id") = moved ]"
check "...asks and answers in the history and the audit log, comments sealed" \
    bash -c "[ $(q "SELECT count(*) FROM case_history WHERE case_id = $case_id AND kind LIKE 'approval_%'") = 8 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action IN ('case.approval_ask', 'case.approval_approve', 'case.approval_decline') AND learner_id = (SELECT learner_id FROM support_case WHERE id = $case_id)") = 6 ] && ! grep -q 'Agreed on the phone' '$db'"
"$CAIRN" setting --db "$db" case.approval.close 0 > /dev/null 2>&1

# ---- the leader's figures ----
code=$(http "$BASE/caseload" -b "$L")
check "the leader's Cases page (200): caseload per key worker, closures by outcome" \
    bash -c "[ $code = 200 ] && grep -q 'Caseload per key worker' '$TMP/body' && grep -q 'Closures by outcome' '$TMP/body' && grep -q 'Molly\\|<bdi>' '$TMP/body'"
check "...counts only: no learner, no reason" \
    bash -c "! grep -q 'href=\"/learners/' '$TMP/body' && ! grep -q 'Met her today' '$TMP/body'"
check "...small counts withheld" grep -q 'class="withheld"' "$TMP/body"
code=$(http "$BASE/caseload" -b "$K")
check "...not for a key worker (403)" [ "$code" = 403 ]

# ---- the learner's interventions on the case ----
ivcase=$(q "SELECT min(p.case_id) FROM intervention_participation p JOIN support_case c
            ON c.id = p.case_id WHERE c.key_worker_id = (SELECT person_id FROM account
            WHERE username = 'keyworker')")
check "the demo's participations of learners with an open case refer to the case" [ -n "$ivcase" ]
code=$(http "$BASE/cases/$ivcase" -b "$K")
check "...whose page lists the learner's interventions with links, tier, sessions, state" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-case-iv\">Interventions</h2>' '$TMP/body' && grep -q 'href=\"/intervention-runs/[0-9]*\"' '$TMP/body' && grep -q 'planned:' '$TMP/body'"
token=$(csrf_of)
run=$(q "SELECT min(run_id) FROM intervention_participation WHERE case_id = $ivcase")
p2staff=$(q "SELECT person_id FROM account WHERE username = 'psytwo'")
code=$(http "$BASE/intervention-runs/$run" -b "$P2")
check "a team member off that case does not see the run's participant (no learner link)" \
    bash -c "! grep -q 'href=\"/learners/$(q "SELECT learner_id FROM support_case WHERE id = $ivcase")\"' '$TMP/body'"
http "$BASE/cases/$ivcase/team" -b "$K" -X POST --data-urlencode "csrf=$token" \
    --data-urlencode "staff_id=$p2staff" --data-urlencode "role=social_worker" > /dev/null
code=$(http "$BASE/cases/$ivcase" -b "$P2")
check "...added to the team, they see the learner's interventions on the case page" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/intervention-runs/$run\"' '$TMP/body'"

# ---- the audit log ----
check "every view and change is in the audit log" \
    bash -c "[ $(q "SELECT count(*) FROM audit_event WHERE action = 'case.view'") -ge 3 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'case.view_state'") -ge 2 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action IN ('case.open', 'case.step', 'case.team_add')") -ge 3 ]"
check "...without the reasons" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE detail LIKE '%Met her%' OR detail LIKE '%flags:%'")" = 0 ]

stop_server
check "the server stops cleanly, with nothing from the sanitizers in its log" \
    bash -c "[ '$STOP_STATUS' = 0 ] && ! grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer' '$TMP/serve.log'"

done_testing
