#!/bin/bash
# tests/cli/test_probe.sh — the probes of issue 9 against a running server:
# what a forged request, a hostile form field or a malformed or slow HTTP
# client gets.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_probe.sh      (from the repository root)
#
# Per database (SQLite, and PostgreSQL when CAIRN_TEST_PG names a test
# server): a demo school with the demo accounts and API tokens, and
#   - a paging cursor (?after=) naming a learner outside the viewer's rights
#     is 400 on /dashboard and /api/v1/learners, for a teacher and a key
#     worker; the real next page still works;
#   - a group page and /api/v1/groups/{code} list only learners the viewer
#     may open (a teacher's group with a learner who left);
#   - a refused learner, group or list (403, page or API) leaves an
#     access.refused row in the audit log with the account and the route.
# Once (SQLite):
#   - POST /language redirects only to a same-site path;
#   - two different Content-Length headers, a NUL or other control byte in
#     the path, and an unknown JSON field cut inside a UTF-8 character are
#     each a 400 naming the problem (raw requests through python3 sockets);
#   - a client sending its headers or its body a byte a second is cut off
#     after the deadline (CAIRN_WEB_DEADLINE_SECONDS=2 for the test), and a
#     normal request still works.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3
# (and psql for PostgreSQL).
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

SPEC="$(dirname "$0")/../../docs/openapi.yaml"
CHECKER="$(dirname "$0")/openapi_check.py"

# q DB SQL: one value (or rows, |-separated) from the database at DB.
q() {
    case "$1" in
        postgres*) "$PSQL" -qAt "$1" -c "$2" ;;
        *) sqlite3 "$1" "$2" ;;
    esac
}

# jq_py EXPR: evaluate a Python expression over the last body, bound to j.
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/body"; }

# api PATH TOKEN [curl options...]: GET $BASE/api/v1PATH with the token.
api() { local path=$1 token=$2; shift 2; http "$BASE/api/v1$path" -H "Authorization: Bearer $token" "$@"; }

# conforms METHOD PATH STATUS: the last body matches docs/openapi.yaml.
conforms() {
    local out
    if out=$(python3 "$CHECKER" "$SPEC" "$1" "${2%%\?*}" "$3" "$TMP/body" 2>&1); then
        ok "...$1 $2 $3 matches docs/openapi.yaml"
    else
        not_ok "...$1 $2 $3 matches docs/openapi.yaml"; echo "$out" | sed 's/^/# /' | head -5
    fi
}

# error_code CODE: the last body is a JSON error object with that code.
error_code() { [ "$(jq_py "j['error']['code']" 2>/dev/null)" = "$1" ]; }

# location: the Location header of the last answer.
location() { tr -d '\r' < "$TMP/headers" | sed -n 's/^Location: //p'; }

# raw PYTHON-BYTES-LITERAL: send those bytes to the server on a raw socket,
# print what it answered (up to 64 KiB or 10 s).
raw() {
    python3 - "$PORT" "$1" <<'EOF'
import socket, sys, ast
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(ast.literal_eval(sys.argv[2]))
out = b""
try:
    while len(out) < 65536:
        d = s.recv(65536)
        if not d: break
        out += d
        if b"\r\n\r\n" in out:
            head, _, body = out.partition(b"\r\n\r\n")
            n = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if n and len(body) >= n[0]: break
except socket.timeout:
    pass
sys.stdout.write(out.decode("utf-8", "replace"))
EOF
}

# setup_school DB: a demo school scored on two dates of its second year
# (when the demo teacher's groups have learners), the demo accounts and
# API tokens for the teacher, the key worker and the leader in $TMP/*.token.
setup_school() {
    local db=$1
    { "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 200 &&
      "$CAIRN" score --db "$db" --asof 2026-02-13 &&
      "$CAIRN" score --db "$db" --asof 2026-03-13 &&
      "$CAIRN" user demo-accounts --db "$db" &&
      "$CAIRN" user token teacher --name probe --db "$db" > "$TMP/teacher.token" &&
      "$CAIRN" user token keyworker --name probe --db "$db" > "$TMP/keyworker.token" &&
      "$CAIRN" user token leader --name probe --db "$db" > "$TMP/leader.token"; } \
        > "$TMP/setup.out" 2> "$TMP/setup.err"
}

# ---- who sees what: paging cursors, group lists ----------------------------------------

# password_of USERNAME: the demo account's password (cairn user demo-accounts).
password_of() {
    case "$1" in
        leader) echo cairn-demo-principal ;;
        teacher) echo cairn-demo-classroom ;;
        keyworker) echo cairn-demo-counsellor ;;
    esac
}

