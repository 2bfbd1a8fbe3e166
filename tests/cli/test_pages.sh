#!/bin/bash
# tests/cli/test_pages.sh — the staff pages end to end: dashboard, learner
# page, group page.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_pages.sh      (from the repository root)
#
# Makes a demo school, scores it as of a day in the demo period, creates the
# demo accounts, starts the server and, signed in with curl: the leader's
# dashboard lists learners with reasons and its filters narrow the list; a
# learner page shows the reasons and an SVG chart with a title and is
# written to the audit log; the teacher cannot open a learner outside their
# groups (403) nor an unknown one (404); the group page shows the heat map;
# the Arabic dashboard is right to left.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl and sqlite3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1

# rows: the number of learner rows in the dashboard table of the last body.
rows() { grep -c '<tr><th scope="row"><a href="/learners/' "$TMP/body"; }

db="$TMP/pages.db"
if ! { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" score --db "$db" --asof 2025-02-14 &&
       "$CAIRN" score --db "$db" --asof 2025-01-17 &&
       "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts"
serve_or_stop "$db"

code=$(http "$BASE/dashboard")
check "the dashboard needs a session (303 to /login)" [ "$code" = 303 ]

L="$TMP/leader.jar"
code=$(sign_in "$L" leader cairn-demo-principal)
check "the leader signs in" [ "$code" = 303 ]
code=$(http "$BASE/" -b "$L")
check "GET / signed in is the home page (200; tests/cli/test_home.sh)" [ "$code" = 200 ]
code=$(http "$BASE/programmes" -b "$L")
check "the programme listing is at /programmes" \
    bash -c "[ $code = 200 ] && grep -q 'Active learners' '$TMP/body'"

code=$(http "$BASE/dashboard" -b "$L")
all=$(rows)
check "the leader's dashboard is 200 and lists learners" bash -c "[ $code = 200 ] && [ $all -gt 0 ]"
check "...with reasons in words" grep -q '<ul class="reasons">' "$TMP/body"
check "...and counts per tier" grep -q 'Individual support' "$TMP/body"
check "...and the filter form" grep -q '<select id="f-flag" name="flag">' "$TMP/body"
check "...most urgent first (the first row is not universal)" \
    bash -c "grep -m1 -o '<td class=\"tier-[0-9]\">' '$TMP/body' | grep -qv 'tier-0'"
learner=$(grep -o 'href="/learners/[0-9]*"' "$TMP/body" | head -1 | grep -o '[0-9]*')

# the attention list is short now (selective, individual, new flags); page
# through the universal tier, which is most of the school
code=$(http "$BASE/dashboard?tier=0" -b "$L")
all0=$(rows)
first_page=$(grep -o 'href="/learners/[0-9]*' "$TMP/body" | sort -u)
next=$(grep -o 'rel="next" href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
check "the dashboard shows at most 50 learners a page, with a link to the next" \
    bash -c "[ $code = 200 ] && [ $all0 -le 50 ] && [ -n '$next' ]"
code=$(http "$BASE$next" -b "$L")
second_page=$(grep -o 'href="/learners/[0-9]*' "$TMP/body" | sort -u)
check "...the next page lists other learners and links back to the first" \
    bash -c "[ $code = 200 ] && [ -n \"\$(comm -13 <(echo '$first_page') <(echo '$second_page'))\" ] && grep -q '>First page</a>' '$TMP/body'"
code=$(http "$BASE/dashboard?after=999999999" -b "$L")
check "...a page after an unknown learner is a 400 page (tests/cli/test_probe.sh: forged cursors)" \
    bash -c "[ $code = 400 ] && ! grep -q '<tr><th scope=\"row\"><a href=\"/learners/' '$TMP/body'"
code=$(http "$BASE/dashboard?tier=2" -b "$L")
t2=$(rows)
check "filtering by tier narrows the list" \
    bash -c "[ $code = 200 ] && [ $t2 -lt $all ] && ! grep -q '<td class=\"tier-1\">' '$TMP/body'"
code=$(http "$BASE/dashboard?flag=attendance_low" -b "$L")
fl=$(rows)
check "filtering by flag narrows the list" bash -c "[ $code = 200 ] && [ $fl -le $all ]"
group=$(sqlite3 "$db" "SELECT g.code FROM risk_score s JOIN enrolment e ON e.institution_id = s.institution_id
        AND e.id = s.enrolment_id JOIN class_group g ON g.institution_id = e.institution_id
        AND g.id = e.group_id WHERE s.learner_id = $learner ORDER BY s.asof DESC LIMIT 1")
code=$(http "$BASE/dashboard?group=$group" -b "$L")
gr=$(rows)
check "filtering by group narrows the list" bash -c "[ $code = 200 ] && [ $gr -lt $all ]"
code=$(http "$BASE/dashboard?tier=9&flag=%3Cscript%3E" -b "$L")
check "nonsense filters are ignored, not echoed" \
    bash -c "[ $code = 200 ] && ! grep -q '<script' '$TMP/body'"

# filters remembered per person: the bare /dashboard opens as the leader left it
code=$(http "$BASE/dashboard?tier=2&sort=name" -b "$L")
code=$(http "$BASE/dashboard" -b "$L")
check "the bare dashboard goes to the filters this person used last (303)" \
    bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -qi '^location: /dashboard?tier=2&sort=name\$'"
check "...remembered for that account only" \
    [ "$(sqlite3 "$db" "SELECT count(DISTINCT account_id) FROM list_view")" = 1 ]
code=$(http "$BASE/dashboard?view=default" -b "$L")
check "...'Clear filters' forgets them" \
    bash -c "[ $code = 200 ] && [ \$(curl -s -o /dev/null -w '%{http_code}' -b '$L' '$BASE/dashboard') = 200 ]"
code=$(http "$BASE/dashboard?q=Zz&tier=1" -b "$L")
check "...a search is never remembered (it may be a name)" \
    bash -c "[ \"\$(sqlite3 '$db' \"SELECT query FROM list_view\")\" = 'tier=1' ]"
http "$BASE/dashboard?view=default" -b "$L" > /dev/null

code=$(http "$BASE/learners/$learner" -b "$L")
check "the learner page is 200" [ "$code" = 200 ]
check "...shows the reasons" grep -q '<ul class="reasons">' "$TMP/body"
check "...and an SVG chart with a title and a description" \
    bash -c "grep -q '<svg class=\"chart\"' '$TMP/body' && grep -q '<title id=\"risk-title\">' '$TMP/body' && grep -q '<desc id=\"risk-desc\">' '$TMP/body'"
check "...with its numbers as a table" grep -q '<details><summary>Show the numbers</summary>' "$TMP/body"
check "...and the last eight weeks" grep -q 'The last eight weeks' "$TMP/body"
views=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'learner.view' AND learner_id = $learner")
check "the view is in the audit log" [ "$views" -ge 1 ]
code=$(http "$BASE/learners/99999999" -b "$L")
check "an unknown learner is 404" [ "$code" = 404 ]
code=$(http "$BASE/learners/abc" -b "$L")
check "a malformed learner number is 404" [ "$code" = 404 ]
code=$(http "$BASE/groups/$group" -b "$L")
check "the leader's group page has the heat map" \
    bash -c "[ $code = 200 ] && grep -q '<table class=\"heat\">' '$TMP/body' && grep -q 'class=\"num heat-[0-3]\"' '$TMP/body'"

T="$TMP/teacher.jar"
code=$(sign_in "$T" teacher cairn-demo-classroom)
check "the teacher signs in" [ "$code" = 303 ]
code=$(http "$BASE/dashboard" -b "$T")
tr=$(rows)
check "the teacher's dashboard shows fewer learners" bash -c "[ $code = 200 ] && [ $tr -lt $all ]"
staff=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
outside=$(sqlite3 "$db" "SELECT l.id FROM learner l WHERE NOT EXISTS (SELECT 1 FROM enrolment e
          JOIN group_staff g ON g.institution_id = e.institution_id AND g.group_id = e.group_id
          WHERE e.learner_id = l.id AND e.status = 'active' AND g.staff_id = $staff
          AND g.role <> 'key_worker') ORDER BY l.id LIMIT 1")
inside=$(sqlite3 "$db" "SELECT e.learner_id FROM enrolment e JOIN group_staff g
          ON g.institution_id = e.institution_id AND g.group_id = e.group_id
          WHERE e.status = 'active' AND g.staff_id = $staff AND g.role <> 'key_worker'
          ORDER BY e.learner_id LIMIT 1")
before=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE learner_id = $outside AND action <> 'access.refused'")
code=$(http "$BASE/learners/$outside" -b "$T")
check "the teacher cannot open a learner outside their groups (403)" [ "$code" = 403 ]
after=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE learner_id = $outside AND action <> 'access.refused'")
check "...and nothing of the record is logged as viewed" [ "$before" = "$after" ]
code=$(http "$BASE/learners/$inside" -b "$T")
check "the teacher opens a learner of their group" [ "$code" = 200 ]
tid=$(sqlite3 "$db" "SELECT id FROM account WHERE username = 'teacher'")
n=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'learner.view' AND learner_id = $inside AND account_id = $tid")
check "...which is in the audit log with the teacher's account" [ "$n" -ge 1 ]
mine=$(sqlite3 "$db" "SELECT g.code FROM class_group g JOIN group_staff s ON s.institution_id = g.institution_id AND s.group_id = g.id WHERE s.staff_id = $staff AND s.role <> 'key_worker' LIMIT 1")
other=$(sqlite3 "$db" "SELECT g.code FROM class_group g WHERE NOT EXISTS (SELECT 1 FROM group_staff s WHERE s.institution_id = g.institution_id AND s.group_id = g.id AND s.staff_id = $staff AND s.role <> 'key_worker') LIMIT 1")
code=$(http "$BASE/groups/$mine" -b "$T")
check "the teacher sees their own group's attendance" [ "$code" = 200 ]
code=$(http "$BASE/groups/$other" -b "$T")
check "...but not another group's (403)" [ "$code" = 403 ]

K="$TMP/kw.jar"
sign_in "$K" keyworker cairn-demo-counsellor > /dev/null
code=$(http "$BASE/groups/$group" -b "$K")
check "a key worker may not open group pages (403)" [ "$code" = 403 ]

code=$(http "$BASE/dashboard" -b "$L" -H "Accept-Language: ar")
check "the Arabic dashboard is right to left" \
    bash -c "[ $code = 200 ] && grep -qF '<html lang=\"ar\" dir=\"rtl\">' '$TMP/body'"
code=$(http "$BASE/dashboard" -b "$L" -H "Accept-Language: de")
check "the German dashboard is translated" \
    bash -c "[ $code = 200 ] && grep -q '<html lang=\"de\">' '$TMP/body' && ! grep -q 'Learners who need attention' '$TMP/body'"
check "...reasons included, with German numbers" \
    bash -c "grep -q '<li>Anwesenheit in den letzten' '$TMP/body' && ! grep -q '<li>attendance in the last' '$TMP/body'"
code=$(http "$BASE/learners/$learner" -b "$L" -H "Accept-Language: ar")
check "the Arabic learner page gives the reasons in Arabic with Arabic digits" \
    bash -c "[ $code = 200 ] && sed -n '/<ul class=\"reasons\">/,/<\/ul>/p' '$TMP/body' | grep -q '<li>.*\\(٠\\|١\\|٢\\|٣\\|٤\\|٥\\|٦\\|٧\\|٨\\|٩\\)' && ! sed -n '/<ul class=\"reasons\">/,/<\/ul>/p' '$TMP/body' | grep -q '<li>attendance'"

# ---- the language switcher and the sign-in page's language links ----
code=$(http "$BASE/login?lang=de")
check "the sign-in page in German with ?lang=de, and links to every language" \
    bash -c "[ $code = 200 ] && grep -q '<html lang=\"de\">' '$TMP/body' && grep -q 'href=\"/login?lang=ar\"' '$TMP/body' && grep -q 'action=\"/login?lang=de\"' '$TMP/body'"
code=$(http "$BASE/login?lang=xx")
check "...an unknown ?lang= is ignored" bash -c "[ $code = 200 ] && grep -q '<html lang=\"en\">' '$TMP/body'"
code=$(http "$BASE/dashboard" -b "$L")
token=$(csrf_of)
check "the dashboard carries the language switcher" grep -q '<select id="lang-select" name="lang">' "$TMP/body"
lid=$(sqlite3 "$db" "SELECT id FROM account WHERE username = 'leader'")
code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "lang=ar" --data-urlencode "return=/dashboard")
check "POST /language without its CSRF token is refused (403)" [ "$code" = 403 ]
check "...and the setting is unchanged" \
    [ "$(sqlite3 "$db" "SELECT coalesce(language, '-') FROM account WHERE id = $lid")" = "-" ]
code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" --data-urlencode "lang=xx")
check "an unknown language is 400 and changes nothing" \
    bash -c "[ $code = 400 ] && [ \"\$(sqlite3 '$db' \"SELECT coalesce(language, '-') FROM account WHERE id = $lid\")\" = - ]"
code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" \
       --data-urlencode "lang=ar" --data-urlencode "return=//evil.example/")
check "switching to Arabic redirects home, never off-site" \
    bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /dashboard\$'"
code=$(http "$BASE/dashboard" -b "$L" -H "Accept-Language: de")
check "...and the account's setting wins over the browser's language" \
    bash -c "[ $code = 200 ] && grep -qF '<html lang=\"ar\" dir=\"rtl\">' '$TMP/body'"
code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" --data-urlencode "lang=")
check "an empty choice goes back to following the browser" \
    bash -c "[ $code = 303 ] && [ \"\$(sqlite3 '$db' \"SELECT coalesce(language, '-') FROM account WHERE id = $lid\")\" = - ]"

# ---- the Content-Security-Policy nonce ----
http "$BASE/login" > /dev/null
n1=$(tr -d '\r' < "$TMP/headers" | sed -n "s/^Content-Security-Policy: .*script-src 'self' 'nonce-\([A-Za-z0-9_-]*\)'.*/\1/p")
http "$BASE/login" > /dev/null
n2=$(tr -d '\r' < "$TMP/headers" | sed -n "s/^Content-Security-Policy: .*script-src 'self' 'nonce-\([A-Za-z0-9_-]*\)'.*/\1/p")
check "every response names a fresh CSP nonce" \
    bash -c "[ ${#n1} -ge 20 ] && [ ${#n2} -ge 20 ] && [ '$n1' != '$n2' ]"
check "...and no inline script runs without it" \
    bash -c "! grep -q '<script>' '$TMP/body'"

done_testing
