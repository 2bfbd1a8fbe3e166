#!/bin/bash
# tests/cli/test_assessment.sh — the needs assessment through the server.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_assessment.sh   (from the repository root)
#
# Makes the demo school with its accounts (whose cases past "open" have
# demo assessments), starts the server and, signed in with curl: the key
# worker sees the latest assessment as a table with the needs at 2-3
# marked, the domains not rated, the movement chart with its table and the
# form filled in from the latest; the case page has the section; a refused
# form comes back 400 with the error beside its field and in the summary,
# nothing written; a good one is saved (303) and audited; the JSON twin
# answers as docs/openapi.yaml describes, 400 naming the field; a school
# leader and a teacher on the team are refused the contents (403); a team
# member of one case opens its assessment but not another case's.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl
CHECKER="$(dirname "$0")/openapi_check.py"
SPEC="$(dirname "$0")/../../docs/openapi.yaml"

db="$TMP/assessment.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token keyworker --name test --db "$db" > "$TMP/kw.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
KT=$(tail -n 1 "$TMP/kw.token" | tr -d '[:space:]')

q() { sqlite3 "$db" "$1"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

mon=$(q "SELECT id FROM support_case WHERE state = 'monitoring' LIMIT 1")
fresh=$(q "SELECT id FROM support_case WHERE state = 'open' AND id NOT IN
           (SELECT case_id FROM case_assessment) LIMIT 1")
inass=$(q "SELECT id FROM support_case WHERE state = 'assessment' LIMIT 1")
check "demo assessments: two for the monitored case, none for a new one" \
    bash -c "[ $(q "SELECT count(*) FROM case_assessment WHERE case_id = $mon") = 2 ] && [ -n '$fresh' ]"
check "...every case past open has one" \
    [ "$(q "SELECT count(*) FROM support_case WHERE state <> 'open' AND id NOT IN
             (SELECT case_id FROM case_assessment)")" = 0 ]
check "...their texts sealed at rest" \
    [ "$(q "SELECT count(*) FROM case_assessment_domain WHERE comment LIKE '%father%'
             OR strengths LIKE '%father%' OR (comment NOT LIKE 's1:%' AND comment <> '')")" = 0 ]
echo 'a-long-test-password-1' | "$CAIRN" user add psyone --role team_member \
    --staff "$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
                  WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")" \
    --password-stdin --db "$db" > /dev/null
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"; T="$TMP/teacher.jar"; P1="$TMP/p1.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null
sign_in "$P1" psyone a-long-test-password-1 > /dev/null

# ---- the page ----
views=$(q "SELECT count(*) FROM audit_event WHERE action = 'assessment.view'")
code=$(http "$BASE/cases/$mon/assessment" -b "$K")
check "the key worker opens the assessment page (200)" [ "$code" = 200 ]
check "...the latest assessment as a table, needs at 2-3 marked" \
    bash -c "grep -q '<table class=\"assessment\">' '$TMP/body' && grep -q '<tr class=\"need-high need-2\"><th scope=\"row\">Family and care duties</th><td data-label=\"Key worker&#39;s rating\"><strong>Act</strong> (2)</td>' '$TMP/body'"
check "...the learner's own rating beside it" grep -q '<td data-label="Learner&#39;s own rating">Act (2)</td>' "$TMP/body"
check "...the domains not rated listed" grep -q '<p class="not-rated">Not rated: ' "$TMP/body"
check "...a chart per domain of how it moved, with the ratings as a table" \
    bash -c "grep -q '<figure class=\"chart need-moves\"' '$TMP/body' && grep -q '<svg class=\"chart\"' '$TMP/body' && grep -q 'The ratings as a table' '$TMP/body' && grep -q '3 → 1' '$TMP/body'"
check "...the form filled in from the latest" \
    bash -c "grep -q 'name=\"need_family\"' '$TMP/body' && grep -q '<option value=\"2\" selected>2 Act</option>' '$TMP/body'"
check "...and the view is in the audit log" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'assessment.view'")" -gt "$views" ]
views=$(q "SELECT count(*) FROM audit_event WHERE action = 'assessment.view' AND detail LIKE '%(case page)'")
code=$(http "$BASE/cases/$mon" -b "$K")
check "the case page has the assessment section with the link" \
    bash -c "[ $code = 200 ] && grep -q 'id=\"h-assessment\"' '$TMP/body' && grep -q 'href=\"/cases/$mon/assessment\"' '$TMP/body'"
check "...and that view of the assessment is in the audit log too (not rolled back with the page's reads)" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'assessment.view' AND detail LIKE '%(case page)'")" = $((views + 1)) ]
code=$(http "$BASE/cases/$fresh" -b "$K")
check "...and offers the first assessment on a case without one" \
    grep -q "href=\"/cases/$fresh/assessment#new\">Do the first assessment" "$TMP/body"

# ---- the form ----
http "$BASE/cases/$fresh/assessment" -b "$K" > /dev/null
token=$(csrf_of)
before=$(q "SELECT count(*) FROM case_assessment")
code=$(http "$BASE/cases/$fresh/assessment" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "assessed_on=$(date -u +%F)" --data-urlencode "need_money=7" \
       --data-urlencode "need_housing=2")
check "a rating out of the scale is refused (400)" [ "$code" = 400 ]
check "...with the error beside its field" \
    bash -c "grep -q '<p class=\"field-error\" id=\"need_money-error\">A rating is 0' '$TMP/body' && grep -q 'aria-describedby=\"need_money-error\" aria-invalid=\"true\"' '$TMP/body'"
