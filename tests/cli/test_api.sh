#!/bin/bash
# tests/cli/test_api.sh — the JSON API under /api/v1 end to end.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_api.sh      (from the repository root)
#
# Makes a demo school, scores it as of a day in the demo period, creates the
# demo accounts and API tokens for the leader and a teacher, starts the
# server and checks with curl: the leader lists learners (JSON with items and
# total), pagination with limit, offset and next; a learner's record, which
# is written to the audit log; the teacher sees fewer learners and gets a
# 403 JSON error for a learner outside their groups; no token is 401, a bad
# limit 400, an unknown path 404 and a wrong method 405, all as JSON error
# objects; acting on a learner: acknowledging a flag (201, shown in the
# record, audited), naming a key worker (200), bad bodies (400, 415, 422,
# each naming the field) that write nothing, a teacher refused (403), a
# session-cookie POST without X-CSRF-Token refused and with it accepted;
# and every answer matches docs/openapi.yaml (tests/cli/openapi_check.py).
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

# api PATH TOKEN [curl options...]: GET $BASE/api/v1PATH with the token (""
# for none); prints the status; body in $TMP/body.
api() {
    local path=$1 token=$2; shift 2
    if [ -n "$token" ]; then
        http "$BASE/api/v1$path" -H "Authorization: Bearer $token" "$@"
    else
        http "$BASE/api/v1$path" "$@"
    fi
}

# conforms METHOD PATH STATUS: the last body matches the spec for it.
conforms() {
    local out
    if out=$(python3 "$CHECKER" "$SPEC" "$1" "${2%%\?*}" "$3" "$TMP/body" 2>&1); then
        ok "...$1 $2 $3 matches docs/openapi.yaml"
    else
        not_ok "...$1 $2 $3 matches docs/openapi.yaml"; echo "$out" | sed 's/^/# /' | head -5
    fi
}

# is_json: the last answer is application/json.
is_json() { has_header Content-Type 'application/json'; }

# error_code CODE: the last body is an error object with that code.
error_code() { [ "$(jq_py "j['error']['code']" 2>/dev/null)" = "$1" ]; }

check "docs/openapi.yaml is JSON-compatible OpenAPI 3.1" \
    python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['openapi'].startswith('3.1')" "$SPEC"

db="$TMP/api.db"
if ! { "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 200 &&
       "$CAIRN" score --db "$db" --asof 2025-02-14 &&
       "$CAIRN" score --db "$db" --asof 2025-03-14 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token leader --name test --db "$db" > "$TMP/leader.token" &&
       "$CAIRN" user token teacher --name test --db "$db" > "$TMP/teacher.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts and tokens"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts and tokens"
LT=$(cat "$TMP/leader.token")
TT=$(cat "$TMP/teacher.token")
serve_or_stop "$db"

code=$(api /me "$LT")
check "GET /me with the leader's token is 200 JSON" bash -c "[ $code = 200 ] && tr -d '\r' < '$TMP/headers' | grep -qi '^Content-Type: application/json'"
check "...naming the leader and their role" \
    bash -c "[ \"\$(python3 -c \"import json; j=json.load(open('$TMP/body')); print(j['username'], ','.join(j['roles']))\")\" = 'leader school_leader' ]"
conforms GET /me 200

code=$(api /learners "$LT")
all=$(jq_py "j['total']")
check "the leader lists learners (200, items and total)" \
    bash -c "[ $code = 200 ] && [ $all -gt 0 ] && [ \$(python3 -c \"import json; print(len(json.load(open('$TMP/body'))['items']))\") -gt 0 ]"
check "...with reasons in words" bash -c "[ \"\$(python3 -c \"import json; j=json.load(open('$TMP/body')); print(any(i['reasons'] for i in j['items']))\")\" = True ]"
check "...most urgent first" [ "$(jq_py "j['items'][0]['tier']")" -gt 0 ]
check "...with the default limit 50" [ "$(jq_py "j['limit']")" = 50 ]
conforms GET /learners 200
learner=$(jq_py "j['items'][0]['id']")
first3=$(jq_py "[i['id'] for i in j['items'][:4]]")

code=$(api "/learners?limit=2" "$LT")
page1=$(jq_py "[i['id'] for i in j['items']]")
next=$(jq_py "j['next']")
check "limit=2 gives two items and a next page" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "len(j['items'])")\" = 2 ] && [ \"$next\" = \"/api/v1/learners?limit=2&after=\$(python3 -c 'print($page1[-1])')\" ]"
conforms GET "/learners?limit=2" 200
code=$(http "$BASE$next" -H "Authorization: Bearer $LT")
page2=$(jq_py "[i['id'] for i in j['items']]")
check "...the next page continues where the first stopped" \
    bash -c "[ $code = 200 ] && python3 -c \"import sys; a=$page1; b=$page2; assert a+b == $first3, (a, b)\""
