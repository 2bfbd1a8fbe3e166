#!/bin/bash
# tests/cli/test_mail.sh — notices and mail that really leaves, end to end,
# with a real local SMTP server (tests/cli/smtp_sink.py, Debian's
# python3-aiosmtpd).
#
#   CAIRN=build/rel/cairn bash tests/cli/test_mail.sh      (from the repository root)
#
# Makes a demo school with accounts, scored on two dates (the key worker
# has a notice per newly flagged learner of the caseload), gives the key worker an e-mail address
# and a learner a name with accents, starts the SMTP server and `cairn serve
# --smtp ... --mail-from ...`, names the key worker through the API and
# reads the message that arrives: envelope and To, a Subject in RFC 2047
# UTF-8, a base64 UTF-8 body with the learner's name.  The key worker sees
# the notice and its count in the navigation, marks it read and chooses
# "digest".  Then the relay goes down: the next message stays queued with
# its attempts counted and the relay's error; when the relay comes back it
# is delivered and marked sent.  Without --smtp, mail is off and waits.
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

db="$TMP/mail.db"
q() { sqlite3 "$db" "$1"; }

# sql_is TEXT SQL: a condition for wait_for, read afresh each time.
sql_is() { [ "$(q "$2")" = "$1" ]; }

if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 60 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" score --db "$db" --asof 2025-02-14 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user token leader --name test --db "$db" > "$TMP/leader.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts"
LT=$(tail -1 "$TMP/leader.token" | awk '{print $NF}')
kwstaff=$(q "SELECT person_id FROM account WHERE username = 'keyworker'")

