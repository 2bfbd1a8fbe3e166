#!/usr/bin/env bash
# tests/cli/test_home.sh — the home page of each role (GET /) and the list
# as a tool (GET /dashboard: search, sort, "all" tier, paging counts, the
# page before; GET /dashboard.csv and its audit event), end to end over a
# scored demo school served by `cairn serve`.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1

# rows: the number of learner rows in the list of the last body.
rows() { grep -c '<tr><th scope="row"><a href="/learners/' "$TMP/body"; }
# names: the learner links of the last body, in order.
links() { grep -o '<tr><th scope="row"><a href="/learners/[0-9]*' "$TMP/body" | grep -o '[0-9]*$'; }
# before_list WORD: WORD appears after the list's first row (the list comes first).
list_first() { awk -v w="$1" '/<tr><th scope="row"><a href="\/learners\//{l=NR} index($0,w){if(!f)f=NR} END{exit !(l && f && l < f)}' "$TMP/body"; }

db="$TMP/home.db"
# the scores that make a list: still enrolled (departed learners never do)
LISTED="EXISTS (SELECT 1 FROM enrolment se WHERE se.id = s.enrolment_id AND se.status IN ('active','paused') AND (se.exit_date IS NULL OR se.exit_date > s.asof))"
if ! { "$CAIRN" demo --db "$db" --learners 200 &&
       "$CAIRN" score --db "$db" &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"
serve_or_stop "$db"

# ---- the home page of each role --------------------------------------------------
L="$TMP/leader.jar"; T="$TMP/teacher.jar"; K="$TMP/kw.jar"; A="$TMP/admin.jar"
sign_in "$L" leader cairn-demo-principal > /dev/null
sign_in "$T" teacher cairn-demo-classroom > /dev/null
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
sign_in "$A" admin cairn-demo-office > /dev/null

code=$(http "$BASE/" -b "$L")
check "the leader's home page is 200 with the attention list" bash -c "[ $code = 200 ] && [ \$(grep -c '<tr><th scope=\"row\"><a href=\"/learners/' '$TMP/body') -gt 0 ]"
check "...the list before the counts per tier" list_first 'Learners per tier'
check "...and a link to the whole list" grep -q 'href="/dashboard"' "$TMP/body"
check "...whose skip link lands on the list" \
    bash -c "grep -q '<a class=\"skip\" href=\"#list\">' '$TMP/body' && [ \$(grep -c 'id=\"list\" tabindex=\"-1\"' '$TMP/body') = 1 ]"
code=$(http "$BASE/dashboard" -b "$L")
check "/dashboard still works, its skip link on the list too" \
    bash -c "[ $code = 200 ] && grep -q '<a class=\"skip\" href=\"#list\">' '$TMP/body'"

kw=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'keyworker'")
caseload=$(sqlite3 "$db" "SELECT count(*) FROM support_assignment a WHERE a.staff_id = $kw AND a.ended_at IS NULL AND EXISTS (SELECT 1 FROM enrolment e WHERE e.learner_id = a.learner_id AND e.status IN ('active','paused'))")
scored=$(sqlite3 "$db" "SELECT count(*) FROM support_assignment a WHERE a.staff_id = $kw AND a.ended_at IS NULL AND EXISTS (SELECT 1 FROM risk_score s WHERE s.learner_id = a.learner_id AND $LISTED)")
code=$(http "$BASE/" -b "$K")
n=$(rows)
check "the key worker's home page lists the whole caseload ($scored of $caseload scored, as a list)" \
    bash -c "[ $code = 200 ] && [ $n = $scored ] && [ $n -gt 0 ]"
check "...under 'My caseload'" grep -q 'My caseload' "$TMP/body"
gone=$(sqlite3 "$db" "SELECT a.learner_id FROM support_assignment a WHERE a.staff_id = $kw AND a.ended_at IS NULL AND EXISTS (SELECT 1 FROM enrolment e WHERE e.learner_id = a.learner_id AND e.status IN ('active','paused')) ORDER BY a.learner_id LIMIT 1")
cp "$db" "$TMP/keep.db"
sqlite3 "$db" "DELETE FROM risk_score WHERE learner_id = $gone"
code=$(http "$BASE/" -b "$K")
n=$(rows)
unscored=$(sed -n '/<ul class="caseload-unscored">/,/<\/ul>/p' "$TMP/body" | grep -c '<li><a href="/learners/')
check "...a learner of the caseload without a score is listed too, below" \
    bash -c "[ $((n + unscored)) = $caseload ] && sed -n '/<ul class=\"caseload-unscored\">/,/<\/ul>/p' '$TMP/body' | grep -q 'href=\"/learners/$gone\"'"
sqlite3 "$db" "ATTACH '$TMP/keep.db' AS k; INSERT INTO risk_score SELECT * FROM k.risk_score WHERE learner_id = $gone"
flagged=$(sqlite3 "$db" "SELECT count(*) FROM risk_score s JOIN support_assignment a ON a.learner_id = s.learner_id AND a.ended_at IS NULL AND a.staff_id = $kw WHERE s.flags <> '[]' AND $LISTED")
check "...flags not yet acknowledged are said so" \
    bash -c "[ $flagged = 0 ] || grep -q 'Not acknowledged yet' '$TMP/body'"

code=$(http "$BASE/" -b "$T")
check "the teacher's home page lists their groups' flagged learners and their groups" \
    bash -c "[ $code = 200 ] && grep -q 'Learners of my groups with flags' '$TMP/body' && grep -q 'My groups' '$TMP/body'"
staff=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
taught=$(sqlite3 "$db" "SELECT count(*) FROM group_staff WHERE staff_id = $staff AND role <> 'key_worker'")
shown=$(grep -c '<li><a href="/groups/' "$TMP/body")
check "...only the $taught groups they teach" [ "$shown" = "$taught" ]
code=$(http "$BASE/dashboard" -b "$T")
opts=$(sed -n '/<select id="f-group"/,/<\/select>/p' "$TMP/body" | grep -c '<option value="[^"]')
check "the teacher's group filter lists only their $taught groups" [ "$opts" = "$taught" ]

code=$(http "$BASE/" -b "$A")
check "the administrator's home page shows the installation's health" \
    bash -c "[ $code = 200 ] && grep -q 'Last import' '$TMP/body' && grep -q 'Last scoring run' '$TMP/body'"
check "...mail is off without a relay" grep -q 'Mail</th><td>off' "$TMP/body"
check "...the free disk of the database's folder" grep -q 'MB free' "$TMP/body"
check "...and what is known of backups" grep -q 'Backups' "$TMP/body"

code=$(http "$BASE/" -b "$L" -H "Accept-Language: ar")
check "the Arabic home page is right to left" \
    bash -c "[ $code = 200 ] && grep -q 'dir=\"rtl\"' '$TMP/body'"

# ---- the charts' grid lines say their own values ---------------------------------------
code=$(http "$BASE/dashboard" -b "$L")
# each chart's y labels (text-anchor="end" at the left margin), in order: evenly spaced
# round numbers starting at 0, so no grid line shows a rounded value
labels=$(grep -o '<text x="50" y="[0-9.]*" text-anchor="end">[^<]*</text>' "$TMP/body" | sed 's/.*">//; s/<.*//; s/[^0-9.]//g')
check "the charts' grid lines are labelled with evenly spaced round values" \
    bash -c "[ -n '$(echo $labels)' ] && echo '$(echo $labels)' | xargs -n5 | awk '{ s = \$2 - \$1; for (i = 2; i <= 5; i++) if (\$i - \$(i-1) != s || s <= 0) bad = 1 } END { exit bad }'"

# ---- the list as a tool ----------------------------------------------------------
code=$(http "$BASE/dashboard?tier=all" -b "$L")
total=$(sqlite3 "$db" "SELECT count(*) FROM risk_score s WHERE $LISTED")
check "the whole list ($total) is longer than a page" [ "$total" -gt 50 ]
check "the first page says 1–50 of $total" grep -q "Showing 1–50 of $total learners" "$TMP/body"
next=$(grep -o 'rel="next" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
page1=$(links)
code=$(http "$BASE$next" -b "$L")
end=$((total < 100 ? total : 100))
check "the second page says 51–$end of $total" \
    bash -c "[ $code = 200 ] && grep -q 'Showing 51–$end of $total learners' '$TMP/body'"
prev=$(grep -o 'rel="prev" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
check "...with a link to the page before" [ -n "$prev" ]
code=$(http "$BASE$prev" -b "$L")
check "the page before is the first page again (1–50, the same learners)" \
    bash -c "[ $code = 200 ] && grep -q 'Showing 1–50 of $total' '$TMP/body' && [ \"\$(grep -o '<tr><th scope=\"row\"><a href=\"/learners/[0-9]*' '$TMP/body' | grep -o '[0-9]*\$')\" = \"$page1\" ]"
code=$(http "$BASE/dashboard?before=999999999" -b "$L")
check "a forged 'before' cursor is 400" [ "$code" = 400 ]

all=$(sqlite3 "$db" "SELECT count(*) FROM risk_score s WHERE $LISTED")
code=$(http "$BASE/dashboard?tier=all" -b "$L")
check "tier=all lists every learner scored ($all)" grep -q "of $all learners" "$TMP/body"

ref=$(sqlite3 "$db" "SELECT l.ref FROM learner l JOIN risk_score s ON s.learner_id = l.id WHERE $LISTED LIMIT 1")
lid=$(sqlite3 "$db" "SELECT id FROM learner WHERE ref = '$ref'")
family=$(sqlite3 "$db" "SELECT family_name FROM learner WHERE ref = '$ref'")
code=$(http "$BASE/dashboard?tier=all&q=$ref" -b "$L")
check "search by school reference finds that learner" \
    bash -c "[ $code = 200 ] && [ \$(grep -c '<tr><th scope=\"row\"><a href=\"/learners/' '$TMP/body') = 1 ] && grep -q 'href=\"/learners/$lid?' '$TMP/body'"
q=$(printf '%s' "$family" | tr 'A-Z' 'a-z' | sed 's/ /%20/g')
code=$(http "$BASE/dashboard?tier=all&q=$q" -b "$L")
n=$(sqlite3 "$db" "SELECT count(*) FROM risk_score s JOIN learner l ON l.id = s.learner_id WHERE $LISTED AND (lower(l.given_name || ' ' || l.family_name) LIKE lower('%$family%') OR lower(l.family_name || ' ' || l.given_name) LIKE lower('%$family%'))")
check "search by family name (any case) finds the $n learners of that name" \
    bash -c "[ $code = 200 ] && [ \$(grep -c '<tr><th scope=\"row\"><a href=\"/learners/' '$TMP/body') = $n ]"
check "...and the search is kept in the form and the links" grep -q "value=\"$(printf '%s' "$family" | tr 'A-Z' 'a-z')\"" "$TMP/body"

code=$(http "$BASE/dashboard?tier=all&sort=name" -b "$L")
got=$(links | head -50 | tr '\n' ' ')
want=$(sqlite3 "$db" "SELECT l.id FROM risk_score s JOIN learner l ON l.id = s.learner_id WHERE $LISTED ORDER BY l.family_name, l.given_name, l.id LIMIT 50" | tr '\n' ' ')
check "sort=name orders by family name" [ "$got" = "$want" ]
check "...and marks the column as sorted" grep -q 'aria-sort="ascending"' "$TMP/body"
next=$(grep -o 'rel="next" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
code=$(http "$BASE$next" -b "$L")
got=$(links | head -50 | tr '\n' ' ')
want=$(sqlite3 "$db" "SELECT l.id FROM risk_score s JOIN learner l ON l.id = s.learner_id WHERE $LISTED ORDER BY l.family_name, l.given_name, l.id LIMIT 50 OFFSET 50" | tr '\n' ' ')
check "...and its next page goes on in that order" [ "$got" = "$want" ]
code=$(http "$BASE/dashboard?tier=all&sort=name&order=reverse" -b "$L")
got=$(links | head -50 | tr '\n' ' ')
want=$(sqlite3 "$db" "SELECT l.id FROM risk_score s JOIN learner l ON l.id = s.learner_id WHERE $LISTED ORDER BY l.family_name DESC, l.given_name DESC, l.id DESC LIMIT 50" | tr '\n' ' ')
check "order=reverse turns it round" [ "$got" = "$want" ]
code=$(http "$BASE/dashboard?tier=all&sort=group" -b "$L")
check "sort=group is 200" [ "$code" = 200 ]

# ---- from the list to a learner and on -----------------------------------------------
code=$(http "$BASE/dashboard?tier=all&sort=name" -b "$L")
first=$(links | sed -n 1p); second=$(links | sed -n 2p)
check "a learner's link keeps the list's order" grep -q "href=\"/learners/$first?tier=all&amp;sort=name\"" "$TMP/body"
code=$(http "$BASE/learners/$first?tier=all&sort=name" -b "$L")
check "the learner page links back to the list" \
    bash -c "[ $code = 200 ] && grep -q 'href=\"/dashboard?tier=all&amp;sort=name\">Back to the list' '$TMP/body'"
check "...and to the next learner of that list" \
    grep -q "rel=\"next\" href=\"/learners/$second?tier=all&amp;sort=name\">Next learner" "$TMP/body"

flagged_id=$(sqlite3 "$db" "SELECT learner_id FROM risk_score s WHERE flags <> '[]' AND $LISTED ORDER BY learner_id LIMIT 1")
flag=$(sqlite3 "$db" "SELECT json_extract(flags, '\$[0]') FROM risk_score WHERE learner_id = $flagged_id")
fref=$(sqlite3 "$db" "SELECT ref FROM learner WHERE id = $flagged_id")
code=$(http "$BASE/learners/$flagged_id" -b "$L")
token=$(csrf_of)
code=$(http "$BASE/learners/$flagged_id/acknowledge" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "flag=$flag" --data-urlencode "comment=Spoke with them")
code=$(http "$BASE/dashboard?tier=all&q=$fref" -b "$L")
leader_name=$(sqlite3 "$db" "SELECT display_name FROM account WHERE username = 'leader'")
check "an acknowledged flag shows on the list with who acknowledged it" \
    grep -q "Acknowledged by $leader_name on" "$TMP/body"

# ---- the CSV export ---------------------------------------------------------------
sqlite3 "$db" "UPDATE learner SET given_name = '=HYPERLINK(\"x\")' WHERE ref = '$ref'"
before=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'list.export'")
code=$(http "$BASE/dashboard.csv?tier=all" -b "$L")
lines=$(($(wc -l < "$TMP/body") - 1))
check "the CSV export has every learner of the list ($all)" \
    bash -c "[ $code = 200 ] && [ $lines = $all ] && head -1 '$TMP/body' | grep -q '^ref,given_name,family_name'"
check "...as text/csv" has_header Content-Type 'text/csv'
check "...with a formula neutralised" grep -q "'=HYPERLINK" "$TMP/body"
after=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'list.export'")
check "...and one audit event for the export" [ "$after" = $((before + 1)) ]
detail=$(sqlite3 "$db" "SELECT detail FROM audit_event WHERE action = 'list.export' ORDER BY id DESC LIMIT 1")
check "...which names the rows and filters, no name" \
    bash -c "echo '$detail' | grep -q 'rows=$all' && ! echo '$detail' | grep -q HYPERLINK"
code=$(http "$BASE/dashboard.csv" -b "$T")
tl=$(($(wc -l < "$TMP/body") - 1))
code=$(http "$BASE/dashboard.csv" -b "$L")
ll=$(($(wc -l < "$TMP/body") - 1))
check "a teacher's export holds only their learners" [ "$tl" -lt "$ll" ]
code=$(http "$BASE/dashboard.csv")
check "the export needs a session" [ "$code" = 303 ]

# ---- the same list on PostgreSQL (when $CAIRN_TEST_PG names a server) ------------------
# The search, the orders and the keyset pages are SQL written once for both
# databases: the same demo school must give the same learners, page by page.
urls="/dashboard?tier=all /dashboard?tier=all&sort=name /dashboard?tier=all&sort=name&order=reverse
/dashboard?tier=all&sort=group /dashboard?tier=all&q=$q /dashboard?tier=all&q=$ref"
for u in $urls; do http "$BASE$u" -b "$L" > /dev/null; links > "$TMP/sqlite.$(echo "$u" | md5sum | cut -c1-8)"; done
nextu=$(http "$BASE/dashboard?tier=all&sort=name" -b "$L" > /dev/null; grep -o 'rel="next" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
http "$BASE$nextu" -b "$L" > /dev/null; links > "$TMP/sqlite.next"
stop_server
if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db cairn_home_$$; then
    if { "$CAIRN" demo --db "$PG_URL" --learners 200 && "$CAIRN" score --db "$PG_URL" &&
         "$CAIRN" user demo-accounts --db "$PG_URL"; } > "$TMP/pg.out" 2>&1; then
        ok "postgres: the same demo school, scored"
        serve_or_stop "$PG_URL"
        sign_in "$L" leader cairn-demo-principal > /dev/null
        for u in $urls; do
            http "$BASE$u" -b "$L" > /dev/null
            check "postgres: $u lists the same learners as SQLite" \
                bash -c "[ -s '$TMP/sqlite.$(echo "$u" | md5sum | cut -c1-8)' ] && diff -q <(grep -o '<tr><th scope=\"row\"><a href=\"/learners/[0-9]*' '$TMP/body' | grep -o '[0-9]*\$') '$TMP/sqlite.$(echo "$u" | md5sum | cut -c1-8)' >/dev/null"
        done
        http "$BASE$nextu" -b "$L" > /dev/null
        check "postgres: the next page in name order too" \
            bash -c "diff -q <(grep -o '<tr><th scope=\"row\"><a href=\"/learners/[0-9]*' '$TMP/body' | grep -o '[0-9]*\$') '$TMP/sqlite.next' >/dev/null"
        code=$(http "$BASE/dashboard.csv?tier=all" -b "$L")
        check "postgres: the CSV export" bash -c "[ $code = 200 ] && [ \$((\$(wc -l < '$TMP/body') - 1)) = $all ]"
        for who in "T teacher cairn-demo-classroom" "K keyworker cairn-demo-counsellor" "A admin cairn-demo-office"; do
            set -- $who
            sign_in "$TMP/pg.$1" "$2" "$3" > /dev/null
            code=$(http "$BASE/" -b "$TMP/pg.$1")
            check "postgres: the $2's home page is 200" [ "$code" = 200 ]
        done
        stop_server
    else
        not_ok "postgres: the same demo school, scored"; sed 's/^/# /' "$TMP/pg.out" | tail -5
    fi
fi
done_testing