conforms GET "/learners?after=..." 200
code=$(api "/learners?limit=2&offset=2" "$LT")
check "...and offset paging gives the same page" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "[i['id'] for i in j['items']]")\" = \"$page2\" ]"
code=$(api "/learners?after=999999999" "$LT")
check "after naming no learner of the list is 400" [ "$code" = 400 ]
code=$(api "/learners?after=$learner&offset=2" "$LT")
check "offset and after together are 400" [ "$code" = 400 ]
code=$(api "/learners?limit=200&offset=$((all - 1))" "$LT")
check "...and the last page has one item and no next" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "len(j['items'])")\" = 1 ] && [ \"$(jq_py "j['next']")\" = None ]"
conforms GET "/learners?offset=..." 200
code=$(api "/learners?tier=2" "$LT")
check "filtering by tier narrows the list" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "j['total']")\" -lt $all ] && [ \"$(jq_py "set(i['tier'] for i in j['items']) <= {2}")\" = True ]"

code=$(api "/learners/$learner" "$LT")
check "the leader reads a learner's record (200)" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "j['id']")\" = $learner ] && [ \"$(jq_py "len(j['history'])")\" -ge 2 ]"
conforms GET "/learners/$learner" 200
views=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE action = 'learner.view' AND learner_id = $learner AND detail = 'api'")
check "...and the view is in the audit log" [ "$views" -ge 1 ]
code=$(api "/learners/99999999" "$LT")
check "an unknown learner is 404 JSON" bash -c "[ $code = 404 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code not_found"
conforms GET /learners/99999999 404

code=$(api /learners "$TT")
tr=$(jq_py "j['total']")
check "the teacher sees fewer learners than the leader" bash -c "[ $code = 200 ] && [ $tr -lt $all ]"
conforms GET /learners 200
staff=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
outside=$(sqlite3 "$db" "SELECT l.id FROM learner l WHERE NOT EXISTS (SELECT 1 FROM enrolment e
          JOIN group_staff g ON g.institution_id = e.institution_id AND g.group_id = e.group_id
          WHERE e.learner_id = l.id AND e.status = 'active' AND g.staff_id = $staff
          AND g.role <> 'key_worker') ORDER BY l.id LIMIT 1")
before=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE learner_id = $outside AND action <> 'access.refused'")
code=$(api "/learners/$outside" "$TT")
check "the teacher gets 403 JSON for a learner outside their groups" \
    bash -c "[ $code = 403 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code forbidden"
check "...as application/json" is_json
conforms GET "/learners/$outside" 403
after=$(sqlite3 "$db" "SELECT count(*) FROM audit_event WHERE learner_id = $outside AND action <> 'access.refused'")
check "...and nothing is logged as viewed" [ "$before" = "$after" ]

code=$(api /learners "")
check "no token is 401 JSON" bash -c "[ $code = 401 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code unauthorized"
check "...as application/json" is_json
conforms GET /learners 401
code=$(api /learners "cairn_0000000000000000000000000000000000000000000000000000000000000000")
check "a wrong token is 401 JSON" bash -c "[ $code = 401 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code unauthorized"
code=$(api /me "")
conforms GET /me 401
code=$(api "/learners?limit=0" "$LT")
check "limit=0 is 400 JSON" bash -c "[ $code = 400 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code bad_request"
conforms GET "/learners?limit=0" 400
for bad in "limit=201" "limit=abc" "offset=-1" "tier=7" "flag=nonsense"; do
    code=$(api "/learners?$bad" "$LT")
    check "$bad is 400 JSON" bash -c "[ $code = 400 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code bad_request"
done
code=$(api /nothing-here "$LT")
check "an unknown API path is 404 JSON" bash -c "[ $code = 404 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code not_found"
code=$(api /me "$LT" -X POST)
check "POST /me is 405 JSON with Allow" \
    bash -c "[ $code = 405 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code method_not_allowed && tr -d '\r' < '$TMP/headers' | grep -q '^Allow: GET, HEAD'"
conforms GET /me 405   # (the 405 answer is described under the path's operations)
echo '{"items":[{"id":"x"}],"total":1}' > "$TMP/wrong.json"
check "the checker itself refuses an answer that breaks the spec" \
    bash -c "! python3 '$CHECKER' '$SPEC' GET /learners 200 '$TMP/wrong.json' > /dev/null"

