#!/bin/bash
# tests/cli/test_import_web.sh — importing a file through the web page and
# the API, end to end.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_import_web.sh      (from the repository root)
#
# Makes a demo school with the demo accounts and a second administrator,
# starts the server and, with curl: an administrator uploads a clean
# learners file (multipart/form-data), sees the validation report and the
# Confirm form while nothing is in the database yet and the staged file is
# private; another administrator cannot confirm it; the uploader confirms,
# the rows are there and the audit log has the import; the same token is
# refused the second time; a file with a bad row shows its line and column
# and offers no Confirm; a leader and a teacher get 403; a POST without the
# CSRF token is refused; the API checks (dry_run=1), imports and refuses a
# bad file (422), an unknown kind (400) and a wrong Content-Type (415), and
# every API answer matches docs/openapi.yaml.
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

# jq_py EXPR: evaluate a Python expression over the last body, bound to j.
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/body"; }

# conforms METHOD PATH STATUS: the last body is what docs/openapi.yaml says
# METHOD PATH answers with STATUS.
conforms() {
    local out
    if out=$(python3 "$CHECKER" "$SPEC" "$1" "${2%%\?*}" "$3" "$TMP/body" 2>&1); then
        ok "...$1 $2 $3 matches docs/openapi.yaml"
    else
        not_ok "...$1 $2 $3 matches docs/openapi.yaml"; echo "$out" | sed 's/^/# /' | head -5
    fi
}

# count_new: learners whose reference starts with WEB (the ones these files add).
count_new() { sqlite3 "$db" "SELECT count(*) FROM learner WHERE ref LIKE 'WEB%'"; }

