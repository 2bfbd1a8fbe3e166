#!/bin/bash
# tests/cli/test_vault_cli.sh — the keyring, the audit log's commands and
# pages, end to end on SQLite:
#
#   CAIRN=build/rel/cairn bash tests/cli/test_vault_cli.sh      (from the repository root)
#
# cairn init makes the keyring (0600) beside the database; the demo accounts
# include a data protection officer, whose sign-in lands on /audit, which
# lists the demo's events, filters them by person, learner, action and day,
# pages, and names bad filters beside their fields; a leader cannot open
# it; the key worker's learner page says who has seen the record, the
# leader's does not; an acknowledgement comment is sealed in the database
# and shown in clear on the page; cairn key rotate re-encrypts it and the
# page still shows it; cairn audit verify passes, then fails after the
# database is edited behind cairn's back (exit 1), and head-reset refuses a
# broken chain.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

db="$TMP/vault.db"
if ! scored_demo_school "$db" 200; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"
check "cairn init made the keyring, readable by its owner only" \
    bash -c "[ \"\$(stat -c %a '$db.key')\" = 600 ]"
check "the demo accounts include a data protection officer" \
    grep -qE '^  dpo +cairn-demo-privacy +data_protection_officer' "$TMP/setup.out"
"$CAIRN" audit --db "$db" verify > "$TMP/verify.out" 2>&1
check "cairn audit verify: the demo's chain is intact and matches the head file" \
    grep -q 'intact; its end matches the head file' "$TMP/verify.out"
echo "correct horse battery staple" | "$CAIRN" user add privacy --role data_protection_officer \
    --password-stdin --db "$db" > "$TMP/add.out" 2>&1
check "cairn user add makes another data protection officer" \
    grep -q 'roles data_protection_officer' "$TMP/add.out"
serve_or_stop "$db"

q() { sqlite3 "$db" "$1"; }
D="$TMP/dpo.jar"
L="$TMP/leader.jar"
K="$TMP/kw.jar"
sign_in "$D" dpo cairn-demo-privacy > /dev/null
check "the data protection officer lands on the audit log" \
    bash -c "tr -d '\r' < '$TMP/headers' | grep -q '^Location: /audit'"
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null

code=$(http "$BASE/audit" -b "$D")
check "GET /audit as the data protection officer (200)" [ "$code" = 200 ]
check "...lists the demo's reads with who and why" \
    bash -c "grep -q '<code>learner.view</code>' '$TMP/body' && grep -q '<td>viewed</td>' '$TMP/body'"
code=$(http "$BASE/audit" -b "$L")
check "a leader may not open the audit log (403)" [ "$code" = 403 ]

