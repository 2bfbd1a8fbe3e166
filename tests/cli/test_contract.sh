#!/bin/bash
# tests/cli/test_contract.sh — the learner contract through the server.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_contract.sh      (from the repository root)
#
# On a demo school with its accounts: the demo has contracts (signed,
# amended, waiting for the learner); the key worker writes a contract for a
# case, a refused draft says why beside the field and writes nothing; the
# learner and the key worker sign (multipart, with a scan); a signature
# with the hash of another text is refused; the signed version is frozen
# (its text and hash never change); the case page says it is signed; the
# print view carries the code and fingerprint; a PDF comes from chromium;
# without chromium the PDF route says so (503); /verify answers a stranger
# for a good code, a matching and a tampered fingerprint, and a wrong code,
# then throttles; an amendment makes
# version 2 and the history shows both side by side; the JSON twins answer
# by the same rules (400 with the field, none when the refusal is not
# about one field); a team member of another case, the
# learner's teacher on the team and a leader not on the team are refused; everything is in the audit log.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/contract.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token keyworker --name test --db "$db" > "$TMP/kw.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
KT=$(tail -1 "$TMP/kw.token" | awk '{print $NF}')

q() { sqlite3 "$db" "$1"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

check "the demo has contracts: one amended (2 versions), signed ones, one waiting" \
    bash -c "[ $(q "SELECT count(*) FROM contract_version WHERE number = 2 AND signed_at IS NOT NULL") = 1 ] && [ $(q "SELECT count(*) FROM contract_version WHERE signed_at IS NOT NULL") -ge 3 ] && [ $(q "SELECT count(*) FROM contract_version v WHERE signed_at IS NULL AND EXISTS (SELECT 1 FROM contract_signature s WHERE s.version_id = v.id AND s.role = 'key_worker') AND NOT EXISTS (SELECT 1 FROM contract_signature s WHERE s.version_id = v.id AND s.role = 'learner')") = 1 ]"
check "...their texts sealed at rest" \
    bash -c "[ $(q "SELECT count(*) FROM contract_version WHERE body NOT LIKE 's1:%' OR school_commits NOT LIKE 's1:%'") = 0 ]"

kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
case_a=$(q "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state = 'open' ORDER BY id LIMIT 1")
case_b=$(q "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state = 'monitoring' ORDER BY id LIMIT 1")
learner_a=$(q "SELECT learner_id FROM support_case WHERE id = $case_a")
# the learner of case A is an adult: no guardian needed
q "UPDATE learner SET birth_date = '2000-01-01' WHERE id = $learner_a"
psy=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
         WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
echo 'a-long-test-password-1' | "$CAIRN" user add psyone --role team_member --staff "$psy" \
    --password-stdin --db "$db" > /dev/null
psystaff=$(q "SELECT person_id FROM account WHERE username = 'psyone'")
q "INSERT INTO case_team_member (institution_id, case_id, staff_id, role, added_at)
   SELECT institution_id, $case_b, $psystaff, 'psychologist', '2025-03-01T10:00:00Z'
   FROM support_case WHERE id = $case_b"
check "case A (open, no contract) and a psychologist on case B's team" \
    bash -c "[ -n '$case_a' ] && [ -n '$case_b' ] && [ -n '$psystaff' ]"
serve_or_stop "$db"

K="$TMP/kw.jar"; L="$TMP/leader.jar"; P="$TMP/psy.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$P" psyone a-long-test-password-1 > /dev/null

# ---- the draft ----
code=$(http "$BASE/cases/$case_a/contract" -b "$K")
token=$(csrf_of)
check "the key worker's contract page (200): no contract yet, the draft form" \
    bash -c "[ $code = 200 ] && grep -q 'There is no contract yet.' '$TMP/body' && grep -q 'name=\"school_commits\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_a/contract" -b "$K" -X POST --data-urlencode "school_commits=x")
