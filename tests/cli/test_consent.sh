#!/bin/bash
# tests/cli/test_consent.sh — consent, subject access, erasure and retention
# end to end (support/consent.h, support/subject.h, support/retention.h).
#
#   CAIRN=build/rel/cairn bash tests/cli/test_consent.sh      (from the repository root)
#
# Makes a demo school with the demo accounts (which bring the demo consents
# and one override), starts the server and, signed in with curl: the
# learner page has the Consent section; the consent page records (a refused
# form says what is wrong beside the field and writes nothing), withdraws
# and offers receipts; a teacher may read but not record; only a leader
# overrides, and the override is on /privacy, which a teacher may not open
# and the data protection officer may (but not the learner's record);
# the JSON twins answer as docs/openapi.yaml says.  Then the commands:
# `cairn export subject` (JSON and HTML, audited), `cairn erase` (needs
# --confirm, refuses an enrolled learner, leaves no name behind),
# `cairn retention --dry-run run` and `cairn setting`.
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

db="$TMP/consent.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 120 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token leader --name test --db "$db" > "$TMP/leader.token" &&
       echo 'privacy officer password 9' |
       "$CAIRN" user add dpo --role data_protection_officer --name 'Data Officer' \
           --password-stdin --db "$db"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
LT=$(cat "$TMP/leader.token")
q() { sqlite3 "$db" "$1"; }
check "the demo has consents, withdrawals and one override" \
    bash -c "[ $(q 'SELECT count(*) FROM consent') -gt 20 ] && [ $(q 'SELECT count(*) FROM consent_withdrawal') -gt 0 ] && [ $(q 'SELECT count(*) FROM consent_override') = 1 ]"
serve_or_stop "$db"
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }
# spec_ok METHOD PATH STATUS: the last body matches docs/openapi.yaml
spec_ok() { python3 "$CHECKER" "$SPEC" "$1" "$2" "$3" "$TMP/body" > "$TMP/spec.out" 2>&1; }

