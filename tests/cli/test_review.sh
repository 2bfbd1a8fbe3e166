#!/bin/bash
# tests/cli/test_review.sh — reviews of a case through the server, end to end.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_review.sh      (from the repository root)
#
# Makes a demo school with its accounts (the demo gives the monitored case
# five weekly reviews with progress on its goals, the last naming a next
# review that is overdue, and the closed case its reviews), starts the
# server and, signed in with curl: `cairn setting` lists the cadence; the
# case page shows the last and the next review (overdue marked) with the
# link; the key worker's reviews page has the suggestion as advice, a
# chart per goal, the form and the past reviews with their words; refused
# forms (next review not after the review, a day in the future, an unknown
# decision, a value that is not a number) answer 400 with the error beside
# the field and in the summary and write nothing; a review with a decision
# to step the tier down is recorded (the tier stays; the page links the
# tier form), completes the overdue review task and makes the next one; a
# leader sees the dates only and may not record; a teacher on the team
# sees dates and the goals of their teaching; a teacher not on the team and
# a team member of another case are refused; the JSON twins answer by the
# same rules (400 with the field); the caseload page has the reviews on
# time; every view and review is in the audit log; the words are sealed.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/review.db"
if ! { "$CAIRN" demo --db "$db" --learners 200 &&
       "$CAIRN" score --db "$db" &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"

q() { sqlite3 "$db" "$1"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

"$CAIRN" setting --db "$db" > "$TMP/settings" 2>&1
check "cairn setting lists the review cadence of each tier" \
    bash -c "grep -q 'review.days.individual' '$TMP/settings' && grep -q 'review.days.selective' '$TMP/settings' && grep -q 'review.days.universal' '$TMP/settings'"
check "...and refuses a value out of its range" \
    bash -c "! '$CAIRN' setting --db '$db' review.days.individual 0 > /dev/null 2>&1"

mon=$(q "SELECT id FROM support_case WHERE state = 'monitoring' ORDER BY id LIMIT 1")
closed=$(q "SELECT c.id FROM support_case c WHERE c.state = 'closed' AND EXISTS (SELECT 1 FROM
            case_review r WHERE r.case_id = c.id) LIMIT 1")
check "the demo has reviews on the monitored and on a closed case" \
    bash -c "[ -n '$mon' ] && [ -n '$closed' ] && [ $(q "SELECT count(*) FROM case_review WHERE case_id = $mon") -ge 4 ]"
check "...with four progress points or more on a goal" \
    [ "$(q "SELECT max(k) FROM (SELECT count(*) AS k FROM review_progress GROUP BY goal_id)")" -ge 4 ]
check "...and one review overdue" \
    [ "$(q "SELECT count(*) FROM case_task WHERE case_id = $mon AND kind = 'review' AND done_at IS NULL AND due_on < date('now')")" = 1 ]
check "...its words sealed at rest" \
    bash -c "[ $(q "SELECT count(*) FROM case_review WHERE changed NOT LIKE 's1:%'") = 0 ] && ! grep -q 'Steady for a month' '$db'"

# A team member (psychologist) on another case only.
other=$(q "SELECT id FROM support_case WHERE id <> $mon AND state <> 'closed' ORDER BY id LIMIT 1")
psy=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
         WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
echo 'a-long-test-password-1' | "$CAIRN" user add psyone --role team_member --staff "$psy" \
    --password-stdin --db "$db" > /dev/null
psystaff=$(q "SELECT person_id FROM account WHERE username = 'psyone'")
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"; T="$TMP/teacher.jar"; P="$TMP/psy.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null
sign_in "$P" psyone a-long-test-password-1 > /dev/null
http "$BASE/cases/$other" -b "$K" > /dev/null
http "$BASE/cases/$other/team" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
    --data-urlencode "staff_id=$psystaff" --data-urlencode "role=psychologist" > /dev/null

# ---- the case page ----
code=$(http "$BASE/cases/$mon" -b "$K")
check "the case page (200) shows the last review and the next one due, overdue" \
    bash -c "[ $code = 200 ] && grep -q 'Last review' '$TMP/body' && grep -q '<strong class=\"overdue\">Next review due' '$TMP/body'"
check "...with the link to the reviews" grep -q "href=\"/cases/$mon/reviews\"" "$TMP/body"

# ---- the reviews page ----
views=$(q "SELECT count(*) FROM audit_event WHERE action = 'review.view'")
code=$(http "$BASE/cases/$mon/reviews" -b "$K")
token=$(csrf_of)
check "the key worker's reviews page (200)" [ "$code" = 200 ]
check "...with the suggestion as advice and its reason" \
    bash -c "grep -q 'Suggestion (advice only)' '$TMP/body' && grep -Eq 'On track: |Not moving: ' '$TMP/body' && grep -q 'a person decides' '$TMP/body'"
check "...a chart per goal, its baseline and target as dashed lines and in its table" \
    bash -c "[ \$(grep -c '<figure' '$TMP/body') -ge 2 ] && grep -q '<g class=\"marks\"' '$TMP/body' && grep -q '<tr class=\"mark\"><th scope=\"row\">Target</th>' '$TMP/body'"
check "...the form with a row per open goal" \
    bash -c "grep -q 'action=\"/cases/$mon/reviews\"' '$TMP/body' && [ \$(grep -c 'name=\"goal-[0-9]*\"' '$TMP/body') -ge 2 ]"
check "...the past reviews with their words, newest first" \
    bash -c "grep -q 'Steady for a month' '$TMP/body' && [ \$(grep -n 'Steady for a month' '$TMP/body' | cut -d: -f1) -lt \$(grep -n 'First week back' '$TMP/body' | cut -d: -f1) ]"
check "...the view in the audit log" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'review.view'")" = $((views + 1)) ]

goal=$(q "SELECT g.id FROM support_goal g WHERE g.case_id = $mon AND g.status = 'open' ORDER BY g.id LIMIT 1")
today=$(date -u +%F)
before=$(q "SELECT count(*) FROM case_review")
post() { http "$BASE/cases/$mon/reviews" -b "$K" -X POST --data-urlencode "csrf=$token" "$@"; }
code=$(post --data-urlencode "reviewed_on=$today" --data-urlencode "next_on=$today" \
       --data-urlencode "decision=continue" --data-urlencode "changed=Typed words stay.")
check "a next review not after the review is refused (400), beside the field and at the top" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"error-summary\"' '$TMP/body' && grep -q 'id=\"rv-next_on-error\"' '$TMP/body' && grep -q 'The next review must be after this review' '$TMP/body' && grep -q 'Typed words stay.' '$TMP/body'"
code=$(post --data-urlencode "reviewed_on=2999-01-01" --data-urlencode "decision=continue")
check "a review day in the future is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"rv-reviewed_on-error\"' '$TMP/body'"
code=$(post --data-urlencode "reviewed_on=$today" --data-urlencode "decision=explode")
check "an unknown decision is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"rv-decision-error\"' '$TMP/body'"
code=$(post --data-urlencode "reviewed_on=$today" --data-urlencode "decision=continue" \
       --data-urlencode "goal-$goal=lots")
check "a value that is not a number is refused (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"rv-progress-error\"' '$TMP/body'"
check "...and nothing was written" [ "$(q "SELECT count(*) FROM case_review")" = "$before" ]

tier=$(q "SELECT tier FROM support_case WHERE id = $mon")
code=$(post --data-urlencode "reviewed_on=$today" --data-urlencode "decision=step_down" \
       --data-urlencode "goal-$goal=7" --data-urlencode "changed=Ready for less support.")
check "a review deciding to step the tier down is recorded (303)" \
    bash -c "[ $code = 303 ] && [ '$(location)' = '/cases/$mon/reviews?done=step_down' ]"
check "...the tier unchanged: a person changes it" \
    [ "$(q "SELECT tier FROM support_case WHERE id = $mon")" = "$tier" ]
check "...the overdue review task done, the next one due after today" \
    bash -c "[ $(q "SELECT count(*) FROM case_task WHERE case_id = $mon AND kind = 'review' AND done_at IS NULL AND due_on < date('now')") = 0 ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $mon AND kind = 'review' AND done_at IS NULL AND due_on > date('now')") = 1 ]"