check "a POST without the csrf field is refused (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$case_a/contract" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "school_commits=" --data-urlencode "learner_commits=")
check "an empty draft is refused (400) in the summary and beside the field, nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'id=\"error-summary\"' '$TMP/body' && grep -q 'id=\"err-draft-school_commits\"' '$TMP/body' && [ $(q "SELECT count(*) FROM contract_version WHERE case_id = $case_a") = 0 ]"
code=$(http "$BASE/cases/$case_a/contract" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "school_commits=Tutoring in maths on Tuesdays." \
       --data-urlencode "learner_commits=I come to every lesson." \
       --data-urlencode "starts_on=2026-01-05" --data-urlencode "review_on=2026-02-16")
check "a draft is saved (303 back to the contract)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/cases/$case_a/contract?done=draft' ]"
check "...version 1, sealed at rest" \
    bash -c "[ $(q "SELECT count(*) FROM contract_version WHERE case_id = $case_a AND number = 1 AND body LIKE 's1:%'") = 1 ] && ! grep -q 'Tutoring in maths on Tuesdays' '$db'"
code=$(http "$BASE/api/v1/cases/$case_a/contract" -H "Authorization: Bearer $KT")
check "the JSON twin (200) gives the text; its SHA-256 is the stored fingerprint" \
    python3 -c "
import json,hashlib,sys
d=json.load(open('$TMP/body'))['versions'][0]
sys.exit(0 if $code==200 and hashlib.sha256(d['text'].encode()).hexdigest()==d['sha256']=='$(q "SELECT sha256 FROM contract_version WHERE case_id = $case_a")' and 'Tutoring in maths' in d['text'] and d['state']=='draft' else 1)"
sha=$(q "SELECT sha256 FROM contract_version WHERE case_id = $case_a")
code_a=$(q "SELECT code FROM contract_version WHERE case_id = $case_a")

# ---- signatures ----
code=$(http "$BASE/cases/$case_a/contract" -b "$K")
token=$(csrf_of)
printf 'a scanned page' > "$TMP/scan.pdf"
code=$(http "$BASE/cases/$case_a/contract/sign" -b "$K" -X POST -F "csrf=$token" -F role=learner \
       -F method=screen -F "name=Ana Learner" -F "version_sha256=$(printf '%064d' 0)")
check "a signature of another text is refused (400), nothing written" \
    bash -c "[ $code = 400 ] && grep -q 'changed since this page was opened' '$TMP/body' && [ $(q "SELECT count(*) FROM contract_signature") = $(q "SELECT count(*) FROM contract_signature") ] && [ $(q "SELECT count(*) FROM contract_signature s JOIN contract_version v ON v.id = s.version_id WHERE v.case_id = $case_a") = 0 ]"
code=$(http "$BASE/cases/$case_a/contract/sign" -b "$K" -X POST -F "csrf=$token" -F role=learner \
       -F method=paper -F "name=Ana María Learner" -F "version_sha256=$sha" -F "scan=@$TMP/scan.pdf")
check "the learner's signature on paper, with its scan (303)" [ "$code" = 303 ]
check "...records the scan's SHA-256, the version's hash and initials" \
    bash -c "[ \"$(q "SELECT s.scan_sha256 || ' ' || s.version_sha256 || ' ' || s.initials FROM contract_signature s JOIN contract_version v ON v.id = s.version_id WHERE v.case_id = $case_a")\" = \"$(sha256sum "$TMP/scan.pdf" | cut -d' ' -f1) $sha A. M. L.\" ]"
code=$(http "$BASE/cases/$case_a/contract" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "school_commits=Changed after signing" --data-urlencode "learner_commits=x")
check "once signed by anyone the draft is frozen (400), text and hash unchanged" \
    bash -c "[ $code = 400 ] && grep -q 'can no longer change' '$TMP/body' && [ $(q "SELECT sha256 FROM contract_version WHERE case_id = $case_a") = $sha ]"
code=$(http "$BASE/cases/$case_a" -b "$K")
check "the case page says the contract waits for the key worker" \
    bash -c "grep -q 'waiting for the signature of: Key worker' '$TMP/body' && grep -q 'href=\"/cases/$case_a/contract\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_a/contract/sign" -b "$K" -X POST -F "csrf=$token" \
       -F role=key_worker -F method=screen -F "version_sha256=$sha")
check "the key worker signs (303): the contract is signed" \
    bash -c "[ $code = 303 ] && [ -n \"$(q "SELECT signed_at FROM contract_version WHERE case_id = $case_a")\" ]"
