#!/bin/bash
# tests/cli/test_plan.sh — plans and SMART goals through the server.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_plan.sh      (from the repository root)
#
# Makes a scored demo school with its accounts (the demo cases whose plan
# is agreed have goals) and two team member accounts, starts the server
# and, signed in with curl: the plan page lists the plans and goals; a goal
# without a measure, or due in the past, is refused (400) with the error
# beside its field and in the summary, and nothing is saved; a good goal
# is saved, edited and marked achieved; the case page has the plan section;
# a case in assessment cannot agree its plan without a goal, and can with
# one; the JSON twin lists the goals and answers a refused goal with 400
# and the field; a psychologist on the team sees the health plan, a mentor
# not; a team member of another case, and a leader not on the team, are
# refused; the stylesheet prints the plan; the goal's words are sealed in
# the database file.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/plan.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"

q() { sqlite3 "$db" "$1"; }

check "the demo's agreed plans have SMART goals" \
    [ "$(q "SELECT count(DISTINCT g.case_id) FROM support_goal g JOIN support_case c
            ON c.id = g.case_id WHERE c.state IN ('plan_agreed', 'monitoring', 'closed')")" -ge 3 ]
check "...and reasons for 'not now'" [ "$(q "SELECT count(*) FROM support_not_now")" -ge 1 ]
psy1=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
          WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
psy2=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
          WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1 OFFSET 1")
echo 'a-long-test-password-1' | "$CAIRN" user add psyone --role team_member --staff "$psy1" \
    --password-stdin --db "$db" > /dev/null
echo 'a-long-test-password-2' | "$CAIRN" user add mentor --role team_member --staff "$psy2" \
    --password-stdin --db "$db" > /dev/null
p1staff=$(q "SELECT person_id FROM account WHERE username = 'psyone'")
p2staff=$(q "SELECT person_id FROM account WHERE username = 'mentor'")
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"; P1="$TMP/p1.jar"; P2="$TMP/p2.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$P1" psyone a-long-test-password-1 > /dev/null
sign_in "$P2" mentor a-long-test-password-2 > /dev/null

agreed=$(q "SELECT min(c.id) FROM support_case c WHERE c.state = 'plan_agreed'")
case_id=$(q "SELECT min(id) FROM support_case WHERE state = 'assessment'")

# ---- the plan page ----
code=$(http "$BASE/cases/$agreed/plan" -b "$K")
check "the key worker's plan page (200) has the three plans with their goals" \
    bash -c "[ $code = 200 ] && grep -q 'Individual learning plan' '$TMP/body' && grep -q 'Career plan' '$TMP/body' && grep -q 'Health and well-being plan' '$TMP/body' && grep -q 'Attend 9 of 10 school days' '$TMP/body'"
check "...a table per plan, each cell labelled for the phone's cards" \
    bash -c "grep -q '<table class=\"goals\">' '$TMP/body' && grep -q 'data-label=\"Measure\"' '$TMP/body'"
check "...the recovery note and the reasons for not now" \
    bash -c "grep -q 'Two Saturday workshops' '$TMP/body' && grep -q 'grant once the catch-up' '$TMP/body'"
check "...and the goal form" grep -q 'action="/cases/'"$agreed"'/goals"' "$TMP/body"

# ---- needs not yet answered (from the latest needs assessment) ----
monitored=$(q "SELECT min(id) FROM support_case WHERE state = 'monitoring'")
code=$(http "$BASE/cases/$monitored" -b "$K")
check "the case page counts the needs not yet answered" \
    bash -c "[ $code = 200 ] && grep -q 'data-unanswered=\"1\"' '$TMP/body'"
code=$(http "$BASE/cases/$monitored/plan" -b "$K")
token=$(csrf_of)
check "the plan page lists the need rated 2 with no goal, with its forms" \
    bash -c "[ $code = 200 ] && grep -q '<li data-domain=\"family\">' '$TMP/body' && grep -q 'plan?domain=family#goal-form' '$TMP/body'"