# ---- cairn score tells the key worker of newly flagged learners -------------------------
want=$(q "SELECT count(*) FROM risk_score s JOIN support_assignment sa ON sa.learner_id = s.learner_id
          AND sa.ended_at IS NULL AND sa.staff_id = $kwstaff LEFT JOIN risk_score p
          ON p.learner_id = s.learner_id AND p.asof = '2025-02-14'
          WHERE s.asof = '2025-03-14' AND s.tier >= 1 AND (p.tier IS NULL OR p.tier < s.tier)")
got=$(q "SELECT count(*) FROM notice n JOIN account a ON a.id = n.account_id
         WHERE a.username = 'keyworker' AND n.kind = 'flagged' AND n.detail LIKE '% as of 2025-03-14'")
check "cairn score wrote a notice per newly flagged learner of the caseload ($got of $want)" \
    [ "$got" = "$want" ]
check "...and none for the first score date" \
    [ "$(q "SELECT count(*) FROM notice WHERE detail LIKE '%2025-02-14'")" = 0 ]
kwmail=$(q "SELECT email FROM staff WHERE id = $kwstaff")
check "...each with a mail queued to the key worker's address" \
    [ "$(q "SELECT count(*) FROM mail_queue WHERE recipient = '$kwmail' AND state = 'queued'
            AND subject LIKE 'cairn: % of your caseload is newly flagged (%'")" = "$want" ]
q "DELETE FROM mail_queue"              # the server's mail starts from here
q "UPDATE staff SET email = 'counsellor@school.example' WHERE id = $kwstaff"
l1=$(q "SELECT id FROM learner WHERE NOT EXISTS (SELECT 1 FROM support_assignment a
        WHERE a.learner_id = learner.id) ORDER BY id LIMIT 1")
l2=$(q "SELECT id FROM learner WHERE NOT EXISTS (SELECT 1 FROM support_assignment a
        WHERE a.learner_id = learner.id) ORDER BY id LIMIT 1 OFFSET 1")
q "UPDATE learner SET given_name = 'Zoë', family_name = 'Ærøskøbing-Łukasiewicz' WHERE id = $l1"

smtp_listen
check "the SMTP server listens (port $SPORT)" kill -0 "${SMTP_PID:-0}"

export CAIRN_MAIL_RETRY_SECONDS=1
if ! start_server "$db" "$TMP/serve.log" --smtp "smtp://127.0.0.1:$SPORT" \
        --mail-from "cairn@school.example"; then
    not_ok "server starts with --smtp"; sed 's/^/# /' "$TMP/serve.log" | tail -10
    done_testing
fi
ok "server starts with --smtp"
BASE="http://127.0.0.1:$PORT"

name_kw() {
    http "$BASE/api/v1/learners/$1/key-worker" -X POST -H "Authorization: Bearer $LT" \
        -H 'Content-Type: application/json' --data "{\"staff_id\": $kwstaff}"
}

# ---- a notice, and its mail --------------------------------------------------------
code=$(name_kw "$l1")
check "the leader names the key worker through the API (200)" [ "$code" = 200 ]
check "...which writes one notice for the key worker's account" \
    [ "$(q "SELECT count(*) FROM notice n JOIN account a ON a.id = n.account_id
           WHERE a.username = 'keyworker' AND n.kind = 'keyworker' AND n.learner_id = $l1")" = 1 ]
check "a message arrives at the SMTP server" wait_for mails_at_least 1
check "...from cairn@school.example to counsellor@school.example (envelope)" \
    bash -c "grep -qx 'from cairn@school.example' '$MAILDIR/1.rcpt' && grep -qx 'to counsellor@school.example' '$MAILDIR/1.rcpt'"
"$PY" - "$MAILDIR/1.eml" > "$TMP/parsed" 2>&1 <<'EOF'
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("to=" + str(m["To"]))
print("from=" + str(m["From"]))
print("subject=" + str(m["Subject"]))
print("date=" + ("yes" if m["Date"] and m["Date"].datetime else "no"))
print("msgid=" + str(m["Message-ID"]))
print("type=" + m.get_content_type() + ";" + str(m.get_content_charset()))
print("body=" + m.get_content().replace("\n", " "))
EOF
check "...the message's To and From" \
    bash -c "grep -qx 'to=counsellor@school.example' '$TMP/parsed' && grep -qx 'from=cairn@school.example' '$TMP/parsed'"
check "...a UTF-8 Subject naming the learner" \
    grep -q "^subject=cairn: You were named key worker of Zoë Ærøskøbing-Łukasiewicz" "$TMP/parsed"
check "...a Date and a Message-ID at the sender's domain" \
    bash -c "grep -qx 'date=yes' '$TMP/parsed' && grep -q '^msgid=<.*@school.example>$' '$TMP/parsed'"
check "...a text/plain UTF-8 body with the name" \
    bash -c "grep -qx 'type=text/plain;utf-8' '$TMP/parsed' && grep -q '^body=You were named key worker of Zoë Ærøskøbing-Łukasiewicz' '$TMP/parsed'"
check "...and the queue says sent, after one attempt" \
    wait_for sql_is "sent 1" "SELECT state || ' ' || attempts FROM mail_queue WHERE id = 1"

# ---- the notice in the application ------------------------------------------------------
K="$TMP/kw.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
code=$(http "$BASE/notices" -b "$K")
unread=$(q "SELECT count(*) FROM notice n JOIN account a ON a.id = n.account_id
            WHERE a.username = 'keyworker' AND n.read_at IS NULL")
check "the key worker's navigation counts the unread notices ($unread)" \
    bash -c "[ $code = 200 ] && grep -q '>Notices ($unread)</a>' '$TMP/body'"
check "...and /notices names the learner with a link" \
    grep -q "You were named key worker of <a href=\"/learners/$l1\">Zoë Ærøskøbing-Łukasiewicz</a>" "$TMP/body"
token=$(csrf_of)
nid=$(q "SELECT n.id FROM notice n JOIN account a ON a.id = n.account_id
         WHERE a.username = 'keyworker' AND n.kind = 'keyworker'")
code=$(http "$BASE/notices/$nid/read" -b "$K" -X POST --data-urlencode "csrf=$token")
check "mark read answers with a redirect (303)" [ "$code" = 303 ]
check "...and the notice is read" [ "$(q "SELECT count(*) FROM notice WHERE id = $nid AND read_at IS NULL")" = 0 ]
code=$(http "$BASE/notices/read-all" -b "$K" -X POST --data-urlencode "csrf=$token")
check "mark all read (303) leaves none unread" \
    bash -c "[ $code = 303 ] && [ \$(sqlite3 '$db' 'SELECT count(*) FROM notice WHERE read_at IS NULL') = 0 ]"
code=$(http "$BASE/notices/99999/read" -b "$K" -X POST --data-urlencode "csrf=$token")
check "another number is 404" [ "$code" = 404 ]
code=$(http "$BASE/notices/settings" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "mail=sometimes")
check "an unknown mail setting is refused (400)" [ "$code" = 400 ]
A="$TMP/admin.jar"
sign_in "$A" admin cairn-demo-office > /dev/null
code=$(http "$BASE/notices" -b "$A")
check "the administrator reads that mail goes out through the relay" \
    bash -c "[ $code = 200 ] && grep -q 'Mail goes out through smtp://127.0.0.1:$SPORT' '$TMP/body'"
code=$(http "$BASE/" -b "$A")
check "...and so does the administrator's home page, with the queue's counts" \
    bash -c "[ $code = 200 ] && grep -q 'Mail goes out through smtp://127.0.0.1:$SPORT' '$TMP/body' && grep -q 'sent: [1-9]' '$TMP/body'"
code=$(http "$BASE/api/v1/notices" -H "Authorization: Bearer $LT")
check "GET /api/v1/notices answers the leader (200, none)" \
    bash -c "[ $code = 200 ] && grep -q '\"unread\": *0' '$TMP/body'"

# ---- the relay is down, then back ------------------------------------------------------------
smtp_stop
code=$(name_kw "$l2")
check "with the relay down, naming another learner's key worker still works (200)" [ "$code" = 200 ]
check "...its message stays queued with attempts counted" \
    wait_for sql_is queued "SELECT state FROM mail_queue WHERE id = 2 AND attempts >= 2"
check "...and the relay's error recorded" \
    [ -n "$(q "SELECT last_error FROM mail_queue WHERE id = 2")" ]
smtp_start
check "when the relay is back the message arrives" wait_for mails_at_least 2
check "...and the queue says sent" \
    wait_for sql_is sent "SELECT state FROM mail_queue WHERE id = 2"

# ---- choosing: no mail ---------------------------------------------------------------------
code=$(http "$BASE/notices" -b "$K")
token=$(csrf_of)
code=$(http "$BASE/notices/settings" -b "$K" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "mail=none")
check "the key worker chooses no mail (303)" [ "$code" = 303 ]
q "UPDATE support_assignment SET ended_at = '2026-01-01T00:00:00Z' WHERE learner_id = $l1"
code=$(name_kw "$l1")
check "...the next notice is written (200)" \
    bash -c "[ $code = 200 ] && [ \$(sqlite3 '$db' \"SELECT count(*) FROM notice WHERE kind = 'keyworker'\") = 3 ]"
check "...and queues no mail" [ "$(q "SELECT count(*) FROM mail_queue")" = 2 ]
stop_server
check "the server with the mail worker stops cleanly (exit 0)" [ "$STOP_STATUS" = 0 ]
smtp_stop

# ---- without a relay --------------------------------------------------------------------------
q "DELETE FROM notice_pref"
serve_or_stop "$db"
code=$(name_kw "$l2")
q "UPDATE support_assignment SET ended_at = '2026-01-01T00:00:00Z' WHERE learner_id = $l2"
code=$(name_kw "$l2")
check "without --smtp, notices still work (200) and mail waits queued" \
    bash -c "[ $code = 200 ] && [ \$(sqlite3 '$db' \"SELECT count(*) FROM mail_queue WHERE state = 'queued'\") = 1 ]"
check "...and the log does not claim mail goes out" bash -c "! grep -q 'mail goes out' '$TMP/serve.log'"
sign_in "$A" admin cairn-demo-office > /dev/null
code=$(http "$BASE/notices" -b "$A")
check "...and the administrator reads that mail is off" \
    bash -c "[ $code = 200 ] && grep -q 'Mail is off' '$TMP/body'"
stop_server

done_testing