code=$(http "$BASE/cases/$case_a" -b "$K")
check "...and the case page says signed on a day, its history too" \
    bash -c "grep -q 'Version 1, signed on' '$TMP/body' && grep -q 'Learner contract signed by all: version 1' '$TMP/body'"

# ---- print and PDF ----
code=$(http "$BASE/cases/$case_a/contract/print" -b "$K")
check "the print view (200) has the text, the code and the fingerprint, and a print stylesheet" \
    bash -c "[ $code = 200 ] && grep -q 'Tutoring in maths' '$TMP/body' && grep -q '${code_a:0:4}-${code_a:4:4}' '$TMP/body' && grep -q '$sha' '$TMP/body' && grep -q '@media print' '$TMP/body'"
if command -v chromium > /dev/null || command -v chromium-browser > /dev/null; then
    code=$(curl -s --max-time 90 -D "$TMP/headers" -o "$TMP/contract.pdf" -w '%{http_code}' \
           -b "$K" "$BASE/cases/$case_a/contract/pdf")
    check "the PDF (200, application/pdf) comes from chromium" \
        bash -c "[ $code = 200 ] && has_header() { tr -d '\r' < '$TMP/headers' | grep -qiE \"^\$1: \$2\"; } && has_header Content-Type application/pdf && head -c 4 '$TMP/contract.pdf' | grep -q '%PDF'"
else
    ok "# SKIP the PDF: no chromium here"
fi
code=$(http "$BASE/cases/$case_a/contract/pdf" -b "$P")
check "a team member of another case gets no PDF (403)" [ "$code" = 403 ]

# ---- /verify, for a stranger ----
code=$(http "$BASE/verify/${code_a:0:4}-${code_a:4:4}-${code_a:8:4}-${code_a:12:4}")
check "/verify/CODE (no sign-in, 200) says signed, when and by whom, not the text" \
    bash -c "[ $code = 200 ] && grep -q 'was signed on' '$TMP/body' && grep -q 'A. M. L.' '$TMP/body' && ! grep -q 'Tutoring' '$TMP/body' && ! grep -q 'Ana' '$TMP/body'"
code=$(http "$BASE/verify/$(echo "$code_a" | tr 'A-Z' 'a-z')?fingerprint=$sha")
check "...in lower case with the fingerprint: it matches" \
    bash -c "[ $code = 200 ] && grep -q 'The fingerprint matches' '$TMP/body'"
code=$(http "$BASE/verify/$code_a?fingerprint=${sha:0:63}0")
check "...a tampered fingerprint does not" grep -q 'does NOT match' "$TMP/body"
code=$(http "$BASE/api/v1/verify/$code_a?fingerprint=$sha")
check "...the JSON twin (200): signed, matches, roles and initials" \
    python3 -c "
import json,sys
d=json.load(open('$TMP/body'))
sys.exit(0 if $code==200 and d['signed'] and d['fingerprint_matches'] is True and sorted(s['role'] for s in d['signatures'])==['key_worker','learner'] else 1)"
printed="${code_a:0:4}-${code_a:4:4}-${code_a:8:4}-${code_a:12:4}"
code=$(http "$BASE/verify?code=$code_a&fingerprint=$sha")
check "the form goes on to /verify/CODE as printed, with the fingerprint (303)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/verify/$printed?fingerprint=$sha' ]"
code=$(http "$BASE/verify?code=%0D%0ASet-Cookie:x")
check "...a code of the wrong shape says so without a lookup (404)" \
    bash -c "[ $code = 404 ] && grep -q 'No contract has this code.' '$TMP/body' && ! grep -qi '^Set-Cookie: x' '$TMP/headers'"
code=$(http "$BASE/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ")
check "a wrong code says so plainly (404)" \
    bash -c "[ $code = 404 ] && grep -q 'No contract has this code.' '$TMP/body'"
seen429=0
for i in 1 2 3 4 5 6; do
    c=$(http "$BASE/verify/ZZZZ-ZZZZ-ZZZZ-ZZZ$i")
    [ "$c" = 429 ] && seen429=1