code=$(http "$BASE/cases/$monitored/not-now" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "domain=family" --data-urlencode "reason=")
check "a 'not now' without a reason is refused (400) beside its form" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"nn-error-family\"' '$TMP/body'"
code=$(http "$BASE/cases/$monitored/not-now" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "domain=family" \
       --data-urlencode "reason=The family service works with the father; we follow its advice.")
check "...with one it is recorded (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$monitored/plan" -b "$K")
check "...and the need is answered" \
    bash -c "[ $code = 200 ] && ! grep -q '<li data-domain=\"family\">' '$TMP/body' && grep -q 'The family service works with the father' '$TMP/body'"

code=$(http "$BASE/cases/$case_id/plan" -b "$K")
token=$(csrf_of)
check "a case in assessment: the plan page (200), no goal yet" \
    bash -c "[ $code = 200 ] && grep -q 'No goal yet.' '$TMP/body'"

# ---- agreeing the plan needs a goal ----
http "$BASE/cases/$case_id" -b "$K" > /dev/null
code=$(http "$BASE/cases/$case_id/step" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "step=agree_plan")
check "agreeing a plan without a goal is refused (400) with the reason" \
    bash -c "[ $code = 400 ] && grep -q 'The plan has no goal yet' '$TMP/body' && [ $(q "SELECT state FROM support_case WHERE id = $case_id") = assessment ]"

# ---- refused goals ----
due=$(date -u -d '+42 days' +%F)
goal() {   # goal JAR [extra curl args]: POST a goal: the extras, then the good fields
    local jar=$1; shift   # (the first of two fields of the same name counts)
    http "$BASE/cases/$case_id/goals" -b "$jar" -X POST "$@" --data-urlencode "csrf=$token" \
        --data-urlencode "plan=learning" --data-urlencode "domain=attendance" \
        --data-urlencode "what=Attend 9 of 10 days in the workshop" \
        --data-urlencode "measure=days present of 10" --data-urlencode "baseline=6" \
        --data-urlencode "target=9" --data-urlencode "due_on=$due" \
        --data-urlencode "learner_step=Catch the 7:10 bus" \
        --data-urlencode "support=Bus pass from the hardship fund" \
        --data-urlencode "helper=other" --data-urlencode "helper_text=Workshop trainer"
}
before=$(q "SELECT count(*) FROM support_goal")
code=$(goal "$K" --data-urlencode "measure=")
check "a goal without a measure is refused (400)" [ "$code" = 400 ]
check "...with the error beside the field" \
    bash -c "grep -q 'id=\"g-measure-error\">Write the measure: what is counted.' '$TMP/body' && grep -q 'aria-describedby=\"g-measure-error\" aria-invalid=\"true\"' '$TMP/body'"
check "...and in the summary at the top, linked to the field" \
    bash -c "grep -q 'id=\"error-summary\"' '$TMP/body' && grep -q '<a href=\"#g-measure\">Write the measure' '$TMP/body'"
check "...the typed words kept" grep -q 'Attend 9 of 10 days in the workshop' "$TMP/body"
code=$(goal "$K" --data-urlencode "due_on=2020-01-01")
check "a goal due in the past is refused (400) beside the date" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"g-due_on-error\"' '$TMP/body'"
code=$(goal "$K" --data-urlencode "target=")
check "a goal without a target is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"g-target-error\"' '$TMP/body'"
code=$(goal "$K" --data-urlencode "what=$(head -c 600 /dev/zero | tr '\0' x)")
check "a goal with text too long is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"g-what-error\"' '$TMP/body'"
check "...and nothing was saved" [ "$(q "SELECT count(*) FROM support_goal")" = "$before" ]

# ---- a goal saved, edited, achieved ----
code=$(goal "$K")
check "a good goal is saved (303)" [ "$code" = 303 ]
gid=$(q "SELECT max(id) FROM support_goal WHERE case_id = $case_id")
check "...sealed in the database file" \
    bash -c "[ -n '$gid' ] && ! grep -q 'Catch the 7:10 bus' '$db' && ! grep -q 'hardship fund' '$db'"
code=$(http "$BASE/cases/$case_id/plan?edit=$gid" -b "$K")
check "...listed on the plan page, with its edit form filled in" \
    bash -c "[ $code = 200 ] && grep -q 'Catch the 7:10 bus' '$TMP/body' && grep -q 'name=\"goal_id\" value=\"$gid\"' '$TMP/body'"
