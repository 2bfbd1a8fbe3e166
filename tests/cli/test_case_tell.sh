#!/bin/bash
# tests/cli/test_case_tell.sh — the learner is told of a handover, with mail
# that really leaves (tests/cli/smtp_sink.py, as tests/cli/test_mail.sh).
#
#   CAIRN=build/rel/cairn bash tests/cli/test_case_tell.sh      (from the repository root)
#
# A demo school with accounts; the key worker's open case gets a learner
# with an e-mail address and an account in Ukrainian; `cairn serve --smtp`;
# the key worker offers the case to a second key worker who accepts it: a
# mail in Ukrainian naming the new key worker arrives at the SMTP server,
# the learner's account has the notice, and the case's history says the
# learner was told (and by whom).  A second case whose learner has neither
# gets the task "tell the learner" for the new key worker instead.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3
# with aiosmtpd.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl
need_smtp_sink
db="$TMP/tell.db"
q() { sqlite3 "$db" "$1"; }

if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 120 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")
kw2ref=$(q "SELECT ref FROM staff WHERE id NOT IN (SELECT person_id FROM account
            WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
echo 'a-long-test-password-3' | "$CAIRN" user add kwtwo --role key_worker --staff "$kw2ref" \
    --password-stdin --db "$db" > /dev/null
kw2staff=$(q "SELECT person_id FROM account WHERE username = 'kwtwo'")
kw2name=$(q "SELECT given_name || ' ' || family_name FROM staff WHERE id = $kw2staff")
cases=$(q "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state <> 'closed'
           ORDER BY id LIMIT 2")
case1=$(echo "$cases" | sed -n 1p); case2=$(echo "$cases" | sed -n 2p)
check "the key worker has two open cases" [ -n "$case1" ] && [ -n "$case2" ]
l1=$(q "SELECT learner_id FROM support_case WHERE id = $case1")
l2=$(q "SELECT learner_id FROM support_case WHERE id = $case2")
q "UPDATE learner SET email = 'learner@home.example' WHERE id = $l1;
   UPDATE learner SET email = NULL WHERE id = $l2;
   INSERT INTO account (id, username, display_name, language, institution_id, person_kind,
   person_id, created_at, updated_at) SELECT 9001, 'learner-one', 'L One', 'uk', institution_id,
   'learner', id, 'now', 'now' FROM learner WHERE id = $l1"

smtp_listen
check "the SMTP server listens" kill -0 "${SMTP_PID:-0}"
export CAIRN_MAIL_RETRY_SECONDS=1
if ! start_server "$db" "$TMP/serve.log" --smtp "smtp://127.0.0.1:$SPORT" \
        --mail-from "cairn@school.example"; then
    not_ok "server starts with --smtp"; sed 's/^/# /' "$TMP/serve.log" | tail -10
    done_testing
fi
ok "server starts with --smtp"
BASE="http://127.0.0.1:$PORT"
K="$TMP/kw.jar"; K2="$TMP/kw2.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$K2" kwtwo a-long-test-password-3 > /dev/null

# hand_over CASE: the key worker offers it, the second key worker accepts.
hand_over() {
    http "$BASE/cases/$1" -b "$K" > /dev/null
    http "$BASE/cases/$1/transfer" -b "$K" -X POST --data-urlencode "csrf=$(csrf_of)" \
        --data-urlencode "staff_id=$kw2staff" --data-urlencode "reason=Leave from Monday." > /dev/null
    http "$BASE/cases/$1" -b "$K2" > /dev/null
    http "$BASE/cases/$1/transfer-answer" -b "$K2" -X POST --data-urlencode "csrf=$(csrf_of)" \
        --data-urlencode "answer=accept"
}
before=$(mails)
code=$(hand_over "$case1")
check "the handover is accepted (303)" \
    bash -c "[ $code = 303 ] && [ $(q "SELECT key_worker_id FROM support_case WHERE id = $case1") = $kw2staff ]"
check "a mail to the learner arrives at the SMTP server" wait_for mails_at_least $((before + 1))
last=$(ls -t "$MAILDIR"/*.eml | head -1)
"$PY" - "$last" > "$TMP/parsed" 2>&1 <<'EOF'
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("to=" + str(m["To"]))
print("subject=" + str(m["Subject"]))
print("body=" + m.get_content().replace("\n", " "))
EOF
check "...to the learner's address, in Ukrainian (their account's language)" \
    bash -c "grep -qx 'to=learner@home.example' '$TMP/parsed' && grep -q '^subject=Ваша нова відповідальна особа' '$TMP/parsed'"
check "...naming the new key worker" grep -q "^body=.*$kw2name" "$TMP/parsed"
check "the learner's account has the notice" \
    [ "$(q "SELECT count(*) FROM notice WHERE account_id = 9001 AND kind = 'case_handover'")" = 1 ]
check "the case's history says the learner was told (notice and mail)" \
    [ "$(q "SELECT count(*) FROM case_history WHERE case_id = $case1 AND kind = 'learner_told' AND from_value = 'notice,mail'")" = 1 ]
code=$(http "$BASE/cases/$case1" -b "$K2")
check "...on the case page, with the date and who" \
    bash -c "[ $code = 200 ] && grep -q 'The learner was told of the new key worker (by a notice in cairn and by mail)' '$TMP/body'"

code=$(hand_over "$case2")
check "a learner without an address or account: the handover is accepted (303)" [ "$code" = 303 ]
check "...no history line, but a task for the new key worker: tell the learner" \
    bash -c "[ $(q "SELECT count(*) FROM case_history WHERE case_id = $case2 AND kind = 'learner_told'") = 0 ] && [ $(q "SELECT count(*) FROM case_task WHERE case_id = $case2 AND kind = 'follow_up' AND owner_id = $kw2staff AND done_at IS NULL") = 1 ]"
code=$(http "$BASE/cases/$case2" -b "$K2")
check "...listed on the case page" \
    bash -c "[ $code = 200 ] && grep -q 'Tell the learner who their new key worker is' '$TMP/body'"
stop_server
check "the server stops cleanly, with nothing from the sanitizers in its log" \
    bash -c "[ '$STOP_STATUS' = 0 ] && ! grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer' '$TMP/serve.log'"

done_testing