done
check "...and guessing is throttled (429)" [ "$seen429" = 1 ]

# ---- amendment and history ----
code=$(http "$BASE/cases/$case_a/contract" -b "$K")
token=$(csrf_of)
code=$(http "$BASE/cases/$case_a/contract/amend" -b "$K" -X POST --data-urlencode "csrf=$token")
check "the key worker amends (303): version 2, version 1 unchanged" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT count(*) FROM contract_version WHERE case_id = $case_a") = 2 ] && [ $(q "SELECT sha256 FROM contract_version WHERE case_id = $case_a AND number = 1") = $sha ]"
code=$(http "$BASE/api/v1/cases/$case_a/contract" -H "Authorization: Bearer $KT" -X POST \
       -H 'Content-Type: application/json' \
       -d '{"school_commits": "Tutoring in maths on Tuesdays and Thursdays.", "learner_commits": "I come to every lesson."}')
check "the JSON twin changes the new draft (200)" [ "$code" = 200 ]
code=$(http "$BASE/api/v1/cases/$case_a/contract/amend" -H "Authorization: Bearer $KT" -X POST \
       -H 'Content-Type: application/json' -d '{}')
check "amending a draft is 400 not about one field: no \"field\" member, never an empty one" \
    python3 -c "
import json,sys
e=json.load(open('$TMP/body'))['error']
sys.exit(0 if $code==400 and 'field' not in e and e['code']=='bad_request' and 'no signature yet' in e['message'] else 1)"
code=$(http "$BASE/api/v1/cases/$case_a/contract/sign" -H "Authorization: Bearer $KT" -X POST \
       -H 'Content-Type: application/json' -d '{"role": "friend", "method": "screen", "version_sha256": "00"}')
check "a bad role is 400 with the field" \
    python3 -c "
import json,sys
e=json.load(open('$TMP/body'))['error']
sys.exit(0 if $code==400 and e['field']=='role' and e['code']=='bad_request' and e['message'] else 1)"
code=$(http "$BASE/cases/$case_a/contract" -b "$K")
check "the history shows both versions side by side, the changed lines marked" \
    bash -c "grep -q 'class=\"contract-diff\"' '$TMP/body' && grep -q '<del>Tutoring in maths on Tuesdays.</del>' '$TMP/body' && grep -q '<ins>Tutoring in maths on Tuesdays and Thursdays.</ins>' '$TMP/body'"

# ---- in the learner's language ----
case_c=$(q "SELECT id FROM support_case c WHERE key_worker_id = $kwstaff AND state <> 'closed'
            AND NOT EXISTS (SELECT 1 FROM contract_version v WHERE v.case_id = c.id)
            AND id <> $case_a ORDER BY id LIMIT 1")
learner_c=$(q "SELECT learner_id FROM support_case WHERE id = $case_c")
q "INSERT INTO account (id, username, display_name, language, institution_id, person_kind,
   person_id, created_at, updated_at) SELECT (SELECT max(id) + 1 FROM account), 'learnerc',
   'Learner C', 'de', institution_id, 'learner', id, 'now', 'now' FROM learner WHERE id = $learner_c"
code=$(http "$BASE/cases/$case_c/contract" -b "$K")
code=$(http "$BASE/cases/$case_c/contract" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
       --data-urlencode "school_commits=Nachhilfe am Dienstag." --data-urlencode "learner_commits=Ich komme.")
code=$(http "$BASE/cases/$case_c/contract/print" -b "$K")
check "a learner whose account speaks German gets the contract in German (text and print view)" \
    bash -c "[ $code = 200 ] && grep -q '<html lang=\"de\"' '$TMP/body' && grep -q 'Lernvereinbarung' '$TMP/body' && grep -q 'Wozu sich die Schule verpflichtet' '$TMP/body' && [ $(q "SELECT language FROM contract_version WHERE case_id = $case_c") = de ]"

q "UPDATE learner SET birth_date = '2012-01-01' WHERE id = $learner_c"
code=$(http "$BASE/cases/$case_c/contract" -b "$K")
token=$(csrf_of)
sha_c=$(q "SELECT sha256 FROM contract_version WHERE case_id = $case_c")
check "for a minor the page says a guardian signs too" \
    grep -q 'a parent or guardian signs too' "$TMP/body"