check "...and in the summary, linked to the field" grep -q '<a href="#need_money">' "$TMP/body"
check "...and what was typed kept" grep -q '<option value="2" selected>2 Act</option>' "$TMP/body"
code=$(http "$BASE/cases/$fresh/assessment" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "assessed_on=2001-01-01" --data-urlencode "need_housing=2")
check "a day before the case is refused beside the day (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"assessed_on-error\"' '$TMP/body'"
code=$(http "$BASE/cases/$fresh/assessment" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "assessed_on=99999-99-99x" --data-urlencode "need_housing=2")
check "an unreadable day is refused beside the day (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"assessed_on-error\"' '$TMP/body'"
code=$(http "$BASE/cases/$fresh/assessment" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "assessed_on=$(date -u +%F)" --data-urlencode "need_housing=2" \
       --data-urlencode "strengths_housing=$(head -c 1001 /dev/zero | tr '\0' 'x')")
check "strengths too long are refused beside them (400)" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"strengths_housing-error\"' '$TMP/body' && grep -q 'aria-describedby=\"strengths_housing-error\"' '$TMP/body'"
check "...nothing written" [ "$(q "SELECT count(*) FROM case_assessment")" = "$before" ]
code=$(http "$BASE/cases/$fresh/assessment" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "assessed_on=$(date -u +%F)" --data-urlencode "need_housing=3" \
       --data-urlencode "own_housing=1" --data-urlencode "comment_housing=Sleeps on a sofa zq81")
check "a good assessment is saved (303 to the page)" \
    bash -c "[ $code = 303 ] && [ '$(location)' = '/cases/$fresh/assessment?done=1' ]"
check "...once, audited, its comment sealed" \
    bash -c "[ $(q "SELECT count(*) FROM case_assessment") = $((before + 1)) ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'assessment.add'") -ge 1 ] && [ $(q "SELECT count(*) FROM case_assessment_domain WHERE comment LIKE '%zq81%'") = 0 ]"
code=$(http "$BASE/cases/$fresh/assessment" -b "$K")
check "...and shown" bash -c "[ $code = 200 ] && grep -q 'Sleeps on a sofa zq81' '$TMP/body'"

# ---- JSON ----
code=$(http "$BASE/api/v1/cases/$mon/assessments" -H "Authorization: Bearer $KT")
check "GET /api/v1/cases/ID/assessments (200, as described)" \
    bash -c "[ $code = 200 ] && python3 '$CHECKER' '$SPEC' GET /cases/$mon/assessments 200 '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/assessments" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' \
       -d '{"assessed_on": "'"$(date -u +%F)"'", "domains": {"housing": {"need": 5}}}')
check "POST with a rating out of the scale is 400 naming the field" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"need_housing\"' '$TMP/body' && grep -q 'A rating is 0' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/assessments" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' -d '{"assessed_on": "'"$(date -u +%F)"'", "domains": {}}')
check "...with no domain rated 400 naming need_learning" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"need_learning\"' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/assessments" -H "Authorization: Bearer $KT" \
       -H 'Content-Type: application/json' \
       -d '{"assessed_on": "'"$(date -u +%F)"'", "note": "Going well", "domains": {"family": {"need": 1, "own": 2, "comment": "Talking again"}}}')
check "POST a good one (201, as described)" \
    bash -c "[ $code = 201 ] && python3 '$CHECKER' '$SPEC' POST /cases/$mon/assessments 201 '$TMP/body'"

# ---- who may ----
code=$(http "$BASE/cases/$mon/assessment" -b "$L")
check "a school leader not on the team is refused the contents (403) with why" \
    bash -c "[ $code = 403 ] && grep -q 'A school leader sees the case' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$mon/assessments" -b "$L")
check "...and the JSON (403)" [ "$code" = 403 ]
tstaff=$(q "SELECT person_id FROM account WHERE username = 'teacher'")
tcase=$(q "SELECT case_id FROM case_team_member WHERE staff_id = $tstaff AND role = 'teacher'
           AND case_id IN (SELECT case_id FROM case_assessment) LIMIT 1")
code=$(http "$BASE/cases/$tcase/assessment" -b "$T")
check "a teacher on the team is refused the assessment (403)" \
    bash -c "[ -n '$tcase' ] && [ $code = 403 ] && grep -q 'A teacher on the team sees the plan' '$TMP/body'"
code=$(http "$BASE/cases/$tcase" -b "$T")
check "...and the case page shows no assessment section" \
    bash -c "[ $code = 200 ] && ! grep -q 'id=\"h-assessment\"' '$TMP/body'"
http "$BASE/cases/$inass" -b "$K" > /dev/null
p1staff=$(q "SELECT person_id FROM account WHERE username = 'psyone'")
code=$(http "$BASE/cases/$inass/team" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "staff_id=$p1staff" --data-urlencode "role=psychologist")
check "the key worker adds a psychologist to one case's team (303)" [ "$code" = 303 ]
code=$(http "$BASE/cases/$inass/assessment" -b "$P1")
check "...who opens its assessment (200)" [ "$code" = 200 ]
ptoken=$(csrf_of)
code=$(http "$BASE/cases/$mon/assessment" -b "$P1")
check "...but not another case's (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$mon/assessment" -b "$P1" -X POST --data-urlencode "csrf=$ptoken" \
       --data-urlencode "assessed_on=$(date -u +%F)" --data-urlencode "need_housing=1")
check "...nor add one to it (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/cases/$mon/assessments" -b "$P1")
check "...nor read it as JSON (403)" [ "$code" = 403 ]

done_testing