check "...its value kept for the goal, in the audit log" \
    bash -c "[ $(q "SELECT count(*) FROM review_progress p JOIN case_review r ON r.id = p.review_id WHERE r.reviewed_on = '$today' AND p.goal_id = $goal AND p.value = 7") = 1 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'review.add'") -ge 1 ]"
code=$(http "$BASE/cases/$mon/reviews?done=step_down" -b "$K")
check "...the page says so and links the tier form" \
    bash -c "grep -q 'the tier changes only when the key worker changes it' '$TMP/body' && grep -q 'href=\"/cases/$mon#h-tier\"' '$TMP/body'"

# ---- who sees what ----
code=$(http "$BASE/cases/$mon/reviews" -b "$L")
check "a leader sees the dates (200), not the words, and no form" \
    bash -c "[ $code = 200 ] && grep -q 'You see the dates of the reviews' '$TMP/body' && ! grep -q 'Ready for less support' '$TMP/body' && ! grep -q 'name=\"decision\"' '$TMP/body'"
code=$(http "$BASE/cases/$mon/reviews" -b "$L" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "reviewed_on=$today" --data-urlencode "decision=close")
check "...and may not record one (403)" [ "$code" = 403 ]
onteam=$(q "SELECT count(*) FROM case_team_member m JOIN account a ON a.person_id = m.staff_id
            WHERE a.username = 'teacher' AND m.case_id = $mon")
tgroup=$(q "SELECT gs.group_id FROM group_staff gs JOIN account a ON a.person_id = gs.staff_id
            WHERE a.username = 'teacher' ORDER BY gs.group_id LIMIT 1")
if [ "$onteam" = 1 ] && [ -n "$tgroup" ]; then   # a goal of the teacher's group, open
    http "$BASE/cases/$mon/reviews" -b "$K" > /dev/null
    http "$BASE/api/v1/cases/$mon/goals" -b "$K" -X POST -H "X-CSRF-Token: $(csrf_of)" \
        -H 'Content-Type: application/json' \
        --data "{\"plan\": \"learning\", \"domain\": \"learning\", \"what\": \"Finish the workshop log\", \"measure\": \"pages of 10\", \"baseline\": 2, \"target\": 10, \"due_on\": \"$(date -u -d '+30 days' +%F)\", \"group_id\": $tgroup}" > /dev/null
fi
code=$(http "$BASE/cases/$mon/reviews" -b "$T")
if [ "$onteam" = 1 ]; then
    check "the teacher on the team sees the dates and the goals of their teaching (200)" \
        bash -c "[ $code = 200 ] && grep -q 'progress on the goals of your teaching' '$TMP/body' && ! grep -q 'Ready for less support' '$TMP/body' && ! grep -q 'Suggestion (advice only)' '$TMP/body'"
    tgoal=$(sed -n 's/.*name="goal-\([0-9]*\)".*/\1/p' "$TMP/body" | head -1)
    if [ -n "$tgoal" ]; then
        check "...with a form for progress only (no words, no decision)" \
            bash -c "grep -q 'Record progress on the goals of your teaching' '$TMP/body' && ! grep -q 'name=\"decision\"' '$TMP/body' && ! grep -q 'name=\"changed\"' '$TMP/body'"
        nexttask=$(q "SELECT due_on FROM case_task WHERE case_id = $mon AND kind = 'review' AND done_at IS NULL")
        code=$(http "$BASE/cases/$mon/reviews" -b "$T" -X POST --data-urlencode "csrf=$(csrf_of)" \
               --data-urlencode "reviewed_on=$today" --data-urlencode "goal-$tgoal=5")
        check "...which records the value (303), not a review: the review task as it was" \
            bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM case_review WHERE progress_only = 1 AND case_id = $mon") = 1 ] && [ '$(q "SELECT due_on FROM case_task WHERE case_id = $mon AND kind = 'review' AND done_at IS NULL")' = '$nexttask' ]"
    fi
else
    check "a teacher not on the team is refused (403)" [ "$code" = 403 ]
fi
code=$(http "$BASE/cases/$mon/reviews" -b "$P")
check "a team member of another case is refused (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$other/reviews" -b "$P")
check "...who opens their own case's reviews (200)" [ "$code" = 200 ]
code=$(http "$BASE/cases/999999/reviews" -b "$K")
check "an unknown case (404)" [ "$code" = 404 ]

# ---- the JSON twins ----
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$K")
check "GET /api/v1/cases/{id}/reviews as the key worker (200) with words, goals and the suggestion" \
    bash -c "[ $code = 200 ] && grep -q '\"changed\"' '$TMP/body' && grep -q '\"goals\"' '$TMP/body' && grep -q '\"verdict\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$L")