code=$(http "$BASE/audit?person=teacher" -b "$D")
rows=$(grep -c '<code>learner.view</code>' "$TMP/body")
check "filtered by person: only the teacher's one read ($rows row)" [ "$rows" = 1 ]
ref=$(q "SELECT l.ref FROM audit_event e JOIN learner l ON l.id = e.learner_id
         WHERE e.account_id = (SELECT id FROM account WHERE username = 'teacher')")
code=$(http "$BASE/audit?learner=$ref&action=learner.view" -b "$D")
want=$(q "SELECT count(*) FROM audit_event e JOIN learner l ON l.id = e.learner_id WHERE l.ref = '$ref'
          AND e.action = 'learner.view'")
rows=$(grep -c '<code>learner.view</code>' "$TMP/body")
check "filtered by learner and action: $want events" [ "$rows" = "$want" ]
code=$(http "$BASE/audit?from=2000-01-01&to=2000-01-31" -b "$D")
check "filtered by days: none in January 2000" grep -q 'No events match' "$TMP/body"
code=$(http "$BASE/audit?learner=NOSUCH&from=2025-13-01" -b "$D")
check "bad filters: the summary first with focus, each error beside its field" \
    bash -c "grep -q 'id=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus' '$TMP/body' &&
             grep -q 'id=\"e-learner\">There is no learner with this reference' '$TMP/body' &&
             grep -q 'aria-invalid=\"true\" aria-describedby=\"e-from\"' '$TMP/body'"

code=$(http "$BASE/api/v1/audit?person=teacher" -b "$D")
check "GET /api/v1/audit: the same as JSON" \
    bash -c "[ $code = 200 ] && grep -q '\"action\": *\"learner.view\"' '$TMP/body' && grep -q '\"reason\": *\"viewed\"' '$TMP/body' && grep -q '\"more\": *false' '$TMP/body'"
code=$(http "$BASE/api/v1/audit?to=someday" -b "$D")
check "...a bad filter is 400" [ "$code" = 400 ]
code=$(http "$BASE/api/v1/audit" -b "$L")
check "...and a leader is refused (403)" [ "$code" = 403 ]
for i in $(seq 1 60); do http "$BASE/learners/1" -b "$L" > /dev/null; done
code=$(http "$BASE/audit?person=leader" -b "$D")
next=$(grep -o 'rel="next" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
check "more than fifty events: a link to the older ones" bash -c "[ $code = 200 ] && [ -n '$next' ]"
code=$(http "$BASE$next" -b "$D")
check "...which shows them with a link back" \
    bash -c "[ $code = 200 ] && grep -q 'rel=\"prev\"' '$TMP/body' && grep -q '<code>learner.view</code>' '$TMP/body'"

learner=$(q "SELECT learner_id FROM support_assignment WHERE ended_at IS NULL ORDER BY learner_id LIMIT 1")
code=$(http "$BASE/learners/$learner" -b "$K")
check "the key worker's learner page says who has seen the record" \
    bash -c "[ '$code' = 200 ] && grep -q 'Who has seen this record' '$TMP/body' && grep -q 'Fionn Smith\|leader' '$TMP/body'"
code=$(http "$BASE/learners/$learner" -b "$D")
check "the data protection officer cannot open the record itself (403)" [ "$code" = 403 ]
code=$(http "$BASE/learners/$learner" -b "$L")
check "...the leader's does not" \
    bash -c "[ '$code' = 200 ] && ! grep -q 'Who has seen this record' '$TMP/body'"
before=$(q "SELECT count(*) FROM audit_event")
http "$BASE/audit?page=1" -b "$D" > /dev/null
check "the views were audited (the learner page writes an event)" [ "$before" -gt 15 ]

# an acknowledgement: sealed at rest, clear on the page, through a rotation
flagged=$(q "SELECT learner_id FROM risk_score WHERE asof = '2025-03-14' AND flags <> '[]'
             ORDER BY tier DESC, learner_id LIMIT 1")
flag=$(q "SELECT json_extract(flags, '\$[0]') FROM risk_score WHERE learner_id = $flagged AND asof = '2025-03-14'")
http "$BASE/learners/$flagged" -b "$L" > /dev/null
token=$(csrf_of)
code=$(http "$BASE/learners/$flagged/acknowledge" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=Vault test: rang the aunt")
check "the leader acknowledges a flag (303)" [ "$code" = 303 ]
check "...its comment is sealed in the database" \
    bash -c "[ \"\$(sqlite3 '$db' \"SELECT count(*) FROM flag_acknowledgement WHERE comment LIKE 's1:%'\")\" = 1 ] &&
             ! grep -qa 'rang the aunt' '$db' '$db-wal'"
http "$BASE/learners/$flagged" -b "$L" > /dev/null
check "...and shown in clear on the page" grep -q 'Vault test: rang the aunt' "$TMP/body"
old=$(q "SELECT substr(comment, 4, 8) FROM flag_acknowledgement")
"$CAIRN" key --db "$db" rotate > "$TMP/rotate.out" 2>&1
check "cairn key rotate re-encrypts it and retires the old key" \
    bash -c "grep -qE '[1-9][0-9]* values? re-encrypted' '$TMP/rotate.out' && grep -q '1 old key retired' '$TMP/rotate.out'"
new=$(q "SELECT substr(comment, 4, 8) FROM flag_acknowledgement")
check "...under the new key ($old -> $new)" bash -c "[ -n '$new' ] && [ '$old' != '$new' ]"
http "$BASE/learners/$flagged" -b "$L" > /dev/null
check "...and the running server still shows it" grep -q 'Vault test: rang the aunt' "$TMP/body"

stop_server
"$CAIRN" audit --db "$db" verify > /dev/null 2>&1
check "cairn audit verify after all that: intact" [ $? = 0 ]
q "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET reason = 'routine' WHERE id = 2"
"$CAIRN" audit --db "$db" verify > "$TMP/verify.out" 2>&1
rc=$?
check "an event changed behind cairn's back: verify fails (exit 1) naming it" \
    bash -c "[ $rc = 1 ] && grep -q 'BROKEN at event 2' '$TMP/verify.out'"
"$CAIRN" audit --db "$db" head-reset > "$TMP/reset.out" 2>&1
check "head-reset refuses a broken chain" [ $? = 1 ]
done_testing