code=$(goal "$K" --data-urlencode "goal_id=$gid" --data-urlencode "target=10")
check "...edited (303), the change audited by field" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT target FROM support_goal WHERE id = $gid") = 10.0 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'goal.edit' AND detail LIKE '%changed target'") = 1 ]"
code=$(http "$BASE/cases/$case_id" -b "$K")
check "the case page has the plan section with a link to the plan" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-plan\">Plan</h2>' '$TMP/body' && grep -q 'href=\"/cases/$case_id/plan\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/step" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "step=agree_plan")
check "...and with a goal the plan is agreed (303), its task done" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT state FROM support_case WHERE id = $case_id") = plan_agreed ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case_id AND kind = 'plan' AND done_at IS NULL") = 0 ]"
code=$(http "$BASE/cases/$case_id/goals/close" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "goal_id=$gid" --data-urlencode "status=dropped")
check "dropping a goal without a reason is refused (400) beside its form" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"close-error-$gid\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/goals/close" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "goal_id=$gid" --data-urlencode "status=achieved" \
       --data-urlencode "reason=Nine days or more for six weeks")
check "...marked achieved (303)" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT status FROM support_goal WHERE id = $gid") = achieved ]"

# ---- the JSON twin ----
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$K")
check "GET /api/v1/cases/{id}/goals (200) lists the goal" \
    bash -c "[ $code = 200 ] && grep -q '\"measure\": *\"days present of 10\"' '$TMP/body' && grep -q '\"status\": *\"achieved\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data-binary "{\"plan\":\"career\",\"domain\":\"career\",\"what\":\"Visit two firms\",\"measure\":\"firms visited\",\"due_on\":\"$due\"}")
check "POST without a target: 400 with the field and the page's words" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"target\"' '$TMP/body' && grep -q 'Write the target: the number to reach.' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data-binary "{\"plan\":\"career\",\"domain\":\"career\",\"what\":\"Visit two firms\",\"measure\":\"firms visited\",\"baseline\":0,\"target\":2,\"due_on\":\"$due\"}")
check "...with one: 201 and the goal" \
    bash -c "[ $code = 201 ] && grep -q '\"plan\": *\"career\"' '$TMP/body' && grep -q '\"target\": *2' '$TMP/body'"

gid2=$(q "SELECT max(id) FROM support_goal WHERE case_id = $case_id")
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' --data-binary "{\"goal_id\":$gid2,\"status\":\"dropped\"}")
check "...dropping it without a reason: 400 with the field" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"reason\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data-binary "{\"goal_id\":$gid2,\"status\":\"dropped\",\"reason\":\"The firms are closed in August.\"}")
check "...with one: 200, dropped" \
    bash -c "[ $code = 200 ] && grep -q '\"status\": *\"dropped\"' '$TMP/body'"

# ---- who sees what ----
http "$BASE/cases/$case_id" -b "$K" > /dev/null
http "$BASE/cases/$case_id/team" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "staff_id=$p1staff" --data-urlencode "role=psychologist" > /dev/null
http "$BASE/cases/$case_id" -b "$K" > /dev/null
http "$BASE/cases/$case_id/team" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "staff_id=$p2staff" --data-urlencode "role=mentor" > /dev/null
code=$(goal "$K" --data-urlencode "plan=health" --data-urlencode "domain=mental_health" \
       --data-urlencode "what=Sleep seven hours before school days")
check "the key worker adds a health goal (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$case_id/plan" -b "$P1")
check "the psychologist on the team sees the health plan (200)" \
    bash -c "[ $code = 200 ] && grep -q 'Sleep seven hours before school days' '$TMP/body'"
code=$(http "$BASE/cases/$case_id/plan" -b "$P2")
check "the mentor on the team sees the plan (200) but not the health goal" \
    bash -c "[ $code = 200 ] && grep -q 'Visit two firms' '$TMP/body' && ! grep -q 'Sleep seven hours' '$TMP/body' && ! grep -q 'Health and well-being plan' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$case_id/goals" -b "$P2")
