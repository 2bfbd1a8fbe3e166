#!/bin/bash
# tests/cli/test_probe.sh — the probes of issue 9 against a running server:
# what a forged request, a hostile form field or a malformed or slow HTTP
# client gets (the case room's probes, issue 11: tests/cli/test_probe_case.sh).
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
. "$(dirname "$0")/probe_lib.sh" || exit 1
need_cairn
need_curl

SPEC="$(dirname "$0")/../../docs/openapi.yaml"
CHECKER="$(dirname "$0")/openapi_check.py"

# jq_py EXPR: evaluate a Python expression over the last body, bound to j.
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/body"; }

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

# sqlite_once: the checks that need one database only (run on SQLite).
sqlite_once() {
    language_checks
    http_checks
}

# ---- run ------------------------------------------------------------------------------

PSQL=""
if probe_suite sqlite "$TMP/probe.db" cursor_checks group_checks audit_checks sqlite_once; then
    slow_checks "$TMP/probe.db"
fi
if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_probe_$$"; then
    probe_suite postgres "$PG_URL" cursor_checks group_checks audit_checks
fi

done_testing
