#!/bin/bash
# tests/cli/test_interventions.sh — interventions in three tiers through the
# server: the catalogue (list, refused and accepted additions, an edit),
# runs seen by relationship (the deliverer, the key worker, a leader, a
# teacher who does not deliver), recording a session and adding a learner,
# the learner page's Interventions section, and the JSON twins against
# docs/openapi.yaml.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_interventions.sh    (from the repository root)
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl
SPEC="$(dirname "$0")/../../docs/openapi.yaml"
CHECKER="$(dirname "$0")/openapi_check.py"

db="$TMP/interv.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
q() { sqlite3 "$db" "$1"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }
conforms() {   # conforms METHOD PATH STATUS: the last body matches the spec
    local out
    if out=$(python3 "$CHECKER" "$SPEC" "$1" "$2" "$3" "$TMP/body" 2>&1); then
        ok "$1 $2 $3 matches docs/openapi.yaml"
    else
        not_ok "$1 $2 $3 matches docs/openapi.yaml"; echo "$out" | sed 's/^/# /' | head -5
    fi
}

check "the demo has the starter catalogue" [ "$(q "SELECT count(*) FROM intervention")" = 10 ]
check "...and runs with participants and sessions" \
    bash -c "[ $(q "SELECT count(*) FROM intervention_run") -ge 4 ] && [ $(q "SELECT count(*) FROM intervention_session") -ge 10 ]"
teacher=$(q "SELECT person_id FROM account WHERE username = 'teacher'")
kw=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
trun=$(q "SELECT min(id) FROM intervention_run WHERE deliverer_staff_id = $teacher")
krun=$(q "SELECT min(id) FROM intervention_run WHERE deliverer_staff_id = $kw AND mode = 'group'")
check "the teacher delivers one run, the key worker another" bash -c "[ -n '$trun' ] && [ -n '$krun' ]"
serve_or_stop "$db"

L="$TMP/leader.jar"; K="$TMP/kw.jar"; T="$TMP/teacher.jar"
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null

# ---- the catalogue ----
code=$(http "$BASE/interventions" -b "$T")
check "a teacher reads the catalogue" \
    bash -c "[ $code = 200 ] && grep -q 'Psychological first aid' '$TMP/body' && ! grep -q 'href=\"/interventions/new\"' '$TMP/body'"
code=$(http "$BASE/interventions" -b "$L")
token=$(csrf_of)
check "a leader may add to it" bash -c "[ $code = 200 ] && grep -q 'href=\"/interventions/new\"' '$TMP/body'"
check "...and reads each entry's measured change in attendance, small groups withheld" \
    bash -c "grep -q 'Change in attendance, measured' '$TMP/body' && grep -qE 'points \(n = 1[0-9]\)' '$TMP/body' && grep -q '>not shown<' '$TMP/body'"
code=$(http "$BASE/interventions" -b "$T")
check "...which a teacher does not" bash -c "[ $code = 200 ] && ! grep -q 'Change in attendance' '$TMP/body'"
code=$(http "$BASE/interventions/new" -b "$L")
token=$(csrf_of)
check "the form has labelled fields" \
    bash -c "[ $code = 200 ] && grep -q '<label for=\"iv-name\">' '$TMP/body' && grep -q 'name=\"need_housing\"' '$TMP/body'"
code=$(http "$BASE/interventions" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "name= " --data-urlencode "tier=universal" --data-urlencode "duration_weeks=13" \
       --data-urlencode "dosage=Weekly" --data-urlencode "delivered_by=Youth worker" \
       --data-urlencode "evidence_level=promising" --data-urlencode "evidence_source=Local pilot")
check "bad input is refused (422), nothing written" \
    bash -c "[ $code = 422 ] && [ $(q "SELECT count(*) FROM intervention") = 10 ]"
check "...the summary first, focused, linking the fields" \
    bash -c "grep -q 'id=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus' '$TMP/body' && grep -q '<a href=\"#iv-duration\">' '$TMP/body' && grep -q '<a href=\"#iv-needs\">' '$TMP/body'"