# token_of: the staging token of the Confirm form in the last body.
token_of() { sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' "$TMP/body" | head -1; }

# upload JAR CSRF FILE [curl options...]: POST the upload form; prints the status.
upload() {
    local jar=$1 csrf=$2 file=$3; shift 3
    http "$BASE/import" -b "$jar" -F "csrf=$csrf" -F "kind=learners" \
        -F "file=@$file;type=text/csv;filename=learners.csv" "$@"
}

# confirm JAR CSRF TOKEN: POST the Confirm form; prints the status.
confirm() {
    http "$BASE/import/confirm" -b "$1" --data-urlencode "csrf=$2" --data-urlencode "token=$3" \
        --data-urlencode "kind=learners"
}

db="$TMP/import.db"
if ! { "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 120 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       echo "second-admin-password" | "$CAIRN" user add admin2 --role administrator \
            --password-stdin --db "$db" &&
       "$CAIRN" user token admin --name test --db "$db" > "$TMP/admin.token" &&
       "$CAIRN" user token teacher --name test --db "$db" > "$TMP/teacher.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a demo school with accounts and tokens"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a demo school with accounts and tokens"
ADMIN_TOKEN=$(tail -1 "$TMP/admin.token")
TEACHER_TOKEN=$(tail -1 "$TMP/teacher.token")

cat > "$TMP/good.csv" <<'EOF'
learner,given_name,family_name,birth_date,email,gender,migrant_background,special_needs,first_language
WEB001,Ada,Quill,2008-04-01,,female,no,no,en
WEB002,Bo,Rank,2007-09-12,,male,no,yes,de
WEB003,Cy,Sand,2008-01-30,,,,,
EOF
cat > "$TMP/bad.csv" <<'EOF'
learner,given_name,family_name,birth_date,email,gender,migrant_background,special_needs,first_language
WEB101,Di,Tern,2008-04-01,,female,no,no,en
WEB102,Ed,Umber,2008-13-40,,male,no,no,en
EOF
cat > "$TMP/api.csv" <<'EOF'
learner,given_name,family_name,birth_date
WEB201,Fay,Vale,2008-02-02
WEB202,Gus,Wren,2007-12-12
EOF

serve_or_stop "$db"

# ---- who may open the page -------------------------------------------------------

A="$TMP/admin.jar" A2="$TMP/admin2.jar" LJ="$TMP/leader.jar" TJ="$TMP/teacher.jar"
check "the administrator signs in" [ "$(sign_in "$A" admin cairn-demo-office)" = 303 ]
check "a second administrator signs in" [ "$(sign_in "$A2" admin2 second-admin-password)" = 303 ]
check "the leader signs in" [ "$(sign_in "$LJ" leader cairn-demo-principal)" = 303 ]
check "the teacher signs in" [ "$(sign_in "$TJ" teacher cairn-demo-classroom)" = 303 ]
check "a leader gets 403 on GET /import" [ "$(http "$BASE/import" -b "$LJ")" = 403 ]
check "a teacher gets 403 on GET /import" [ "$(http "$BASE/import" -b "$TJ")" = 403 ]

code=$(http "$BASE/import" -b "$A")
CSRF=$(csrf_of)
check "the administrator's GET /import is the upload form" \
    bash -c "[ $code = 200 ] && grep -q 'enctype=\"multipart/form-data\"' '$TMP/body' &&
             grep -q '<input id=\"import-file\" name=\"file\" type=\"file\"' '$TMP/body'"
check "...with the 14 kinds to choose from" \
    [ "$(grep -c '<option value="[a-z_]\+">' "$TMP/body")" = 14 ]
check "...saying nothing is written before the confirm" grep -q 'until you confirm' "$TMP/body"
check "...with a label for every field" \
    bash -c "grep -q '<label for=\"import-kind\">' '$TMP/body' && grep -q '<label for=\"import-file\">' '$TMP/body'"
code=$(http "$BASE/import" -b "$A2")
CSRF2=$(csrf_of)

# ---- CSRF ------------------------------------------------------------------------

code=$(http "$BASE/import" -b "$A" -F "kind=learners" -F "file=@$TMP/good.csv;type=text/csv")
check "an upload without the CSRF token is refused (403)" [ "$code" = 403 ]
code=$(upload "$A" "0000000000000000000000000000000000000000000000000000000000000000" "$TMP/good.csv")
check "an upload with a wrong CSRF token is refused (403)" [ "$code" = 403 ]
check "...and nothing was written" [ "$(count_new)" = 0 ]

# ---- a clean file ------------------------------------------------------------------

code=$(upload "$A" "$CSRF" "$TMP/good.csv")
TOKEN=$(token_of)
check "a clean upload is checked (200)" [ "$code" = 200 ]
check "...the report says 3 rows read and 3 that would be written" \
    bash -c "grep -q '<dt>Rows read</dt><dd>3</dd>' '$TMP/body' &&
             grep -q '<dt>Rows that would be written</dt><dd>3</dd>' '$TMP/body' &&
             grep -q '<dt>Rows with problems</dt><dd>0</dd>' '$TMP/body'"
check "...and offers the Confirm form with a staging token" \
    bash -c "grep -q 'action=\"/import/confirm\"' '$TMP/body' && [ \${#1} = 64 ]" _ "$TOKEN"
check "...while nothing is in the database yet" [ "$(count_new)" = 0 ]
staged=$(find "$db-imports" -type f -name 'learners.csv' 2>/dev/null)
check "...and the staged file is private (0600 in a 0700 directory)" \
    bash -c "[ -n '$staged' ] && [ \"\$(stat -c %a '$staged')\" = 600 ] &&
             [ \"\$(stat -c %a '$db-imports')\" = 700 ]"
check "...and is not named after the token" bash -c "! find '$db-imports' | grep -q '$TOKEN'"

code=$(confirm "$A2" "$CSRF2" "$TOKEN")
check "another administrator cannot confirm it (403)" \
    bash -c "[ $code = 403 ] && grep -q 'Only the person who uploaded' '$TMP/body'"
check "...and nothing was written" [ "$(count_new)" = 0 ]
code=$(confirm "$A" "" "$TOKEN")
check "a confirm without the CSRF token is refused (403)" [ "$code" = 403 ]

audit_before=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'import'")
code=$(confirm "$A" "$CSRF" "$TOKEN")
check "the uploader confirms (200, Import finished)" \
    bash -c "[ $code = 200 ] && grep -q 'Import finished' '$TMP/body'"
check "...the rows are in the database" [ "$(count_new)" = 3 ]
check "...the page says scores update at the next scoring run" \
    grep -q '<code>cairn score</code>' "$TMP/body"
check "...an audit event was written with kind and counts" \
    [ "$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'import'
                        AND detail LIKE 'kind=learners rows_read=3 rows_written=3%'")" = \
      "$((audit_before + 1))" ]
check "...the staged file is gone" bash -c "[ -z \"\$(find '$db-imports' -type f)\" ]"
code=$(confirm "$A" "$CSRF" "$TOKEN")
check "the same token is refused the second time (409)" \
    bash -c "[ $code = 409 ] && [ \"\$(sqlite3 '$db' \"SELECT count(*) FROM learner WHERE ref LIKE 'WEB%'\")\" = 3 ]"
code=$(confirm "$A" "$CSRF" "not-a-token")
check "a made-up token is refused (409)" [ "$code" = 409 ]

# ---- a file with a bad row -----------------------------------------------------------

code=$(upload "$A" "$CSRF" "$TMP/bad.csv")
check "a file with a bad row is reported (422)" [ "$code" = 422 ]
check "...naming its line and column" grep -q 'learners.csv:3:4: birth_date' "$TMP/body"
check "...shown as English text" grep -q '<code lang="en">learners.csv:3:4:' "$TMP/body"
check "...with no Confirm form" bash -c "! grep -q '/import/confirm' '$TMP/body'"
check "...and a sentence to fix the file and upload again" \
    grep -q 'Fix the file and upload it again' "$TMP/body"
check "...and nothing written, nothing left staged" \
    bash -c "[ \"\$(sqlite3 '$db' \"SELECT count(*) FROM learner WHERE ref LIKE 'WEB1%'\")\" = 0 ] &&
             [ -z \"\$(find '$db-imports' -type f)\" ]"
code=$(http "$BASE/import" -b "$A" -F "csrf=$CSRF" -F "kind=pets" -F "file=@$TMP/good.csv")
check "an unknown kind is refused with the form again (400)" \
    bash -c "[ $code = 400 ] && grep -q 'role=\"alert\"' '$TMP/body'"
code=$(http "$BASE/import" -b "$A" -F "csrf=$CSRF" -F "kind=learners")
check "an upload without a file is refused (400)" [ "$code" = 400 ]

# ---- the API ---------------------------------------------------------------------------

# api_import QUERY FILE TOKEN [CONTENT-TYPE]: POST the file to
# /api/v1/imports?QUERY (as text/csv unless told); prints the status.
api_import() {
    http "$BASE/api/v1/imports?$1" -H "Authorization: Bearer $3" \
        -H "Content-Type: ${4:-text/csv}" --data-binary "@$2"
}

code=$(api_import "kind=learners&dry_run=1" "$TMP/api.csv" "$ADMIN_TOKEN")
got=$(jq_py "(j['dry_run'], j['rows_read'], j['rows_written'], j['rows_bad'], j['errors'])")
check "API dry run: 200, would write 2 rows ($got)" \
    bash -c "[ $code = 200 ] && [ \"\$1\" = \"(True, 2, 2, 0, [])\" ]" _ "$got"
conforms POST /imports 200
check "...and wrote nothing" [ "$(count_new)" = 3 ]
code=$(api_import "kind=learners" "$TMP/api.csv" "$ADMIN_TOKEN")
got=$(jq_py "(j['kind'], j['dry_run'], j['rows_written'])")
check "API import: 200, wrote 2 rows ($got)" \
    bash -c "[ $code = 200 ] && [ \"\$1\" = \"('learners', False, 2)\" ]" _ "$got"
conforms POST /imports 200
check "...the rows are there" [ "$(count_new)" = 5 ]
check "...with an audit event" \
    [ "$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'import' AND detail LIKE '%via=api'")" = 1 ]
code=$(api_import "kind=learners" "$TMP/bad.csv" "$ADMIN_TOKEN")
got=$(jq_py "(j['rows_bad'], j['rows_written'], j['errors'][0]['line'], j['errors'][0]['column'])")
check "API bad file: 422 with the bad row's line and column ($got)" \
    bash -c "[ $code = 422 ] && [ \"\$1\" = \"(1, 0, 3, 4)\" ]" _ "$got"
conforms POST /imports 422
check "...and nothing written" [ "$(count_new)" = 5 ]
printf 'learner,given_name,family_name\nL7001,Ada,Lovelace\nL7002,Alan,Turing\nL7001,Ada,King\n' >"$TMP/repeat.csv"
code=$(api_import "kind=learners" "$TMP/repeat.csv" "$ADMIN_TOKEN")
got=$(jq_py "(j['rows_bad'], j['rows_written'], [(e['line'], e['column']) for e in j['errors']], 'also on line 4 of this file' in j['errors'][0]['message'])")
check "API file with a key on two rows: 422, both rows bad, each naming the other ($got)" \
    bash -c "[ $code = 422 ] && [ \"\$1\" = \"(2, 0, [(2, 1), (4, 1)], True)\" ]" _ "$got"
check "...and nothing written" [ "$(count_new)" = 5 ]
code=$(api_import "kind=learners" /dev/null "$ADMIN_TOKEN")
got=$(jq_py "j['errors'][0]['line']")
check "API empty file: 422 naming line 1" bash -c "[ $code = 422 ] && [ \"\$1\" = 1 ]" _ "$got"
conforms POST /imports 422
code=$(api_import "kind=learners&dry_run=yes" "$TMP/api.csv" "$ADMIN_TOKEN")
check "API dry_run other than 0 or 1: 400" [ "$code" = 400 ]
conforms POST /imports 400
code=$(api_import "kind=pets" "$TMP/api.csv" "$ADMIN_TOKEN")
check "API unknown kind: 400" [ "$code" = 400 ]
conforms POST /imports 400
code=$(api_import "kind=learners" "$TMP/api.csv" "$ADMIN_TOKEN" application/json)
check "API wrong Content-Type: 415" [ "$code" = 415 ]
conforms POST /imports 415
code=$(api_import "kind=learners" "$TMP/api.csv" "$TEACHER_TOKEN")
check "API as a teacher: 403" [ "$code" = 403 ]
conforms POST /imports 403
check "...and nothing written" [ "$(count_new)" = 5 ]

stop_server
check "the server stops cleanly" [ "$STOP_STATUS" = 0 ]
check "the server log shows no sanitizer report" bash -c "! grep -q 'Sanitizer' '$TMP/serve.log'"
done_testing
