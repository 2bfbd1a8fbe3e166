#!/bin/bash
# tests/cli/test_case_move.sh — handing a case over to another institution
# of the same database (support/case_move.h), through the web routes.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_case_move.sh      (from the repository root)
#
# A demo school with accounts, and a second institution (Northside College)
# with a head, a key worker and the same learner.  The demo key worker
# offers an open case: refused without the learner's consent (nothing
# written), offered once the consent is recorded (JSON twin).  Northside's
# leader sees the offer (name, birth date, sender, reason) but not the case
# (404), and accepts it naming their learner and key worker; the new case
# opens there with the handover record, readable by its key worker (page
# and JSON, audited); the sending case is closed as moved.  Before that the
# key worker withdraws the offer once (Northside no longer sees it), offers
# it again while handovers need a leader's approval and withdraws that
# request (its offer with it), and offers it again.  The answer page
# proposes Northside's learner with the same learner reference first.
# Both learners' subject exports hold the handovers.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl
db="$TMP/move.db"
q() { sqlite3 "$db" "$1"; }

if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 120 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
inst=$(q "SELECT institution_id FROM account WHERE username = 'keyworker'")
kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
case1=$(q "SELECT c.id FROM support_case c JOIN learner l ON l.institution_id = c.institution_id
           AND l.id = c.learner_id WHERE c.key_worker_id = $kwstaff AND c.state IN ('open',
           'assessment') AND l.birth_date < date('now', '-17 years') AND NOT EXISTS (SELECT 1
           FROM case_approval a WHERE a.case_id = c.id AND a.state = 'pending')
           ORDER BY c.id LIMIT 1")
check "the key worker has an open case of a learner over 17" [ -n "$case1" ]
l1=$(q "SELECT learner_id FROM support_case WHERE id = $case1")
lname=$(q "SELECT given_name || ' ' || family_name FROM learner WHERE id = $l1")
q "INSERT INTO institution (id, code, name, created_at) VALUES (902, 'NEXT', 'Northside College',
   '2025-01-01T00:00:00Z');
   INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES
   (902, 1, 'N-H', 'Nora', 'North', 'head'), (902, 2, 'N-K', 'Niko', 'Kern', 'counsellor');
   INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date)
   SELECT 902, 7, 'N-L7', given_name, family_name, birth_date FROM learner
   WHERE institution_id = $inst AND id = $l1;
   INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date)
   SELECT 902, 8, ref, 'Marlene', 'Byref', '2001-02-03' FROM learner
   WHERE institution_id = $inst AND id = $l1;
   INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date) VALUES
   (902, 9, 'N-L9', 'Zed', 'Unrelated', '2001-02-03')"
echo 'a-long-test-password-3' | "$CAIRN" user add nextlead --role school_leader --institution NEXT \
    --staff N-H --password-stdin --db "$db" > /dev/null
echo 'a-long-test-password-4' | "$CAIRN" user add nextkw --role key_worker --institution NEXT \
    --staff N-K --password-stdin --db "$db" > /dev/null
"$CAIRN" user token keyworker --name move --db "$db" > "$TMP/kw.token" 2> /dev/null
KT=$(tail -1 "$TMP/kw.token" | awk '{print $NF}')

serve_or_stop "$db"
K="$TMP/kw.jar"; N="$TMP/nl.jar"; NK="$TMP/nk.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$N" nextlead a-long-test-password-3 > /dev/null
sign_in "$NK" nextkw a-long-test-password-4 > /dev/null

code=$(http "$BASE/cases/$case1?form=move" -b "$K")
check "the case page offers the handover to another institution, listing Northside" \
    bash -c "[ $code = 200 ] && grep -q 'name=\"to_institution\"' '$TMP/body' && grep -q 'Northside College' '$TMP/body'"
code=$(http "$BASE/cases/$case1/move" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "to_institution=902" --data-urlencode "reason=The family moves north.")
check "without the learner's consent: 400, saying so, nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'no current consent' '$TMP/body' && [ $(q "SELECT count(*) FROM case_move") = 0 ]"
japi() { http "$BASE/api/v1$1" -X POST -H "Authorization: Bearer $KT" \
         -H 'Content-Type: application/json' -d "$2"; }