# not_visible DB USERNAME: a learner scored on the latest date whose record
# USERNAME (a teacher or a key worker) may not open.
not_visible() {
    local db=$1 user=$2 staff
    staff=$(q "$db" "SELECT person_id FROM account WHERE username = '$user'")
    q "$db" "SELECT s.learner_id FROM risk_score s WHERE s.asof = (SELECT max(asof) FROM risk_score)
             AND NOT EXISTS (SELECT 1 FROM enrolment e JOIN group_staff g ON g.institution_id = e.institution_id
                 AND g.group_id = e.group_id WHERE e.learner_id = s.learner_id AND e.status = 'active'
                 AND g.staff_id = $staff AND g.role <> 'key_worker')
             AND NOT EXISTS (SELECT 1 FROM support_assignment a WHERE a.learner_id = s.learner_id
                 AND a.staff_id = $staff AND a.ended_at IS NULL)
             AND NOT EXISTS (SELECT 1 FROM learner_share h WHERE h.learner_id = s.learner_id AND h.staff_id = $staff)
             ORDER BY s.tier DESC, s.learner_id LIMIT 1"
}

cursor_checks() {
    local L=$1 db=$2 user tok jar out code first next
    for user in teacher keyworker; do
        tok=$(cat "$TMP/$user.token")
        out=$(not_visible "$db" "$user")
        code=$(api "/learners?after=$out" "$tok")
        check "$L: $user: /api/v1/learners?after=<a learner outside their rights> is 400 bad_request (got $code)" \
            bash -c "[ $code = 400 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code bad_request"
        conforms GET "/learners?after=$out" 400
        check "$L: ...and the answer names nobody" bash -c "! grep -q '\"items\"' '$TMP/body'"
        jar="$TMP/$user-$L.jar"
        sign_in "$jar" "$user" "$(password_of "$user")" > /dev/null
        code=$(http "$BASE/dashboard?after=$out" -b "$jar")
        check "$L: $user: /dashboard?after=<a learner outside their rights> is a 400 page (got $code)" \
            bash -c "[ $code = 400 ] && grep -q 'This page of the list does not exist' '$TMP/body' && ! grep -q '/learners/' '$TMP/body'"
    done
    tok=$(cat "$TMP/teacher.token")
    code=$(api "/learners?limit=2" "$tok")
    first=$(jq_py "[i['id'] for i in j['items']]")
    next=$(jq_py "j['next']")
    code=$(http "$BASE$next" -H "Authorization: Bearer $tok")
    check "$L: teacher: the real next page still works (200, other learners)" \
        bash -c "[ $code = 200 ] && python3 -c \"import json; a=$first; b=[i['id'] for i in json.load(open('$TMP/body'))['items']]; assert b and not set(a) & set(b)\""
    jar="$TMP/teacher-$L.jar"
    http "$BASE/dashboard" -b "$jar" > /dev/null
    first=$(grep -o 'href="/learners/[0-9]*"' "$TMP/body" | head -1 | grep -o '[0-9]*')
    code=$(http "$BASE/dashboard?after=$first" -b "$jar")
    check "$L: teacher: /dashboard?after=<their own first learner> is 200 without that learner" \
        bash -c "[ $code = 200 ] && ! grep -q 'href=\"/learners/$first\"' '$TMP/body'"
    code=$(http "$BASE/dashboard?after=abc" -b "$jar")
    check "$L: teacher: /dashboard?after=abc is 400" [ "$code" = 400 ]
}