L="$TMP/leader.jar"
sign_in "$L" leader cairn-demo-principal > /dev/null
code=$(http "$BASE/dashboard" -b "$L")
check "the HTML pages still answer HTML" bash -c "[ $code = 200 ] && ! tr -d '\r' < '$TMP/headers' | grep -qi '^Content-Type: application/json'"

# ---- acting on a learner: acknowledgements and key workers ----
# post PATH TOKEN JSON [curl options...]: POST JSON to $BASE/api/v1PATH.
post() {
    local path=$1 token=$2 body=$3; shift 3
    api "$path" "$token" -X POST -H 'Content-Type: application/json' --data-binary "$body" "$@"
}
acks() { sqlite3 "$db" "SELECT count(*) FROM flag_acknowledgement"; }
code=$(api "/learners?limit=200" "$LT")
flagged=$(jq_py "[i['id'] for i in j['items'] if i['flags']][0]")
flag=$(jq_py "[i['flags'][0] for i in j['items'] if i['flags']][0]")
code=$(post "/learners/$flagged/acknowledgements" "$LT" "{\"flag\":\"$flag\",\"comment\":\"Phoned home.\\nMeeting on Monday.\"}")
check "the leader acknowledges a flag (201)" \
    bash -c "[ $code = 201 ] && [ \"$(jq_py "j['flag']")\" = '$flag' ] && [ \"$(jq_py "j['by']")\" != '' ]"
conforms POST "/learners/$flagged/acknowledgements" 201
check "...written once, and to the audit log without the comment" \
    bash -c "[ \"\$(sqlite3 '$db' \"SELECT count(*) FROM flag_acknowledgement WHERE learner_id = $flagged AND rule_code = '$flag'\")\" = 1 ] && [ \"\$(sqlite3 '$db' \"SELECT count(*) FROM audit_event WHERE action = 'flag.acknowledge' AND learner_id = $flagged AND detail NOT LIKE '%Phoned%'\")\" = 1 ]"
code=$(api "/learners/$flagged" "$LT")
check "...and the record shows it" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "j['acknowledgements'][0]['comment']")\" = \"$(printf 'Phoned home.\nMeeting on Monday.')\" ]"
conforms GET "/learners/$flagged" 200
before=$(acks)
code=$(post "/learners/$flagged/acknowledgements" "$LT" '{"flag":')
check "a body that is not JSON is 400 naming the place" \
    bash -c "[ $code = 400 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code bad_request && grep -q 'line 1' '$TMP/body'"
conforms POST "/learners/$flagged/acknowledgements" 400
code=$(post "/learners/$flagged/acknowledgements" "$LT" "{\"flag\":\"$flag\"}")
check "a missing comment is 400 naming the field" bash -c "[ $code = 400 ] && grep -q 'comment is required' '$TMP/body'"
code=$(post "/learners/$flagged/acknowledgements" "$LT" "{\"flag\":\"$flag\",\"comment\":\"x\",\"extra\":1}")
check "an unknown field is 400 naming it" bash -c "[ $code = 400 ] && grep -q 'extra' '$TMP/body'"
code=$(post "/learners/$flagged/acknowledgements" "$LT" "{\"flag\":\"$flag\",\"comment\":\"  \"}")
check "an empty comment is 422 naming the field" \
    bash -c "[ $code = 422 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code unprocessable && grep -q '\"message\":\"comment' '$TMP/body'"
conforms POST "/learners/$flagged/acknowledgements" 422
code=$(post "/learners/$flagged/acknowledgements" "$LT" '{"flag":"engagement_none","comment":"x"}')
check "a flag the learner does not have is 422 naming the field" \
    bash -c "[ $code = 422 ] && grep -q '\"message\":\"flag' '$TMP/body'"
code=$(api "/learners/$flagged/acknowledgements" "$LT" -X POST -H 'Content-Type: text/plain' --data-binary '{}')
check "a body that is not sent as JSON is 415" \
    bash -c "[ $code = 415 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code unsupported_media_type"
conforms POST "/learners/$flagged/acknowledgements" 415
check "...and none of the refused requests wrote anything" [ "$(acks)" = "$before" ]
code=$(post "/learners/$outside/acknowledgements" "$TT" "{\"flag\":\"$flag\",\"comment\":\"x\"}")
check "the teacher may not act on a learner outside their groups (403)" \
    bash -c "[ $code = 403 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code forbidden"
conforms POST "/learners/$outside/acknowledgements" 403
code=$(post "/learners/99999999/acknowledgements" "$LT" '{"flag":"attendance_low","comment":"x"}')
check "an unknown learner is 404" [ "$code" = 404 ]