check "...nor in JSON" bash -c "[ $code = 200 ] && ! grep -q 'Sleep seven hours' '$TMP/body'"
T="$TMP/teacher.jar"
sign_in "$T" teacher cairn-demo-classroom > /dev/null
code=$(http "$BASE/cases/$monitored/plan" -b "$T")
check "a teacher on the team sees the goal of the group they teach (200)" \
    bash -c "[ $code = 200 ] && grep -q 'Be in the workshop on every practical day' '$TMP/body' && grep -q 'concern a group you teach' '$TMP/body'"
check "...and no other goal, reason, note or form" \
    bash -c "! grep -q 'Choose a placement firm' '$TMP/body' && ! grep -q 'Talk to someone every week' '$TMP/body' && ! grep -q 'family service' '$TMP/body' && ! grep -q 'Needs not yet answered' '$TMP/body' && ! grep -q 'id=\"goal-form\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$monitored/goals" -b "$T")
check "...the same in JSON" \
    bash -c "[ $code = 200 ] && grep -q 'Be in the workshop' '$TMP/body' && ! grep -q 'placement firm' '$TMP/body' && ! grep -q '\"not_now\"' '$TMP/body'"
http "$BASE/cases/$monitored/plan" -b "$T" > /dev/null
code=$(http "$BASE/cases/$monitored/goals" -b "$T" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "plan=learning" --data-urlencode "domain=learning" \
       --data-urlencode "what=x" --data-urlencode "measure=y" --data-urlencode "target=1" \
       --data-urlencode "due_on=$due")
check "...and changes nothing (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$agreed/plan" -b "$P1")
check "a team member of another case is refused this plan (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/cases/$agreed/goals" -b "$P1")
check "...and its JSON (403)" [ "$code" = 403 ]
http "$BASE/cases/$case_id/plan" -b "$P1" > /dev/null
code=$(http "$BASE/cases/$agreed/goals" -b "$P1" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "plan=learning" --data-urlencode "domain=learning" \
       --data-urlencode "what=x" --data-urlencode "measure=y" --data-urlencode "target=1" \
       --data-urlencode "due_on=$due")
check "...and cannot add a goal to it (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$agreed/plan" -b "$L")
check "a leader not on the team is refused the plan (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/999999/plan" -b "$K")
check "an unknown case (404)" [ "$code" = 404 ]

# ---- print, audit ----
code=$(http "$BASE/assets/cairn.css")
check "the stylesheet prints the plan cleanly (a print rule for the goals)" \
    bash -c "[ $code = 200 ] && grep -q 'table.goals tr{break-inside:avoid}' '$TMP/body'"
if command -v chromium > /dev/null || command -v chromium-browser > /dev/null; then
    code=$(curl -s --max-time 90 -D "$TMP/headers" -o "$TMP/plan.pdf" -w '%{http_code}' \
           -b "$K" "$BASE/cases/$case_id/plan/pdf")
    check "the plan as PDF (200, application/pdf, %PDF-) from chromium, written to the audit log" \
        bash -c "[ $code = 200 ] && tr -d '\r' < '$TMP/headers' | grep -qi '^Content-Type: application/pdf' && [ \"\$(head -c 5 '$TMP/plan.pdf')\" = '%PDF-' ] && [ \$(sqlite3 '$db' \"SELECT count(*) FROM audit_event WHERE action = 'plan.print'\") = 1 ]"
else
    ok "# SKIP the plan as PDF: chromium is not installed"
fi
code=$(http "$BASE/cases/$agreed/plan/pdf" -b "$P1")
check "a team member of another case is refused its plan as PDF (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$agreed/plan/pdf" -b "$L")
check "...and so is a leader not on the team (403)" [ "$code" = 403 ]
check "plan views and goal changes are in the audit log, without the words" \
    bash -c "[ $(q "SELECT count(*) FROM audit_event WHERE action = 'plan.view'") -ge 3 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action IN ('goal.add', 'goal.edit', 'goal.close')") -ge 4 ] && [ $(q "SELECT count(*) FROM audit_event WHERE detail LIKE '%7:10%' OR detail LIKE '%firms%'") = 0 ]"

done_testing