check "...each error beside its field" \
    bash -c "grep -q '<p class=\"field-error\" id=\"iv-name-error\" role=\"alert\">' '$TMP/body' && grep -q 'id=\"iv-duration\" name=\"duration_weeks\" min=\"1\" max=\"12\" value=\"13\" aria-describedby=\"iv-duration-error\" aria-invalid=\"true\"' '$TMP/body'"
code=$(http "$BASE/interventions" -b "$T" -X POST --data-urlencode "csrf=$token" --data-urlencode "name=X")
check "a teacher cannot add (403)" [ "$code" = 403 ]
code=$(http "$BASE/interventions" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "name=Breakfast club" --data-urlencode "tier=universal" \
       --data-urlencode "need_physical_health=1" --data-urlencode "need_attendance=1" \
       --data-urlencode "dosage=Every school morning, 30 minutes" --data-urlencode "duration_weeks=" \
       --data-urlencode "delivered_by=Canteen staff and a youth worker" \
       --data-urlencode "evidence_level=moderate" \
       --data-urlencode "evidence_source=EEF evaluation of Magic Breakfast (2016)")
new=$(q "SELECT id FROM intervention WHERE name = 'Breakfast club'")
check "a good entry is saved (303 to its page)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/interventions/$new?done=saved' ]"
check "...with the default of 6 weeks and the needs in order" \
    [ "$(q "SELECT duration_weeks || needs FROM intervention WHERE id = $new")" = "6attendance,physical_health" ]
code=$(http "$BASE/interventions/$new" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "name=Mentoring" --data-urlencode "tier=universal" --data-urlencode "need_money=1" \
       --data-urlencode "dosage=x" --data-urlencode "delivered_by=x" --data-urlencode "evidence_level=strong" \
       --data-urlencode "evidence_source=x")
check "renaming it to a name taken is refused beside the name" \
    bash -c "[ $code = 422 ] && grep -q 'Another intervention of the catalogue has this name' '$TMP/body'"

# ---- runs by relationship ----
code=$(http "$BASE/intervention-runs/$trun" -b "$T")
check "the deliverer sees the participants and the session form" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/learners/' '$TMP/body' && grep -q 'action=\"/intervention-runs/$trun/sessions\"' '$TMP/body'"
check "...and the effect with figures (12 participants)" \
    bash -c "grep -q 'Participants measured: 12' '$TMP/body'"
ttoken=$(csrf_of)
code=$(http "$BASE/intervention-runs/$krun" -b "$T")
check "a teacher who does not deliver a run gets 404" [ "$code" = 404 ]
code=$(http "$BASE/intervention-runs/$krun" -b "$L")
check "a leader sees the run without names, the small effect withheld" \
    bash -c "[ $code = 200 ] && ! grep -q 'href=\"/learners/' '$TMP/body' && grep -q 'Not shown: fewer than 10' '$TMP/body'"
code=$(http "$BASE/intervention-runs/$krun" -b "$K")
ktoken=$(csrf_of)
check "the key worker who delivers it sees the names" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/learners/' '$TMP/body'"
views=$(q "SELECT count(*) FROM audit_event WHERE action = 'intervention_run.view'")
check "...every view is audited" [ "$views" -ge 3 ]

# ---- recording a session ----
pid=$(q "SELECT min(id) FROM intervention_participation WHERE run_id = $krun")
code=$(http "$BASE/intervention-runs/$krun/sessions" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "held=2025-03-13" --data-urlencode "minutes=900" --data-urlencode "attended_$pid=1")
check "a session of 900 minutes is refused beside the field (422)" \
    bash -c "[ $code = 422 ] && grep -q 'id=\"ses-minutes-error\"' '$TMP/body'"
code=$(http "$BASE/intervention-runs/$krun/sessions" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "held=2025-03-13" --data-urlencode "minutes=45")
check "a leader who does not deliver it cannot record one (403)" [ "$code" = 403 ]
before=$(q "SELECT count(*) FROM audit_event WHERE action = 'intervention.session'")
code=$(http "$BASE/intervention-runs/$krun/sessions" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "held=2025-03-13" --data-urlencode "minutes=45" --data-urlencode "attended_$pid=1")
check "the deliverer records a session (303 back)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/intervention-runs/$krun?done=recorded' ]"
n=$(q "SELECT count(*) FROM intervention_participation WHERE run_id = $krun")
check "...one attendance row per participant, one attended" \
    [ "$(q "SELECT count(*) || '/' || sum(attended) FROM intervention_attendance t JOIN intervention_session x ON x.id = t.session_id WHERE x.run_id = $krun AND x.held_on = '2025-03-13'")" = "$n/1" ]