# An adult learner the teacher teaches (so both may open the record).
tstaff=$(q "SELECT person_id FROM account WHERE username = 'teacher'")
learner=$(q "SELECT e.learner_id FROM enrolment e JOIN group_staff g
             ON g.institution_id = e.institution_id AND g.group_id = e.group_id
             JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id
             WHERE e.status = 'active' AND g.staff_id = $tstaff AND g.role <> 'key_worker'
             AND l.birth_date <= '2006-01-01' ORDER BY e.learner_id LIMIT 1")
check "the demo has an adult learner of the teacher's groups" [ -n "$learner" ]
consents() { q "SELECT count(*) FROM consent WHERE learner_id = $learner"; }

L="$TMP/leader.jar"
T="$TMP/teacher.jar"
K="$TMP/kw.jar"
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null

code=$(http "$BASE/learners/$learner" -b "$L")
check "the learner page has the Consent section" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-consent\">Consent</h2>' '$TMP/body' && grep -q 'href=\"/learners/$learner/consent\"' '$TMP/body'"
code=$(http "$BASE/learners/$learner/consent" -b "$L")
token=$(csrf_of)
check "the leader's consent page has the record and override forms" \
    bash -c "[ $code = 200 ] && grep -q 'action=\"/learners/$learner/consent\"' '$TMP/body' && grep -q 'action=\"/learners/$learner/consent/override\"' '$TMP/body' && grep -q '<label for=\"record-purpose\">' '$TMP/body'"

code=$(http "$BASE/learners/$learner/consent" -b "$T")
ttoken=$(csrf_of)
check "the teacher reads the consent page without forms" \
    bash -c "[ $code = 200 ] && ! grep -q 'action=\"/learners/$learner/consent\"' '$TMP/body'"
before=$(consents)
code=$(http "$BASE/learners/$learner/consent" -b "$T" -X POST --data-urlencode "csrf=$ttoken" \
       --data-urlencode "purpose=early_warning" --data-urlencode "cat_risk=1" \
       --data-urlencode "given_by=learner")
check "a teacher cannot record consent (403), nothing written" \
    bash -c "[ $code = 403 ] && [ $(consents) = $before ]"

code=$(http "$BASE/learners/$learner/consent" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "purpose=share_organisation" --data-urlencode "recipient=Youth Agency" \
       --data-urlencode "given_by=learner")
check "a consent without data categories is refused (400)" [ "$code" = 400 ]
check "...the summary first, the error beside the field, the values kept" \
    bash -c "grep -q 'id=\"error-summary\" role=\"alert\"' '$TMP/body' && grep -q 'id=\"record-categories-error\" role=\"alert\"' '$TMP/body' && grep -q 'value=\"Youth Agency\"' '$TMP/body'"
check "...and nothing is written" [ "$(consents)" = "$before" ]
code=$(http "$BASE/learners/$learner/consent" -b "$L" -X POST \
       --data-urlencode "purpose=early_warning" --data-urlencode "cat_risk=1" \
       --data-urlencode "given_by=learner")
check "a POST without the csrf field is refused (403)" \
    bash -c "[ $code = 403 ] && [ $(consents) = $before ]"
code=$(http "$BASE/learners/$learner/consent" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "purpose=share_organisation" --data-urlencode "recipient=Youth Agency" \
       --data-urlencode "cat_attendance=1" --data-urlencode "cat_results=1" \
       --data-urlencode "valid_from=2025-01-01" --data-urlencode "given_by=learner" \
       --data-urlencode "method=paper" --data-urlencode "note=Signed <in> the office")
check "the leader records a consent (303 back to the consent page)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/learners/$learner/consent?done=recorded' ] && [ $(consents) = $((before + 1)) ]"
cid=$(q "SELECT max(id) FROM consent WHERE learner_id = $learner")
code=$(http "$BASE/learners/$learner/consent?done=recorded" -b "$L")
check "...the page says so and lists it with its receipt" \
    bash -c "[ $code = 200 ] && grep -q 'role=\"status\">The consent was recorded.' '$TMP/body' && grep -q 'consents/receipt?consent=$cid' '$TMP/body'"
code=$(http "$BASE/learners/$learner/consent/withdraw" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "consent=$cid" --data-urlencode "given_by=learner" \
       --data-urlencode "effective=2025-03-01")
check "the leader withdraws it (303); the consent row is unchanged, the withdrawal added" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM consent_withdrawal WHERE consent_id = $cid") = 1 ] && [ $(q "SELECT valid_from FROM consent WHERE id = $cid") = 2025-01-01 ]"

code=$(http "$BASE/api/v1/learners/$learner/consents/receipt?consent=$cid" -H "Authorization: Bearer $LT")
check "the receipt (ISO/IEC TS 27560) as the API describes it" \
    bash -c "[ $code = 200 ] && grep -q '\"schema_version\": *\"ISO/IEC TS 27560:2023\"' '$TMP/body' && grep -q '\"withdrawn\"' '$TMP/body'"
spec_ok GET "/learners/$learner/consents/receipt" 200 || { sed 's/^/# /' "$TMP/spec.out"; not_ok "receipt matches openapi"; }
code=$(http "$BASE/api/v1/learners/$learner/consents" -H "Authorization: Bearer $LT")
check "GET /api/v1/learners/ID/consents (200, as described)" \
    bash -c "[ $code = 200 ] && python3 '$CHECKER' '$SPEC' GET /learners/$learner/consents 200 '$TMP/body'"
code=$(http "$BASE/api/v1/learners/$learner/consents" -H "Authorization: Bearer $LT" \
       -H 'Content-Type: application/json' \
       -d '{"purpose": "service_contact", "recipient": "City Counselling", "categories": ["contact"], "given_by": "learner"}')
check "POST /api/v1/learners/ID/consents records one (201, as described)" \
    bash -c "[ $code = 201 ] && python3 '$CHECKER' '$SPEC' POST /learners/$learner/consents 201 '$TMP/body'"
code=$(http "$BASE/api/v1/learners/$learner/consents" -H "Authorization: Bearer $LT" \
       -H 'Content-Type: application/json' \
       -d '{"purpose": "service_contact", "recipient": "City Counselling", "categories": ["shoe_size"], "given_by": "learner"}')
check "...an unknown category is 422 naming the field" \
    bash -c "[ $code = 422 ] && grep -q '\"field\": *\"categories\"' '$TMP/body'"

# ---- the override ----
code=$(http "$BASE/learners/$learner/consent/override" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "purpose=share_organisation" --data-urlencode "recipient=Child Protection" \
       --data-urlencode "category=support" --data-urlencode "reason=  ")
check "an override without a reason is refused (400) beside the field" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"override-reason-error\"' '$TMP/body'"
code=$(http "$BASE/learners/$learner/consent/override" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "purpose=share_organisation" --data-urlencode "recipient=Child Protection" \
       --data-urlencode "category=support" --data-urlencode "reason=Urgent")
check "a key worker cannot override (403)" [ "$code" = 403 ]
code=$(http "$BASE/learners/$learner/consent/override" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "purpose=share_organisation" --data-urlencode "recipient=Child Protection" \
       --data-urlencode "category=support" --data-urlencode "reason=Told of danger at home tonight")
check "the leader overrides (303), audited" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'consent.override' AND learner_id = $learner") = 1 ]"
code=$(http "$BASE/privacy" -b "$L")
check "/privacy lists the override with its reason" \
    bash -c "[ $code = 200 ] && grep -q 'Told of danger at home tonight' '$TMP/body'"
code=$(http "$BASE/privacy" -b "$T")
check "a teacher may not open /privacy (403)" [ "$code" = 403 ]
D="$TMP/dpo.jar"
sign_in "$D" dpo 'privacy officer password 9' > /dev/null
code=$(http "$BASE/privacy" -b "$D")
check "the data protection officer opens /privacy, with the override and the consents" \
    bash -c "[ $code = 200 ] && grep -q 'Told of danger at home tonight' '$TMP/body' && grep -q 'Youth Employment Agency' '$TMP/body'"
code=$(http "$BASE/learners/$learner/consent" -b "$D")
check "...but not the learner's record or consent page (403)" \
    bash -c "[ $code = 403 ] && [ $(http "$BASE/learners/$learner" -b "$D") = 403 ]"
code=$(http "$BASE/api/v1/privacy" -H "Authorization: Bearer $LT")
check "GET /api/v1/privacy (200, as described, no notes)" \
    bash -c "[ $code = 200 ] && python3 '$CHECKER' '$SPEC' GET /privacy 200 '$TMP/body' && ! grep -q '\"note\"' '$TMP/body'"
stop_server

# ---- the commands ----
ref=$(q "SELECT ref FROM learner WHERE id = $learner")
"$CAIRN" export --db "$db" --format json subject "$ref" > "$TMP/subject.json" 2> "$TMP/err"
check "export subject as JSON holds every part" \
    python3 -c "import json,sys; r=json.load(open('$TMP/subject.json')); k=[p['key'] for p in r['parts']]; sys.exit(0 if k[:2]==['identity','enrolments'] and 'consents' in k and 'access_audit' in k and r['learner']=='$ref' else 1)"
"$CAIRN" export --db "$db" subject "$ref" -o "$TMP/subject.html" 2> "$TMP/err"
check "export subject as HTML is a page with a section per part" \
    bash -c "grep -q '<h1>Record of learner $ref</h1>' '$TMP/subject.html' && [ \$(grep -c '<section>' '$TMP/subject.html') -ge 9 ]"
check "...both exports are in the audit log" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'subject.export' AND learner_id = $learner")" = 2 ]
"$CAIRN" export --db "$db" subject NO-SUCH > /dev/null 2> "$TMP/err"
check "export subject of an unknown reference fails (1) saying so" \
    bash -c "[ $? = 1 ] && grep -q 'no learner with the reference' '$TMP/err'"

