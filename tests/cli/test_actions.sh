#!/bin/bash
# tests/cli/test_actions.sh — acting on a learner from the learner page, end
# to end: acknowledging a flag with a comment and naming the key worker.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_actions.sh      (from the repository root)
#
# Makes a demo school, scores it, creates the demo accounts, starts the
# server and, signed in with curl: the leader sees the Actions section;
# an empty comment is refused (400, the error tied to the field) and writes
# nothing; a POST without the csrf field is refused (403) and writes
# nothing; the leader acknowledges a flag and sees it on the page after the
# redirect; a teacher cannot name a key worker (403); the leader names the
# key worker, who then sees the learner on their dashboard and acknowledges
# a flag too; the audit log has every change, without the comments.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/actions.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-02-14 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"
serve_or_stop "$db"

q() { sqlite3 "$db" "$1"; }
acks() { q "SELECT count(*) FROM flag_acknowledgement"; }
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

# A flagged learner outside the key worker's caseload, and one of its flags.
kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
learner=$(q "SELECT s.learner_id FROM risk_score s WHERE s.asof = '2025-03-14' AND s.flags <> '[]'
             AND NOT EXISTS (SELECT 1 FROM support_assignment a WHERE a.learner_id = s.learner_id)
             ORDER BY s.tier DESC, s.learner_id LIMIT 1")
flag=$(q "SELECT json_extract(flags, '\$[0]') FROM risk_score WHERE learner_id = $learner
          AND asof = '2025-03-14'")
check "the demo has a flagged learner outside the caseload" \
    bash -c "[ -n '$learner' ] && [ -n '$flag' ] && [ -n '$kwstaff' ]"

L="$TMP/leader.jar"
K="$TMP/kw.jar"
T="$TMP/teacher.jar"
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null

code=$(http "$BASE/learners/$learner" -b "$K")
check "the key worker cannot open the learner yet (403)" [ "$code" = 403 ]
code=$(http "$BASE/dashboard" -b "$K")
check "...nor sees them on the dashboard" \
    bash -c "[ $code = 200 ] && ! grep -q 'href=\"/learners/$learner\"' '$TMP/body'"

code=$(http "$BASE/learners/$learner" -b "$L")
token=$(csrf_of)
check "the leader's learner page has the Actions section" \
    bash -c "[ $code = 200 ] && grep -q '<h2 id=\"h-actions\">Actions</h2>' '$TMP/body'"
check "...with a labelled comment field for the flag" \
    bash -c "grep -q '<input type=\"hidden\" name=\"flag\" value=\"$flag\">' '$TMP/body' && grep -q '<label for=\"ack-comment-0\">' '$TMP/body' && grep -q '<textarea id=\"ack-comment-0\" name=\"comment\"' '$TMP/body'"
check "...and a labelled choice of key worker" \
    bash -c "grep -q '<label for=\"kw-staff\">' '$TMP/body' && grep -q '<option value=\"$kwstaff\"' '$TMP/body'"

# ---- acknowledging ----
code=$(http "$BASE/learners/$learner/acknowledge" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=   ")
check "an empty comment is refused (400)" [ "$code" = 400 ]
check "...with the error next to the field" \
    bash -c "grep -q 'aria-describedby=\"ack-hint-0 ack-error-0\" aria-invalid=\"true\"' '$TMP/body' && grep -q '<p class=\"field-error\" id=\"ack-error-0\" role=\"alert\">Write a comment' '$TMP/body'"
check "...and nothing is written" [ "$(acks)" = 0 ]
code=$(http "$BASE/learners/$learner/acknowledge" -b "$L" -X POST \
       --data-urlencode "flag=$flag" --data-urlencode "comment=Talked with the family")
check "a POST without the csrf field is refused (403)" [ "$code" = 403 ]
check "...and nothing is written" [ "$(acks)" = 0 ]
code=$(http "$BASE/learners/$learner/acknowledge" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=Called <Ada>'s family & set a meeting.")
check "the leader acknowledges the flag (303 back to the page)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/learners/$learner?done=acknowledged' ]"
check "...written once" [ "$(acks)" = 1 ]
code=$(http "$BASE/learners/$learner?done=acknowledged" -b "$L")
check "...the page says so in a status notice" \
    bash -c "[ $code = 200 ] && grep -q '<p class=\"notice\" role=\"status\">Your acknowledgement was saved.</p>' '$TMP/body'"
check "...and shows the comment, escaped, with who wrote it" \
    bash -c "grep -q 'Called &lt;Ada&gt;&#39;s family &amp; set a meeting.' '$TMP/body' && grep -q 'Acknowledged by <bdi>' '$TMP/body'"

# ---- the key worker ----
staff=$(q "SELECT person_id FROM account WHERE username = 'teacher'")
inside=$(q "SELECT e.learner_id FROM enrolment e JOIN group_staff g
            ON g.institution_id = e.institution_id AND g.group_id = e.group_id
            WHERE e.status = 'active' AND g.staff_id = $staff AND g.role <> 'key_worker'
            ORDER BY e.learner_id LIMIT 1")
code=$(http "$BASE/learners/$inside" -b "$T")
ttoken=$(csrf_of)
check "the teacher's page of their own learner has no key worker form" \
    bash -c "[ $code = 200 ] && ! grep -q 'kw-staff' '$TMP/body'"
before=$(q "SELECT count(*) || '/' || count(ended_at) FROM support_assignment")
code=$(http "$BASE/learners/$inside/key-worker" -b "$T" -X POST --data-urlencode "csrf=$ttoken" \
       --data-urlencode "staff_id=$kwstaff")
check "a teacher cannot name a key worker (403)" [ "$code" = 403 ]
check "...and nothing changes" \
    [ "$(q "SELECT count(*) || '/' || count(ended_at) FROM support_assignment")" = "$before" ]
code=$(http "$BASE/learners/$learner/key-worker" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "staff_id=")
check "naming nobody is refused (400) with the error tied to the choice" \
    bash -c "[ $code = 400 ] && grep -q 'aria-describedby=\"kw-error\" aria-invalid=\"true\"' '$TMP/body'"
code=$(http "$BASE/learners/$learner/key-worker" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "staff_id=$kwstaff")
check "the leader names the key worker (303 back to the page)" \
    bash -c "[ $code = 303 ] && [ \"$(location)\" = '/learners/$learner?done=key-worker' ]"
check "...one current assignment" \
    [ "$(q "SELECT count(*) FROM support_assignment WHERE learner_id = $learner AND ended_at IS NULL AND staff_id = $kwstaff")" = 1 ]
code=$(http "$BASE/dashboard" -b "$K")
check "the key worker now sees the learner on their dashboard" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/learners/$learner\"' '$TMP/body'"
code=$(http "$BASE/learners/$learner" -b "$K")
ktoken=$(csrf_of)
check "...opens the record, named as key worker" \
    bash -c "[ $code = 200 ] && grep -q 'is the key worker since' '$TMP/body'"
check "...without the form to name another one" bash -c "! grep -q 'kw-staff' '$TMP/body'"
code=$(http "$BASE/learners/$learner/acknowledge" -b "$K" -X POST --data-urlencode "csrf=$ktoken" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=First meeting held.")
check "...and acknowledges the flag too" [ "$code" = 303 ]
code=$(http "$BASE/learners/$learner" -b "$K")
check "...which the page shows" grep -q 'First meeting held.' "$TMP/body"

code=$(http "$BASE/learners/$learner/explode" -b "$L" -X POST --data-urlencode "csrf=$token")
check "an unknown action is 404" [ "$code" = 404 ]
code=$(http "$BASE/learners/99999999/acknowledge" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=x")
check "an unknown learner is 404" [ "$code" = 404 ]

# ---- the audit log ----
check "the audit log has both acknowledgements" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'flag.acknowledge' AND learner_id = $learner")" = 2 ]
check "...and the key worker's naming" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE action = 'keyworker.assign' AND learner_id = $learner AND detail LIKE 'staff $kwstaff named key worker%'")" = 1 ]
check "...but none of the comments" \
    [ "$(q "SELECT count(*) FROM audit_event WHERE detail LIKE '%meeting%' OR detail LIKE '%Ada%'")" = 0 ]

code=$(http "$BASE/learners/$learner" -b "$L" -H "Accept-Language: ar")
check "the Arabic page is right to left with its actions translated" \
    bash -c "[ $code = 200 ] && grep -qF 'dir=\"rtl\"' '$TMP/body' && ! grep -q 'Acknowledge this flag' '$TMP/body'"

done_testing