code=$(japi "/cases/$case1/move" '{"to_institution": 902, "reason": "The family moves north."}')
check "JSON twin without consent: 400 with field consent naming the recipient" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"consent\"' '$TMP/body' && grep -q 'Northside College' '$TMP/body'"
code=$(japi "/learners/$l1/consents" '{"purpose": "share_organisation", "recipient": "Northside College", "categories": ["identity", "support"], "given_by": "learner"}')
check "the learner's consent to share with Northside is recorded (201)" [ "$code" = 201 ]
code=$(japi "/cases/$case1/move" '{"to_institution": 902, "reason": "The family moves north."}')
check "offered through the JSON twin (200)" \
    bash -c "[ $code = 200 ] && [ $(q "SELECT count(*) FROM case_move WHERE state = 'pending'") = 1 ]"
code=$(http "$BASE/cases/$case1" -b "$K")
check "...the case page says it waits for Northside" \
    bash -c "[ $code = 200 ] && grep -q 'Offered to <bdi>Northside College</bdi>' '$TMP/body'"

code=$(http "$BASE/cases/$case1" -b "$N")
check "Northside's leader cannot see the sending case (404)" [ "$code" = 404 ]
code=$(http "$BASE/" -b "$N")
check "Northside's leader's home page lists the offer" \
    bash -c "[ $code = 200 ] && grep -q 'Cases offered by other institutions' '$TMP/body' && grep -q \"$lname\" '$TMP/body'"
mid=$(q "SELECT id FROM case_move")
code=$(http "$BASE/case-moves/$mid?from=$inst" -b "$N")
check "the offer page: name, sender, reason" \
    bash -c "[ $code = 200 ] && grep -q 'The family moves north.' '$TMP/body'"
check "...the learner with the same learner reference proposed first, marked so" \
    bash -c "grep -q 'value=\"8\" checked> <bdi>Marlene Byref</bdi>.*same learner reference' '$TMP/body' && grep -o 'name=\"learner_id\" value=\"[0-9]*\"' '$TMP/body' | head -1 | grep -q 'value=\"8\"'"
check "...then the one of the same name and birth date, not checked" \
    bash -c "grep -q 'value=\"7\">' '$TMP/body' && ! grep -q 'value=\"7\" checked' '$TMP/body'"
check "...and none of Northside's other learners" \
    bash -c "! grep -q 'Unrelated' '$TMP/body' && ! grep -q 'value=\"9\"' '$TMP/body'"
# without a learner of the same reference, the one of the same name and
# birth date is proposed even when a namesake born another day comes first
r8=$(q "SELECT ref FROM learner WHERE institution_id = 902 AND id = 8")
q "UPDATE learner SET ref = 'N-L8' WHERE institution_id = 902 AND id = 8;
   INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date)
   SELECT 902, 6, 'N-L6', given_name, family_name, '1990-01-01' FROM learner
   WHERE institution_id = 902 AND id = 7"
code=$(http "$BASE/case-moves/$mid?from=$inst" -b "$N")
check "...no same reference: the namesake born another day first, the exact one checked" \
    bash -c "[ $code = 200 ] && grep -o 'name=\"learner_id\" value=\"[0-9]*\"' '$TMP/body' | head -1 | grep -q 'value=\"6\"' && grep -q 'value=\"7\" checked' '$TMP/body' && ! grep -q 'value=\"6\" checked' '$TMP/body' && ! grep -q 'same learner reference</strong>' '$TMP/body'"
q "DELETE FROM learner WHERE institution_id = 902 AND id = 6;
   UPDATE learner SET ref = '$r8' WHERE institution_id = 902 AND id = 8"
code=$(http "$BASE/case-moves/$mid?from=$inst" -b "$N")
code=$(http "$BASE/api/v1/case-moves" -b "$N")
check "GET /api/v1/case-moves lists it with the birth date" \
    bash -c "[ $code = 200 ] && grep -q '\"birth_date\"' '$TMP/body'"

# withdrawing the offer (support/case_withdraw.h), then offering it again
code=$(http "$BASE/cases/$case1" -b "$K")
check "the case page has the form that withdraws the offer" \
    bash -c "[ $code = 200 ] && grep -q 'action=\"/cases/$case1/withdraw-offer\"' '$TMP/body'"