kwstaff=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'keyworker'")
assignments() { sqlite3 "$db" "SELECT count(*) || '/' || count(ended_at) FROM support_assignment"; }
before=$(assignments)
inside=$(sqlite3 "$db" "SELECT e.learner_id FROM enrolment e JOIN group_staff g
          ON g.institution_id = e.institution_id AND g.group_id = e.group_id
          WHERE e.status = 'active' AND g.staff_id = $staff AND g.role <> 'key_worker'
          ORDER BY e.learner_id LIMIT 1")
code=$(post "/learners/$inside/key-worker" "$TT" "{\"staff_id\":$kwstaff}")
check "a teacher may not name a key worker, even for their own learner (403)" [ "$code" = 403 ]
code=$(post "/learners/$flagged/key-worker" "$LT" '{"staff_id":"seven"}')
check "a staff_id that is not a number is 400" bash -c "[ $code = 400 ] && grep -q 'staff_id' '$TMP/body'"
code=$(post "/learners/$flagged/key-worker" "$LT" '{"staff_id":99999999}')
check "an unknown staff member is 422 naming the field" bash -c "[ $code = 422 ] && grep -q 'staff_id' '$TMP/body'"
check "...and none of them changed an assignment" [ "$(assignments)" = "$before" ]
code=$(post "/learners/$flagged/key-worker" "$LT" "{\"staff_id\":$kwstaff}")
check "the leader names the key worker (200)" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "j['staff_id']")\" = $kwstaff ]"
conforms POST "/learners/$flagged/key-worker" 200
code=$(api "/learners/$flagged" "$LT")
check "...and the record shows them" [ "$(jq_py "j['key_worker']['staff_id']")" = "$kwstaff" ]
conforms GET "/learners/$flagged" 200

code=$(http "$BASE/dashboard" -b "$L")
token=$(csrf_of)
before=$(acks)
code=$(http "$BASE/api/v1/learners/$flagged/acknowledgements" -b "$L" -X POST \
       -H 'Content-Type: application/json' --data-binary "{\"flag\":\"$flag\",\"comment\":\"by session\"}")
check "a session POST without X-CSRF-Token is refused (403) and writes nothing" \
    bash -c "[ $code = 403 ] && [ \"\$(sqlite3 '$db' 'SELECT count(*) FROM flag_acknowledgement')\" = $before ]"
code=$(http "$BASE/api/v1/learners/$flagged/acknowledgements" -b "$L" -X POST -H "X-CSRF-Token: $token" \
       -H 'Content-Type: application/json' --data-binary "{\"flag\":\"$flag\",\"comment\":\"by session\"}")
check "...and accepted with it (201)" [ "$code" = 201 ]


# ---- the caller's own API tokens: list, the account page, revoke ----
code=$(api /me/tokens "$TT")
check "GET /me/tokens lists the caller's token (200)" \
    bash -c "[ $code = 200 ] && [ \"\$(python3 -c \"import json; j=json.load(open('$TMP/body')); print(len(j['items']), j['items'][0]['name'])\")\" = '1 test' ]"
conforms GET /me/tokens 200
check "...never with its secret" bash -c "! grep -q cairn_ '$TMP/body' && ! grep -q '${TT#cairn_}' '$TMP/body'"
tid=$(jq_py "j['items'][0]['id']")
code=$(http "$BASE/account" -b "$L")
check "GET /account is 200 and lists the leader's token, not the teacher's" \
    bash -c "[ $code = 200 ] && grep -q 'action=\"/account/tokens/[0-9a-f]\{12\}/revoke\"' '$TMP/body' && ! grep -q '$tid' '$TMP/body'"
token=$(csrf_of)
code=$(http "$BASE/account/tokens/$tid/revoke" -b "$L" -X POST --data "csrf=$token")
check "the leader cannot revoke the teacher's token (404)" [ "$code" = 404 ]
code=$(api /me "$TT")
check "...which still works" [ "$code" = 200 ]
T="$TMP/teacher.jar"
code=$(sign_in "$T" teacher cairn-demo-classroom)
check "the teacher signs in (303)" [ "$code" = 303 ]
code=$(http "$BASE/account" -b "$T")
token=$(csrf_of)
check "the teacher's page shows the token" bash -c "[ $code = 200 ] && grep -q '$tid' '$TMP/body'"
code=$(http "$BASE/account/tokens/$tid/revoke" -b "$T" -X POST)
check "revoking without the CSRF token is refused (403)" [ "$code" = 403 ]
code=$(http "$BASE/account/tokens/$tid/revoke" -b "$T" -X POST --data "csrf=$token")
check "...with it: 303 back to /account" bash -c "[ $code = 303 ] && tr -d '\r' < '$TMP/headers' | grep -q '^Location: /account'"
code=$(api /me "$TT")
check "...and the token is refused from then on (401)" [ "$code" = 401 ]

done_testing