group_checks() {
    local L=$1 db=$2 staff left group code tok jar
    staff=$(q "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
    # a learner who left one of the teacher's groups within the page's eight weeks
    # (2026-01-19 to 2026-03-15, the weeks up to the score date 2026-03-13)
    # and has no active enrolment in any group the teacher teaches
    IFS='|' read -r left group < <(q "$db" "SELECT e.learner_id, g.code FROM enrolment e
        JOIN group_staff s ON s.institution_id = e.institution_id AND s.group_id = e.group_id
        JOIN class_group g ON g.institution_id = e.institution_id AND g.id = e.group_id
        WHERE s.staff_id = $staff AND s.role <> 'key_worker' AND e.status <> 'active'
        AND e.start_date <= '2026-03-15' AND e.exit_date >= '2026-01-19'
        AND NOT EXISTS (SELECT 1 FROM enrolment a JOIN group_staff b ON b.institution_id = a.institution_id
            AND b.group_id = a.group_id WHERE a.learner_id = e.learner_id AND a.status = 'active'
            AND b.staff_id = $staff AND b.role <> 'key_worker')
        ORDER BY e.learner_id LIMIT 1")
    if [ -z "${left:-}" ]; then not_ok "$L: the demo school has a learner who left a teacher's group"; return; fi
    jar="$TMP/teacher-$L.jar"
    code=$(http "$BASE/learners/$left" -b "$jar")
    check "$L: teacher: the record of learner $left, who left group $group, is 403" [ "$code" = 403 ]
    code=$(http "$BASE/groups/$group" -b "$jar")
    check "$L: teacher: the group page of $group does not list them" \
        bash -c "[ $code = 200 ] && ! grep -q 'href=\"/learners/$left\"' '$TMP/body' && grep -q 'href=\"/learners/' '$TMP/body'"
    tok=$(cat "$TMP/teacher.token")
    code=$(api "/groups/$group" "$tok")
    check "$L: teacher: nor does /api/v1/groups/$group" \
        bash -c "[ $code = 200 ] && python3 -c \"import json; ids=[l['id'] for l in json.load(open('$TMP/body'))['learners']]; assert ids and $left not in ids\""
    conforms GET "/groups/$group" 200
    tok=$(cat "$TMP/leader.token")
    code=$(api "/groups/$group" "$tok")
    check "$L: leader: /api/v1/groups/$group lists them (the leader may open their record)" \
        bash -c "[ $code = 200 ] && python3 -c \"import json; ids=[l['id'] for l in json.load(open('$TMP/body'))['learners']]; assert $left in ids\""
}

# ---- refused attempts are in the audit log ---------------------------------------------

# refusals DB USERNAME DETAIL-LIKE [LEARNER]: how many access.refused rows the
# account has whose detail is LIKE the pattern (and of that learner).
refusals() {
    local extra=""
    [ -n "${4:-}" ] && extra="AND e.learner_id = $4"
    q "$1" "SELECT count(*) FROM audit_event e JOIN account a ON a.id = e.account_id
            WHERE a.username = '$2' AND e.action = 'access.refused' AND e.detail LIKE '$3' $extra"
}

audit_checks() {
    local L=$1 db=$2 outside staff other code n jar tok before
    outside=$(not_visible "$db" teacher)
    jar="$TMP/teacher-$L.jar"
    code=$(http "$BASE/learners/$outside" -b "$jar")
    check "$L: a teacher opening learner $outside outside their groups gets 403" [ "$code" = 403 ]
    check "$L: ...and leaves an access.refused row: who (teacher), what (the learner), which route" \
        [ "$(refusals "$db" teacher 'refused (relationship): GET /learners/{id}' "$outside")" = 1 ]
    check "$L: ...with its time" \
        [ -n "$(q "$db" "SELECT at FROM audit_event WHERE action = 'access.refused' AND learner_id = $outside")" ]
    tok=$(cat "$TMP/teacher.token")
    code=$(api "/learners/$outside" "$tok")
    n=$(refusals "$db" teacher '%GET /api/v1/learners/{id}' "$outside")
    check "$L: the same through the API (403) is recorded with the API's route" \
        [ "$code:$n" = 403:1 ]
    staff=$(q "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
    other=$(q "$db" "SELECT g.code FROM class_group g WHERE NOT EXISTS (SELECT 1 FROM group_staff s
            WHERE s.institution_id = g.institution_id AND s.group_id = g.id AND s.staff_id = $staff
            AND s.role <> 'key_worker') ORDER BY g.code LIMIT 1")
    code=$(http "$BASE/groups/$other" -b "$jar")
    n=$(refusals "$db" teacher "%GET /groups/{code} code=$other")
    check "$L: a teacher refused another group's page (403) is recorded with the group's code" \
        [ "$code:$n" = 403:1 ]
    code=$(api "/model" "$(cat "$TMP/keyworker.token")")
    n=$(refusals "$db" keyworker 'refused (role): GET /api/v1/model')
    check "$L: a key worker refused by role (/api/v1/model, 403) is recorded" [ "$code:$n" = 403:1 ]
    jar="$TMP/leader-$L.jar"
    sign_in "$jar" leader cairn-demo-principal > /dev/null
    before=$(q "$db" "SELECT count(*) FROM audit_event WHERE action = 'access.refused'")
    code=$(http "$BASE/language" -b "$jar" -X POST --data-urlencode "lang=de")
    n=$(q "$db" "SELECT count(*) FROM audit_event WHERE action = 'access.refused'")
    check "$L: a POST without its CSRF token (403) is not recorded as probing" \
        [ "$code:$n" = "403:$before" ]
}

# ---- POST /language: only a same-site path to go back to ----------------------------

language_checks() {
    local L="$TMP/lang.jar" token code ret
    sign_in "$L" leader cairn-demo-principal > /dev/null
    http "$BASE/dashboard" -b "$L" > /dev/null
    token=$(csrf_of)
    for ret in '/%09/evil.example' '//evil.example/' '/%5Cevil.example' '/\evil.example' \
               'https://evil.example/' '/%0d%0aSet-Cookie:x=1' '/a%00b'; do
        code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" \
               --data-urlencode "lang=" --data-raw "return=$ret")
        check "POST /language with return=$ret goes to the dashboard, never off-site" \
            bash -c "[ $code = 303 ] && [ \"\$(tr -d '\r' < '$TMP/headers' | sed -n 's/^Location: //p')\" = /dashboard ]"
    done
    code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "lang=" --data-urlencode "return=/ok?x=1")
    check "...a same-site path with a query is kept" \
        bash -c "[ $code = 303 ] && [ \"\$(tr -d '\r' < '$TMP/headers' | sed -n 's/^Location: //p')\" = '/ok?x=1' ]"
    code=$(http "$BASE/language" -b "$L" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "lang=" --data-urlencode "return=/groups/Klasse 1ä")
    check "...and a path with a space and a non-ASCII letter comes back percent-encoded" \
        bash -c "[ $code = 303 ] && [ \"\$(tr -d '\r' < '$TMP/headers' | sed -n 's/^Location: //p')\" = '/groups/Klasse%201%C3%A4' ]"
}

# ---- malformed HTTP: each a clear 400 --------------------------------------------------

# status_of TEXT: the status code of a raw answer.
status_of() { printf '%s' "$1" | head -1 | cut -d' ' -f2; }

http_checks() {
    local out tok
    tok=$(cat "$TMP/teacher.token")
    out=$(raw "b'POST /login HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 50\\r\\nConnection: close\\r\\n\\r\\nabcde'")
    check "two different Content-Length headers are 400 before any handler (got $(status_of "$out"))" \
        [ "$(status_of "$out")" = 400 ]
    out=$(raw "b'POST /api/v1/learners/1/acknowledgements HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer $tok\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\nContent-Length: 20\\r\\nConnection: close\\r\\n\\r\\n{}'")
    printf '%s' "$out" | tr -d '\r' | sed '1,/^$/d' > "$TMP/body"
    check "...on the API a JSON error bad_request (got $(status_of "$out"))" \
        bash -c "[ '$(status_of "$out")' = 400 ] && grep -q '\"code\":\"bad_request\"' '$TMP/body'"
    conforms POST /learners/1/acknowledgements 400
    out=$(raw "b'POST /login HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\nConnection: close\\r\\n\\r\\n0\\r\\n\\r\\n'")
    check "Content-Length with Transfer-Encoding is 400 (got $(status_of "$out"))" [ "$(status_of "$out")" = 400 ]
    out=$(raw "b'GET /healthz%00/x HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n'")
    check "/healthz%00/x is 400, not served as /healthz (got $(status_of "$out"))" [ "$(status_of "$out")" = 400 ]
    code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$BASE/healthz%0a")
    check "...and so is a %0A in the path (got $code)" [ "$code" = 400 ]
    code=$(curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$BASE/api/v1/me%00" -H "Authorization: Bearer $tok")
    check "...on the API as a JSON error bad_request (got $code)" \
        bash -c "[ $code = 400 ] && grep -q '\"code\":\"bad_request\"' '$TMP/body'"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")
    check "...while /healthz itself is 200" [ "$code" = 200 ]
    # an unknown field whose name is cut inside a character at 64 bytes
    local key
    key="$(printf 'a%.0s' $(seq 1 63))ä"
    code=$(api "/learners/1/acknowledgements" "$tok" -X POST -H 'Content-Type: application/json' \
           --data-binary "{\"$key\": 1}")
    check "an unknown JSON field cut inside a UTF-8 character is 400 bad_request naming it (got $code)" \
        bash -c "[ $code = 400 ] && $(declare -f jq_py error_code); TMP='$TMP' error_code bad_request && grep -q 'unknown field' '$TMP/body'"
    conforms POST /learners/1/acknowledgements 400
}

# ---- slow clients are cut off -----------------------------------------------------------

# trickle HEAD BYTES: send HEAD (a Python bytes literal) at once, then BYTES
# one byte a second (at most 30); print "cut N" when the server closed the
# connection after N bytes, else "not cut".
trickle() {
    python3 - "$PORT" "$1" "$2" <<'EOF'
import socket, sys, ast
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(ast.literal_eval(sys.argv[2]))
slow = ast.literal_eval(sys.argv[3])[:30]
for i, b in enumerate(slow):
    try:
        s.sendall(bytes([b]))
        s.settimeout(1.0)
        d = s.recv(4096)            # a closed connection reads as b"" (or an error)
        if not d or not d.startswith(b"HTTP/1.1 100"):
            print("cut %d" % (i + 1)); sys.exit(0)
    except socket.timeout:
        continue                    # still open: one more byte
    except OSError:
        print("cut %d" % (i + 1)); sys.exit(0)
print("not cut")
EOF
}

slow_checks() {
    local db=$1 out code
    if ! CAIRN_WEB_DEADLINE_SECONDS=2 start_server "$db" "$TMP/serve-slow.log"; then
        not_ok "a server with a 2 s deadline starts"; return
    fi
    BASE="http://127.0.0.1:$PORT"
    out=$(trickle "b'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n'" "b'X-Slow: $(printf 'a%.0s' $(seq 1 30))'")
    check "a client sending a header byte a second is cut off after the deadline (2 s here; $out)" \
        bash -c "[ '${out%% *}' = cut ]"
    out=$(trickle "b'POST /login HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 40\\r\\n\\r\\n'" "b'$(printf 'u%.0s' $(seq 1 40))'")
    check "a client sending its body a byte a second is cut off ($out)" bash -c "[ '${out%% *}' = cut ]"
    check "...and the server log says why" grep -q 'cut off a slow client' "$TMP/serve-slow.log"
    code=$(http "$BASE/healthz")
    check "a normal request still works (/healthz 200)" [ "$code" = 200 ]
    code=$(sign_in "$TMP/slow.jar" leader cairn-demo-principal)
    check "...and so does signing in (a form body)" [ "$code" = 303 ]
    stop_server
}

# ---- the case room's routes (issue 11): hostile input changes nothing ----------------

# case_rows DB: the rows of every case-room table, one line (the audit log
# aside: it records refusals).
case_rows() {
    local t out=""
    for t in support_case case_history case_task case_team_member case_transfer case_approval \
             case_conference case_assessment case_assessment_domain support_goal support_plan \
             case_review review_progress contract_version contract_signature; do
        out="$out $t=$(q "$1" "SELECT count(*) FROM $t")"
    done
    echo "$out"
}

# jpost PATH TOKEN BODY [curl options...]: POST BODY as JSON to /api/v1PATH.
jpost() {
    local path=$1 token=$2 body=$3; shift 3
    http "$BASE/api/v1$path" -X POST -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# refused_with WHAT CODE STATUS FIELD BEFORE: a check that the last answer
# was STATUS, named FIELD (in {"code","field","message"} or {"error":
# {...}}; "-" = no field asked) with a message, and the case-room tables
# are as BEFORE.
refused_with() {
    local what=$1 code=$2 want=$3 field=$4 before=$5 got
    got=$(python3 -c "
import json,sys
j=json.load(open(sys.argv[1])); e=j.get('error', j)
print('%s|%s' % (e.get('field', '-') if sys.argv[2] != '-' else '-', 'm' if e.get('message') else ''))" \
        "$TMP/body" "$field" 2>/dev/null)
    check "$CL: $what is $want naming ${field} (got $code, $got), nothing written" \
        bash -c "[ '$code' = '$want' ] && [ '$got' = '$field|m' ] && [ \"$before\" = \"$(case_rows "$CDB")\" ]"
}

case_checks() {
    CL=$1 CDB=$2
    local db=$2 kt lt tt kwstaff case_a case_b learner_a goal_b task_b other before code big
    kt=$(cat "$TMP/keyworker.token"); lt=$(cat "$TMP/leader.token"); tt=$(cat "$TMP/teacher.token")
    kwstaff=$(q "$db" "SELECT person_id FROM account WHERE username = 'keyworker'")
    case_a=$(q "$db" "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state = 'open' ORDER BY id LIMIT 1")
    case_b=$(q "$db" "SELECT c.id FROM support_case c WHERE c.key_worker_id = $kwstaff AND c.state = 'monitoring'
                      AND EXISTS (SELECT 1 FROM support_goal g WHERE g.case_id = c.id) ORDER BY c.id LIMIT 1")
    goal_b=$(q "$db" "SELECT min(id) FROM support_goal WHERE case_id = $case_b")
    if [ -z "$case_a" ] || [ -z "$case_b" ] || [ -z "$goal_b" ]; then
        not_ok "$CL: the demo has an open case and a monitored case with goals"; return
    fi
    # another institution with a case of its own, numbered where school one has none
    other=$(( $(q "$db" "SELECT max(id) FROM support_case") + 100 ))
    q "$db" "INSERT INTO institution (id, code, name, created_at) VALUES (902, 'PROBE2', 'Other school', '2025-01-01T00:00:00Z');
             INSERT INTO staff (institution_id, id, ref, given_name, family_name) VALUES (902, 1, 'X1', 'Xan', 'Other');
             INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES (902, 1, 'XL1', 'Yul', 'Other');
             INSERT INTO support_case (institution_id, id, learner_id, key_worker_id, state, tier, source, reason,
                 opened_at, updated_at) VALUES (902, $other, 1, 1, 'open', 1, 'teacher', 'x',
                 '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')" > /dev/null
    # a team member of case B only
    local psy
    psy=$(q "$db" "SELECT ref FROM staff WHERE institution_id = (SELECT institution_id FROM support_case WHERE id = $case_b LIMIT 1)
                   AND id NOT IN (SELECT person_id FROM account WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1")
    echo 'a-long-test-password-1' | "$CAIRN" user add "psy$CL" --role team_member --staff "$psy" \
        --institution "$(q "$db" "SELECT code FROM institution WHERE id <> 902 ORDER BY id LIMIT 1")" \
        --password-stdin --db "$db" > /dev/null 2>&1
    q "$db" "INSERT INTO case_team_member (institution_id, case_id, staff_id, role, added_at)
             SELECT c.institution_id, $case_b, a.person_id, 'psychologist', '2025-03-01T10:00:00Z'
             FROM support_case c, account a WHERE c.id = $case_b AND c.institution_id <> 902 AND a.username = 'psy$CL'" > /dev/null
    local pt
    pt=$("$CAIRN" user token "psy$CL" --name probe --db "$db" 2>/dev/null)
    before=$(case_rows "$db")

    # another institution's case: 404 on every route, nothing written
    local r
    for r in step tier team team-remove task-done follow-up transfer transfer-answer approval \
             conference assessments goals reviews contract contract/sign contract/amend; do
        code=$(jpost "/cases/$other/$r" "$kt" '{}')
        [ "$code" = 404 ] || { not_ok "$CL: POST /api/v1/cases/<other school's case>/$r is 404 (got $code)"; continue; }
    done
    for r in "" /assessments /goals /reviews /contract; do
        code=$(api "/cases/$other$r" "$kt")
        [ "$code" = 404 ] || not_ok "$CL: GET /api/v1/cases/<other school's case>$r is 404 (got $code)"
        code=$(api "/cases/$other$r" "$lt")
        [ "$code" = 404 ] || not_ok "$CL: the leader's GET /api/v1/cases/<other school's case>$r is 404 (got $code)"
    done
    check "$CL: every GET and POST /api/v1/cases/<another institution's case>/... is 404, nothing written" \
        bash -c "[ \"$before\" = \"$(case_rows "$db")\" ]"
    # a team member of case B posting to case A
    for r in step follow-up conference assessments goals reviews contract; do
        code=$(jpost "/cases/$case_a/$r" "$pt" '{}')
        case $code in 403|404) ;; *) not_ok "$CL: case B's team member POSTing to case A's $r is 403/404 (got $code)" ;; esac
    done
    check "$CL: a team member of case B is refused on case A's routes, nothing written" \
        bash -c "[ -n '$pt' ] && [ \"$before\" = \"$(case_rows "$db")\" ]"

    # ids of another case in a field
    code=$(jpost "/cases/$case_a/goals" "$kt" "{\"goal_id\": $goal_b, \"status\": \"achieved\", \"reason\": \"x\"}")
    refused_with "closing case B's goal through case A" "$code" 400 goal_id "$before"
    code=$(jpost "/cases/$case_a/goals" "$kt" "{\"goal_id\": $goal_b, \"what\": \"Taken over\"}")
    refused_with "editing case B's goal through case A" "$code" 400 goal_id "$before"
    task_b=$(q "$db" "SELECT min(id) FROM case_task WHERE case_id = $case_b AND done_at IS NULL")
    if [ -n "$task_b" ]; then
        code=$(jpost "/cases/$case_a/task-done" "$kt" "{\"task_id\": $task_b}")
        refused_with "ticking case B's task through case A" "$code" 400 task "$before"
    fi
    local case_c
    case_c=$(q "$db" "SELECT id FROM support_case WHERE key_worker_id = $kwstaff AND state IN ('plan_agreed', 'monitoring')
                      AND id <> $case_b AND institution_id <> 902 ORDER BY id LIMIT 1")
    if [ -n "$case_c" ]; then
        code=$(jpost "/cases/$case_c/reviews" "$kt" "{\"reviewed_on\": \"$(date -u +%F)\", \"decision\": \"continue\", \"progress\": [{\"goal_id\": $goal_b, \"value\": 1}]}")
        refused_with "a review of case C with case B's goal" "$code" 400 progress "$before"
    else
        not_ok "$CL: the demo has a second case with an agreed plan"
    fi

    # text: too long, control characters, NUL
    big=$(head -c 10000 /dev/zero | tr '\0' a)
    code=$(jpost "/cases/$case_a/follow-up" "$kt" "{\"what\": \"$big\", \"owner_id\": $kwstaff, \"due_on\": \"2099-01-01\"}")
    refused_with "a follow-up of 10,000 characters" "$code" 400 what "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": "bell\u0007here"}')
    refused_with "a reason with a control character" "$code" 400 reason "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": "nul\u0000here"}')
    refused_with "a reason with a NUL" "$code" 400 - "$before"
    # wrong types, duplicate keys, numbers out of range
    code=$(jpost "/cases/$case_a/step" "$kt" '{"step": 7}')
    refused_with '{"step": 7}' "$code" 400 step "$before"
    code=$(jpost "/cases/$case_a/tier" "$kt" '{"tier": "individual", "reason": 5}')
    refused_with '{"reason": 5}' "$code" 400 reason "$before"
    code=$(jpost "/cases/$case_a/team" "$kt" '{"staff_id": "1", "role": "mentor"}')
    refused_with '{"staff_id": "1"}' "$code" 400 staff_id "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": \"$kwstaff\", \"domains\": [\"money\"]}")
    refused_with 'a conference with "attendees" a string' "$code" 400 attendees "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\", \"astrology\"]}")
    refused_with 'a conference with an unknown domain' "$code" 400 domains "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"notes\": \"$big\"}")
    refused_with 'a conference with notes of 10,000 characters' "$code" 400 notes "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"decisions\": [{\"what\": \"tab\\there\", \"owner_id\": $kwstaff, \"due_on\": \"2099-01-01\"}]}")
    refused_with 'a conference decision with a tab' "$code" 400 decisions "$before"
    code=$(jpost "/cases/$case_a/conference" "$kt" "{\"held_on\": \"$(date -u +%F)\", \"attendees\": [$kwstaff], \"domains\": [\"money\"], \"decisions\": [1, 2, 3, 4, 5, 6]}")
    refused_with 'a conference with six decisions' "$code" 400 decisions "$before"
    code=$(jpost "/cases/$case_a/step" "$kt" '{"step": "start_assessment", "step": "reopen"}')
    refused_with 'duplicate keys' "$code" 400 - "$before"
    local rating
    for rating in 4 -1 1e309 2.5 '"2"'; do
        code=$(jpost "/cases/$case_b/assessments" "$kt" "{\"assessed_on\": \"$(date -u +%F)\", \"domains\": {\"learning\": {\"need\": $rating}}}")
        case $rating in 1e309) refused_with "a rating of $rating" "$code" 400 - "$before" ;;
                        *) refused_with "a rating of $rating" "$code" 400 need_learning "$before" ;; esac
    done
    # impossible dates
    local day
    for day in 2025-02-30 99999-01-01 2025-13-01 ''; do
        code=$(jpost "/cases/$case_a/follow-up" "$kt" "{\"what\": \"Call\", \"owner_id\": $kwstaff, \"due_on\": \"$day\"}")
        refused_with "a follow-up due on '$day'" "$code" 400 due_on "$before"
        code=$(jpost "/cases/$case_b/assessments" "$kt" "{\"assessed_on\": \"$day\", \"domains\": {\"learning\": {\"need\": 1}}}")
        refused_with "an assessment on '$day'" "$code" 400 assessed_on "$before"
    done
    # a signature of another text
    local cc
    cc=$(q "$db" "SELECT c.id FROM support_case c JOIN contract_version v ON v.case_id = c.id AND v.institution_id = c.institution_id
                  WHERE c.key_worker_id = $kwstaff AND v.signed_at IS NULL ORDER BY c.id LIMIT 1")
    if [ -n "$cc" ]; then
        code=$(jpost "/cases/$cc/contract/sign" "$kt" "{\"role\": \"learner\", \"method\": \"screen\", \"name\": \"A\", \"version_sha256\": \"$(printf '%064d' 0)\"}")
        refused_with "a signature with a wrong SHA-256" "$code" 400 version_sha256 "$before"
        code=$(jpost "/cases/$cc/contract/sign" "$kt" "{\"role\": \"learner\", \"method\": \"screen\", \"name\": \"A\", \"version_sha256\": \"' OR 1=1 --\"}")
        refused_with "a signature with a SQL-looking SHA-256" "$code" 400 version_sha256 "$before"
    fi
    # /verify with garbage and SQL-looking codes: never 5xx, never a contract
    local v
    for v in "$(head -c 10000 /dev/zero | tr '\0' Z)" "x%27%20OR%201%3D1%20--" "%25" "..%2F..%2Fetc%2Fpasswd"; do
        code=$(http "$BASE/verify/$v")
        case $code in 400|404|414|429) ok "$CL: GET /verify/<${v:0:20}...> is $code" ;;
                      *) not_ok "$CL: GET /verify/<${v:0:20}...> is 400/404/414/429 (got $code)" ;; esac
        code=$(http "$BASE/api/v1/verify/$v")
        case $code in 400|404|414|429) ok "$CL: GET /api/v1/verify/<${v:0:20}...> is $code" ;;
                      *) not_ok "$CL: GET /api/v1/verify/<${v:0:20}...> is 400/404/414/429 (got $code)" ;; esac
    done
    code=$(http "$BASE/verify" --get --data-urlencode "code=$(head -c 10000 /dev/urandom | base64 -w0)")
    case $code in 200|400|404|414|429) ok "$CL: GET /verify?code=<10 kB of garbage> is $code" ;;
                  *) not_ok "$CL: GET /verify?code=<10 kB of garbage> answers (got $code)" ;; esac

    # CSRF missing or wrong on every POST form of the case room
    local jar="$TMP/kw-case-$CL.jar" path
    sign_in "$jar" keyworker cairn-demo-counsellor > /dev/null
    learner_a=$(q "$db" "SELECT learner_id FROM support_case WHERE id = $case_a AND institution_id <> 902")
    local bad=0
    for path in $(grep -h "WEBPAGE: POST /\(cases\|learners/{id}/case\)" src/web/support/*.c | awk '{print $4}' | sort -u); do
        path=${path//\{id\}/$case_a}
        [ "${path#/learners/}" != "$path" ] && path="/learners/$learner_a/cases"
        code=$(http "$BASE$path" -b "$jar" -X POST --data-urlencode "step=start_assessment" --data-urlencode "what=x")
        [ "$code" = 403 ] || { bad=1; echo "# $path without csrf: $code"; }
        code=$(http "$BASE$path" -b "$jar" -X POST --data-urlencode "csrf=$(printf '%032d' 7)" --data-urlencode "step=start_assessment")
        [ "$code" = 403 ] || { bad=1; echo "# $path with a wrong csrf: $code"; }
    done
    check "$CL: every POST form of the case room without or with a wrong CSRF token is 403, nothing written" \
        bash -c "[ $bad = 0 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    # the forms: another case's ids in a field, a NUL and a control character in a text
    local token
    http "$BASE/cases/$case_a" -b "$jar" > /dev/null
    token=$(csrf_of)
    code=$(http "$BASE/cases/$case_a/goals/close" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "goal_id=$goal_b" --data-urlencode "status=achieved" --data-urlencode "reason=x")
    check "$CL: the form closing case B's goal through case A is 400 beside the field (got $code), nothing written" \
        bash -c "[ $code = 400 ] && grep -q 'id=\"error-summary\"' '$TMP/body' && [ \"$before\" = \"$(case_rows "$db")\" ]"
    if [ -n "$task_b" ]; then
        code=$(http "$BASE/cases/$case_a/task-done" -b "$jar" -X POST --data-urlencode "csrf=$token" \
               --data-urlencode "task_id=$task_b")
        check "$CL: the form ticking case B's task through case A is 400 (got $code), nothing written" \
            bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    fi
    code=$(http "$BASE/cases/$case_a/follow-up" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-raw "what=call%00now&owner_id=$kwstaff&due_on=2099-01-01")
    check "$CL: a follow-up form with a NUL in its text is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    code=$(http "$BASE/cases/$case_a/tier" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "tier=individual" --data-raw "reason=esc%1B%5B31mred")
    check "$CL: a tier form with an escape character in its reason is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    code=$(http "$BASE/cases/$case_a/follow-up" -b "$jar" -X POST --data-urlencode "csrf=$token" \
           --data-urlencode "what=Call" --data-urlencode "owner_id=$kwstaff" --data-urlencode "due_on=2025-02-30")
    check "$CL: a follow-up form due on 2025-02-30 is 400 (got $code), nothing written" \
        bash -c "[ $code = 400 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    # a body beyond the route's limit
    head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' > "$TMP/huge.json"
    code=$(http "$BASE/api/v1/cases/$case_a/follow-up" -X POST -H "Authorization: Bearer $kt" \
           -H 'Content-Type: application/json' --data-binary "@$TMP/huge.json")
    check "$CL: a JSON body past 1 MiB is 413 (got $code), nothing written" \
        bash -c "[ $code = 413 ] && [ \"$before\" = \"$(case_rows "$db")\" ]"
    check "$CL: cairn audit verify still passes" "$CAIRN" audit verify --db "$db"
}

# suite LABEL DB: the checks that read the database, against DB.
suite() {
    local L=$1 db=$2
    if setup_school "$db"; then
        ok "$L: a scored demo school with accounts and tokens"
    else
        not_ok "$L: a scored demo school with accounts and tokens"
        sed 's/^/# /' "$TMP/setup.err" | tail -5
        return
    fi
    if ! start_server "$db" "$TMP/serve-$L.log"; then
        not_ok "$L: server starts"; sed 's/^/# /' "$TMP/serve-$L.log" | tail -10
        return
    fi
    ok "$L: server starts (port $PORT)"
    BASE="http://127.0.0.1:$PORT"
    cursor_checks "$L" "$db"
    group_checks "$L" "$db"
    audit_checks "$L" "$db"
    case_checks "$L" "$db"
    [ "$L" = sqlite ] && { language_checks; http_checks; }
    stop_server
    [ "$L" = sqlite ] && slow_checks "$db"
}

# ---- run ------------------------------------------------------------------------------

PSQL=""
suite sqlite "$TMP/probe.db"
if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_probe_$$"; then
    suite postgres "$PG_URL"
fi

done_testing