code=$(http "$BASE/cases/$case1/withdraw-offer" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "reason=  ")
check "withdrawing without a reason: 400, the offer still waits" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"withdraw-error\"' '$TMP/body' && [ $(q "SELECT count(*) FROM case_move WHERE state = 'pending'") = 1 ]"
code=$(http "$BASE/cases/$case1/withdraw-offer" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "reason=The family stays after all.")
check "withdrawn by the key worker: 303, the offer withdrawn, a history row, an audit event" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM case_move WHERE state = 'withdrawn'") = 1 ] && [ $(q "SELECT count(*) FROM case_history WHERE case_id = $case1 AND kind = 'transfer_withdraw'") = 1 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'case.move_withdraw'") = 1 ]"
code=$(http "$BASE/cases/$case1" -b "$K")
check "...the case's history says so, with the reason" \
    bash -c "[ $code = 200 ] && grep -q 'Handover offer withdrawn' '$TMP/body' && grep -q 'The family stays after all.' '$TMP/body'"
code=$(http "$BASE/case-moves/$mid?from=$inst" -b "$N")
check "...Northside's leader no longer finds the offer (404)" [ "$code" = 404 ]
code=$(http "$BASE/api/v1/case-moves" -b "$N")
check "...nor in GET /api/v1/case-moves" \
    bash -c "[ $code = 200 ] && ! grep -q 'The family moves north.' '$TMP/body'"
code=$(japi "/cases/$case1/withdraw-offer" '{"reason": "Again."}')
check "JSON twin with nothing waiting: 400 with field transfer" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"transfer\"' '$TMP/body' && grep -q 'nothing to withdraw' '$TMP/body'"
# a handover waiting for a leader's approval, withdrawn by the key worker
# with its request (support/case_withdraw.h)
"$CAIRN" setting --db "$db" --institution "$(q "SELECT code FROM institution WHERE id = $inst")" \
    case.approval.transfer 1 > /dev/null 2>&1
code=$(japi "/cases/$case1/move" '{"to_institution": 902, "reason": "Maybe north after all."}')
check "with approval of handovers on, the offer waits for a leader (200, state approval)" \
    bash -c "[ $code = 200 ] && [ $(q "SELECT count(*) FROM case_move WHERE state = 'approval'") = 1 ] && [ $(q "SELECT count(*) FROM case_approval WHERE case_id = $case1 AND state = 'pending'") = 1 ]"
req=$(q "SELECT id FROM case_approval WHERE case_id = $case1 AND state = 'pending'")
code=$(http "$BASE/cases/$case1" -b "$K")
check "...the case page shows the request with the form that withdraws it" \
    bash -c "[ $code = 200 ] && grep -q 'Waiting for approval' '$TMP/body' && grep -q 'action=\"/cases/$case1/approval-withdraw\"' '$TMP/body'"
aw0=$(q "SELECT count(*) FROM audit_event WHERE action = 'case.approval_withdraw' AND institution_id = $inst")   # the demo's
code=$(http "$BASE/cases/$case1/approval-withdraw" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "request_id=$req" --data-urlencode "reason=No move this year.")
check "...withdrawn by the key worker (303): the request and its offer withdrawn" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT state FROM case_approval WHERE id = $req") = withdrawn ] && [ $(q "SELECT count(*) FROM case_move WHERE state = 'withdrawn'") = 2 ] && [ $(q "SELECT count(*) FROM case_move WHERE state IN ('approval', 'pending')") = 0 ]"
check "...a history row and an audit event at the sender, nothing at Northside" \
    bash -c "[ $(q "SELECT count(*) FROM case_history WHERE case_id = $case1 AND kind = 'approval_withdraw' AND from_value = 'transfer'") = 1 ] && [ $(q "SELECT count(*) FROM audit_event WHERE action = 'case.approval_withdraw' AND institution_id = $inst") = $((aw0 + 1)) ] && [ $(q "SELECT count(*) FROM audit_event WHERE institution_id = 902 AND action LIKE 'case%withdraw%'") = 0 ]"
code=$(japi "/cases/$case1/approval-withdraw" "{\"request_id\": $req, \"reason\": \"Again.\"}")
check "JSON twin on the same request again: 400, field approval, answered already" \
    bash -c "[ $code = 400 ] && grep -q '\"field\": *\"approval\"' '$TMP/body' && grep -q 'answered already' '$TMP/body'"
"$CAIRN" setting --db "$db" --institution "$(q "SELECT code FROM institution WHERE id = $inst")" \
    case.approval.transfer 0 > /dev/null 2>&1

code=$(japi "/cases/$case1/move" '{"to_institution": 902, "reason": "The family moves north."}')
check "offered again (200)" [ "$code" = 200 ]
mid=$(q "SELECT id FROM case_move WHERE state = 'pending'")