http "$BASE/cases/$case_c/contract/sign" -b "$K" -X POST -F "csrf=$token" -F role=learner \
     -F method=screen -F "name=Cem Learner" -F "version_sha256=$sha_c" > /dev/null
http "$BASE/cases/$case_c/contract/sign" -b "$K" -X POST -F "csrf=$token" -F role=key_worker \
     -F method=screen -F "version_sha256=$sha_c" > /dev/null
check "...and the learner's and key worker's signatures leave it waiting for the guardian" \
    bash -c "[ -z \"$(q "SELECT signed_at FROM contract_version WHERE case_id = $case_c")\" ] && [ $(q "SELECT count(*) FROM contract_signature s JOIN contract_version v ON v.id = s.version_id WHERE v.case_id = $case_c") = 2 ]"
http "$BASE/cases/$case_c" -b "$K" > /dev/null
check "...as the case page says" grep -q 'waiting for the signature of: Parent or guardian' "$TMP/body"
http "$BASE/cases/$case_c/contract/sign" -b "$K" -X POST -F "csrf=$token" -F role=guardian \
     -F method=paper -F "name=Derya Parent" -F "version_sha256=$sha_c" > /dev/null
check "...until the guardian signs" \
    bash -c "[ -n \"$(q "SELECT signed_at FROM contract_version WHERE case_id = $case_c")\" ]"

# ---- who may see it ----
code=$(http "$BASE/cases/$case_a/contract" -b "$P")
check "a team member of another case is refused its contract (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$case_b/contract" -b "$P")
check "...and reads their own case's contract (200), without the forms" \
    bash -c "[ $code = 200 ] && ! grep -q 'action=\"/cases/$case_b/contract/sign\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_b/contract/amend" -b "$P" -X POST --data-urlencode "csrf=$(csrf_of)")
check "...and may not amend it (400, nothing written)" \
    bash -c "[ $code = 400 ] && [ $(q "SELECT count(*) FROM contract_version WHERE case_id = $case_b") = 2 ]"
T="$TMP/teacher.jar"
sign_in "$T" teacher cairn-demo-classroom > /dev/null
check "the demo teacher is on case B's team as its teacher" \
    [ "$(q "SELECT count(*) FROM case_team_member m JOIN account a ON a.person_id = m.staff_id
            WHERE a.username = 'teacher' AND m.case_id = $case_b AND m.role = 'teacher'")" = 1 ]
code=$(http "$BASE/cases/$case_b/contract" -b "$T")
check "...who sees only the goals of their teaching: not the contract (403)" [ "$code" = 403 ]
code=$(http "$BASE/cases/$case_b" -b "$T")
check "...nor its line on the case page" \
    bash -c "[ $code = 200 ] && ! grep -q 'href=\"/cases/$case_b/contract\"' '$TMP/body'"
code=$(http "$BASE/cases/$case_a/contract" -b "$L")
check "a leader not on the team is refused (403)" [ "$code" = 403 ]
code=$(http "$BASE/api/v1/cases/$case_a/contract" -b "$L")
check "...also as JSON (403)" [ "$code" = 403 ]

# ---- the audit log ----
check "every view, draft, signature, amendment and verification is audited" \
    bash -c "[ \"$(q "SELECT group_concat(DISTINCT action) FROM (SELECT action FROM audit_event WHERE action LIKE 'contract.%' ORDER BY action)")\" = 'contract.amend,contract.draft,contract.print,contract.sign,contract.signed,contract.verify,contract.view' ]"
check "...and the audit chain verifies" "$CAIRN" audit verify --db "$db"

# ---- without chromium ----
stop_server
export CAIRN_CHROMIUM=/nonexistent/chromium
serve_or_stop "$db"
unset CAIRN_CHROMIUM
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
code=$(http "$BASE/cases/$case_a/contract/pdf" -b "$K")
check "without chromium the PDF is refused plainly (503), pointing to the print view" \
    bash -c "[ $code = 503 ] && grep -q 'needs chromium, which is not installed' '$TMP/body'"

done_testing