"$CAIRN" erase --db "$db" "$ref" > /dev/null 2> "$TMP/err"
check "erase of an enrolled learner is refused (1), saying why" \
    bash -c "[ $? = 1 ] && grep -q 'still enrolled' '$TMP/err'"
gone=$(q "SELECT l.id FROM learner l WHERE NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.learner_id = l.id
          AND e.status IN ('active','paused')) ORDER BY l.id LIMIT 1")
gref=$(q "SELECT ref FROM learner WHERE id = $gone")
given=$(q "SELECT given_name FROM learner WHERE id = $gone")
family=$(q "SELECT family_name FROM learner WHERE id = $gone")
email=$(q "SELECT email FROM learner WHERE id = $gone")
"$CAIRN" erase --db "$db" "$gref" > /dev/null 2> "$TMP/err"; rc=$?
check "erase without --confirm changes nothing (2)" \
    bash -c "[ $rc = 2 ] && [ $(q "SELECT count(*) FROM learner WHERE ref = '$gref'") = 1 ]"
"$CAIRN" erase --db "$db" --hold "Insurance claim" "$gref" > /dev/null 2>&1
"$CAIRN" erase --db "$db" --confirm "$gref" > /dev/null 2> "$TMP/err"; rc=$?
check "a legal hold stops it (1)" bash -c "[ $rc = 1 ] && grep -q 'legal hold' '$TMP/err'"
"$CAIRN" erase --db "$db" --lift-hold "$gref" > /dev/null 2>&1
"$CAIRN" erase --db "$db" --confirm --reason "asked" "$gref" > "$TMP/out" 2> "$TMP/err"; rc=$?
check "erase --confirm anonymises a departed learner (0)" \
    bash -c "[ $rc = 0 ] && [ $(q "SELECT ref FROM learner WHERE id = $gone") = erased-$gone ]"
sqlite3 "$db" .dump > "$TMP/dump.sql"
check "...and the name and e-mail address are nowhere in the database" \
    bash -c "[ -n '$email' ] && ! grep -qF '$email' '$TMP/dump.sql' && ! grep -qF '$given $family' '$TMP/dump.sql' && [ $(q "SELECT count(*) FROM learner WHERE given_name = '$given' AND family_name = '$family'") = 0 ]"

"$CAIRN" retention --db "$db" --dry-run run > "$TMP/out" 2> "$TMP/err"; rc=$?
check "retention --dry-run says what each rule would do, changing nothing" \
    bash -c "[ $rc = 0 ] && grep -q 'DEMO-VET score: would remove' '$TMP/out' && grep -q 'learner_departed' '$TMP/out'"
"$CAIRN" setting --db "$db" retention.score 30 > /dev/null 2>&1
check "cairn setting changes a period" [ "$("$CAIRN" setting --db "$db" retention.score)" = 30 ]
"$CAIRN" setting --db "$db" consent.age_alone 99 > /dev/null 2> "$TMP/err"
check "...and refuses a value out of range (2)" \
    bash -c "[ $? = 2 ] && grep -q 'from 12 to 21' '$TMP/err'"

done_testing