code=$(http "$BASE/case-moves/$mid?from=$inst" -b "$K")
check "the sending key worker cannot answer (403)" [ "$code" = 403 ]
http "$BASE/case-moves/$mid?from=$inst" -b "$N" > /dev/null
code=$(http "$BASE/case-moves/$mid" -b "$N" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "from=$inst" --data-urlencode "answer=accept" \
       --data-urlencode "learner_id=7" --data-urlencode "key_worker_id=$kwstaff")
check "accepting with a key worker of the sender: 400, nothing written" \
    bash -c "[ $code = 400 ] && [ $(q "SELECT count(*) FROM support_case WHERE institution_id = 902") = 0 ]"
code=$(http "$BASE/case-moves/$mid" -b "$N" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "from=$inst" --data-urlencode "answer=accept" \
       --data-urlencode "learner_id=7" --data-urlencode "key_worker_id=2")
newc=$(q "SELECT id FROM support_case WHERE institution_id = 902")
accepted() { [ "$code" = 303 ] && [ -n "$newc" ] && has_header Location "/cases/$newc"; }
check "accepted: 303 to the new case at Northside" accepted
check "...the sending case is closed as moved" \
    [ "$(q "SELECT state || ':' || outcome FROM support_case WHERE id = $case1 AND institution_id = $inst")" = "closed:moved" ]
code=$(http "$BASE/cases/$case1" -b "$K")
check "...its history says the handover was accepted by another institution" \
    bash -c "[ $code = 200 ] && grep -q 'Handover accepted by another institution' '$TMP/body'"
code=$(http "$BASE/cases/$newc" -b "$NK")
check "Northside's key worker sees the new case with the link to its handover record" \
    bash -c "[ $code = 200 ] && grep -q '/cases/$newc/handover' '$TMP/body' && grep -q 'Opened: received from another institution' '$TMP/body'"
code=$(http "$BASE/cases/$newc/handover" -b "$NK")
check "...and reads the record: the offer's reason, the sender's history" \
    bash -c "[ $code = 200 ] && grep -q 'The family moves north.' '$TMP/body' && grep -q 'transfer_ask' '$TMP/body'"
code=$(http "$BASE/api/v1/cases/$newc/handover" -b "$NK")
check "GET /api/v1/cases/{id}/handover (200) names the sender" \
    bash -c "[ $code = 200 ] && grep -q '\"from_institution\": *\"' '$TMP/body'"
check "...each read audited at Northside" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE institution_id = 902 AND action = 'case.handover_view'")" = 2 ]
code=$(http "$BASE/cases/$newc/handover" -b "$N")
check "Northside's leader (not on the team) cannot read the record (403)" [ "$code" = 403 ]
"$CAIRN" export --db "$db" --institution NEXT --format json subject N-L7 > "$TMP/subj.json" 2> "$TMP/err"
check "cairn export subject (JSON) of Northside's learner holds the record received, opened" \
    python3 -c "import json,sys; r=json.load(open('$TMP/subj.json')); h=[p['data'] for p in r['parts'] if p['key']=='handovers'][0]; rec=h['received'][0]['record']; sys.exit(0 if rec['from_institution'] and 'The family moves north.' in json.dumps(rec) else 1)"
"$CAIRN" export --db "$db" --institution NEXT subject N-L7 -o "$TMP/subj.html" 2> "$TMP/err"
check "...and as HTML, a section of handovers with the record's texts" \
    bash -c "grep -q '<h2>Handovers of cases</h2>' '$TMP/subj.html' && grep -q 'The family moves north.' '$TMP/subj.html'"
lref=$(q "SELECT ref FROM learner WHERE institution_id = $inst AND id = $l1")
"$CAIRN" export --db "$db" --institution "$(q "SELECT code FROM institution WHERE id = $inst")" \
    --format json subject "$lref" > "$TMP/subj1.json" 2> "$TMP/err"
check "...the sender's learner's export lists both offers, the withdrawn one with why" \
    python3 -c "import json,sys; r=json.load(open('$TMP/subj1.json')); o=[p['data'] for p in r['parts'] if p['key']=='handovers'][0]['offered']; s=sorted(x['state'] for x in o); sys.exit(0 if s==['accepted','withdrawn','withdrawn'] and any(x['answer']=='The family stays after all.' for x in o) else 1)"
stop_server
check "the server stops cleanly, with nothing from the sanitizers in its log" \
    bash -c "[ '$STOP_STATUS' = 0 ] && ! grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer' '$TMP/serve.log'"

done_testing