check "...each audited" [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'intervention.session'")" = $((before + n)) ]

# ---- adding a learner ----
outsider=$(q "SELECT min(id) FROM learner WHERE id NOT IN (SELECT learner_id FROM support_assignment)
              AND id NOT IN (SELECT learner_id FROM intervention_participation)")
oref=$(q "SELECT ref FROM learner WHERE id = $outsider")
code=$(http "$BASE/intervention-runs/$krun/participants" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "learner=$oref")
check "a key worker cannot add a learner they may not see (422, as unknown)" \
    bash -c "[ $code = 422 ] && grep -q 'id=\"add-ref-error\"' '$TMP/body'"
pupil=$(q "SELECT l.ref FROM learner l JOIN enrolment e ON e.learner_id = l.id JOIN group_staff g
           ON g.group_id = e.group_id WHERE g.staff_id = $teacher AND g.role <> 'key_worker'
           AND e.status = 'active' AND l.id NOT IN (SELECT learner_id FROM intervention_participation
           WHERE run_id = $trun) ORDER BY l.id LIMIT 1")
code=$(http "$BASE/intervention-runs/$trun/participants" -b "$T" -X POST --data-urlencode "csrf=$ttoken" \
       --data-urlencode "learner=$pupil")
check "the deliverer adds a learner of theirs (303)" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM intervention_participation WHERE run_id = $trun") = 13 ]"

# ---- the learner page ----
member=$(q "SELECT min(learner_id) FROM intervention_participation WHERE run_id = $krun")
code=$(http "$BASE/learners/$member" -b "$K")
check "the key worker's learner page lists what the learner joined" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-interventions\">Interventions</h2>' '$TMP/body' && grep -q 'href=\"/intervention-runs/$krun\"' '$TMP/body'"
code=$(http "$BASE/learners/$member" -b "$L")
check "a leader reads only how many" \
    bash -c "[ $code = 200 ] && grep -q 'Takes part in' '$TMP/body' && ! grep -q 'href=\"/intervention-runs/' '$TMP/body'"

# ---- an individual intervention for one learner, from the learner page ----
mref=$(q "SELECT ref FROM learner WHERE id = $member")
code=$(http "$BASE/learners/$member" -b "$K")
check "the key worker's learner page links to starting one for the learner" \
    grep -q "href=\"/interventions?learner=$mref\"" "$TMP/body"
code=$(http "$BASE/interventions?learner=$mref" -b "$K")
mentor=$(q "SELECT id FROM intervention WHERE name = 'Mentoring'")
check "...the catalogue then leads to each entry's start form for them" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/interventions/$mentor?learner=$mref#h-start\"' '$TMP/body'"
code=$(http "$BASE/interventions/$mentor?learner=$mref" -b "$K")
check "...which names the learner and is individual" \
    bash -c "[ $code = 200 ] && grep -q 'id=\"run-learner\" name=\"learner\" value=\"$mref\"' '$TMP/body' && grep -q '<option value=\"individual\" selected>' '$TMP/body'"
runs=$(q "SELECT count(*) FROM intervention_run")
code=$(http "$BASE/interventions/$mentor/runs" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "mode=individual" --data-urlencode "start=2025-03-10" \
       --data-urlencode "deliverer=$kw" --data-urlencode "learner=$oref")
check "a learner the key worker may not see is refused beside the field (422), nothing started" \
    bash -c "[ $code = 422 ] && grep -q 'id=\"run-learner-error\"' '$TMP/body' && [ $(q "SELECT count(*) FROM intervention_run") = $runs ]"
code=$(http "$BASE/interventions/$mentor/runs" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "mode=individual" --data-urlencode "start=2025-03-10" \
       --data-urlencode "deliverer=$kw" --data-urlencode "learner=$mref")
newrun=$(q "SELECT max(id) FROM intervention_run")
check "their own learner starts an individual run with them in it (303)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/intervention-runs/$newrun?done=started' ] && [ $(q "SELECT count(*) || mode FROM intervention_participation p JOIN intervention_run r ON r.id = p.run_id WHERE r.id = $newrun AND p.learner_id = $member") = 1individual ]"

# ---- JSON ----
code=$(http "$BASE/api/v1/interventions" -b "$T")
check "GET /api/v1/interventions (200, 11 entries)" \
    bash -c "[ $code = 200 ] && [ \$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[\"interventions\"]))' '$TMP/body') = 11 ]"
conforms GET /interventions 200
code=$(http "$BASE/api/v1/interventions/$new" -b "$L"); conforms GET "/interventions/$new" 200
code=$(http "$BASE/api/v1/intervention-runs/$trun" -b "$T"); conforms GET "/intervention-runs/$trun" 200
code=$(http "$BASE/api/v1/intervention-runs/$krun" -b "$L")
check "a leader's JSON of a run has no participant rows" \
    bash -c "[ $code = 200 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d[\"participant_rows\"] != [])' '$TMP/body'"
conforms GET "/intervention-runs/$krun" 200
code=$(http "$BASE/api/v1/intervention-runs/$krun" -b "$T")
check "...and a teacher who does not deliver it gets 404" [ "$code" = 404 ]
code=$(http "$BASE/api/v1/learners/$member/interventions" -b "$K"); conforms GET "/learners/$member/interventions" 200

# ---- JSON writes, with API tokens ----
ltok=$("$CAIRN" user token leader --name iv --db "$db" 2> /dev/null)
ktok=$("$CAIRN" user token keyworker --name iv --db "$db" 2> /dev/null)
code=$(http "$BASE/api/v1/interventions" -X POST -H "Authorization: Bearer $ltok" \
       -H 'Content-Type: application/json' \
       -d '{"name":"Peer tutoring","tier":"selective","needs":["learning"],"dosage":"Twice a week","duration_weeks":13,"delivered_by":"Older learners","evidence_level":"strong","evidence_source":"EEF Toolkit"}')
check "POST /api/v1/interventions with 13 weeks is 422 naming the field" \
    bash -c "[ $code = 422 ] && grep -q 'duration_weeks: this number is outside its range' '$TMP/body'"
code=$(http "$BASE/api/v1/interventions" -X POST -H "Authorization: Bearer $ltok" \
       -H 'Content-Type: application/json' \
       -d '{"name":"Peer tutoring","tier":"selective","needs":["learning"],"dosage":"Twice a week","duration_weeks":8,"delivered_by":"Older learners","evidence_level":"strong","evidence_source":"EEF Toolkit: peer tutoring +5 months"}')
check "...with 8 weeks is 201" [ "$code" = 201 ]
conforms POST /interventions 201
code=$(http "$BASE/api/v1/interventions" -X POST -H "Authorization: Bearer $ktok" \
       -H 'Content-Type: application/json' -d '{"name":"x"}')
check "...a key worker may not (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/intervention-runs/$krun/sessions" -X POST -H "Authorization: Bearer $ktok" \
       -H 'Content-Type: application/json' -d "{\"held\":\"2025-03-12\",\"minutes\":30,\"attended\":[$pid]}")
check "POST /api/v1/intervention-runs/$krun/sessions by its deliverer is 201" [ "$code" = 201 ]
conforms POST "/intervention-runs/$krun/sessions" 201
code=$(http "$BASE/api/v1/intervention-runs/$krun/sessions" -X POST -H "Authorization: Bearer $ktok" \
       -H 'Content-Type: application/json' -d '{"held":"2025-03-12","minutes":30}')
check "...the same day again is 422" [ "$code" = 422 ]
code=$(http "$BASE/api/v1/intervention-runs/$krun/sessions" -X POST -H "Authorization: Bearer $ltok" \
       -H 'Content-Type: application/json' -d '{"held":"2025-03-10","minutes":30}')
check "...a leader who does not deliver it gets 403" [ "$code" = 403 ]

stop_server
check "the server stops cleanly, with nothing from the sanitizers in its log" \
    bash -c "[ '$STOP_STATUS' = 0 ] && ! grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer' '$TMP/serve.log'"

done_testing