check "...as a leader (200) with the dates only" \
    bash -c "[ $code = 200 ] && grep -q '\"next_due\"' '$TMP/body' && ! grep -q '\"changed\"' '$TMP/body' && ! grep -q '\"suggestion\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$P")
check "...as a team member of another case (403)" [ "$code" = 403 ]
http "$BASE/cases/$mon/reviews" -b "$K" > /dev/null
token=$(csrf_of)
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data "{\"reviewed_on\": \"$today\", \"decision\": \"continue\", \"next_on\": \"$today\"}")
check "POST with a next review not after it: 400 naming the field, nothing written" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"next_on\"' '$TMP/body' && [ $(q "SELECT count(*) FROM case_review WHERE reviewed_on = '$today' AND progress_only = 0") = 1 ]"
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data "{\"reviewed_on\": \"$today\", \"decision\": \"continue\", \"progress\": [{\"goal_id\": 999999, \"value\": 1}]}")
check "...a goal of no open plan of the case: 400 on progress" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"progress\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/reviews" -b "$K" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' \
       --data "{\"reviewed_on\": \"$today\", \"decision\": \"continue\", \"progress\": [{\"goal_id\": $goal, \"value\": 8}]}")
check "...a good one: 201 with the reviews" \
    bash -c "[ $code = 201 ] && grep -q '\"reviews\"' '$TMP/body' && [ $(q "SELECT count(*) FROM case_review WHERE reviewed_on = '$today' AND progress_only = 0") = 2 ]"

# ---- the leader's figures, the key worker's home ----
code=$(http "$BASE/caseload" -b "$L")
check "the caseload page (200) has the reviews on time, through suppression" \
    bash -c "[ $code = 200 ] && grep -q 'Reviews on time' '$TMP/body' && grep -Eq 'were done by their due day|Withheld: too few reviews' '$TMP/body'"
code=$(http "$BASE/" -b "$K")
check "the key worker's home page lists the learners whose risk rose since their last review" \
    bash -c "[ $code = 200 ] && grep -q 'Risk rose since the last review' '$TMP/body'"
check "views of the dates are audited apart" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'review.view_dates'")" -ge 2 ]

done_testing
