#!/bin/bash
# tests/cli/test_view_log.sh — a page's view events are written by the audit
# writer thread (support/audit_defer.c) while the page waits, end to end on
# SQLite and PostgreSQL:
#
#   CAIRN=build/rel/cairn bash tests/cli/test_view_log.sh      (from the repository root)
#
# Every GET of a learner page is in the log by the time its answer arrives
# (checked after each of several views one after another); 120 views from 12
# clients at once add exactly 120 events and the chain verifies; when the
# audit log cannot be written (a trigger that refuses inserts, added behind
# cairn's back) the page is not shown: a 500 without the learner's name, for
# the page and for its JSON twin; once the trigger is gone pages are shown
# again; stopped under load, the server logs exactly the pages it showed.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

# suite LABEL DB-URL SQL-RUNNER: the checks on one database; SQL-RUNNER runs
# one SQL text and prints the first column of the first row.
suite() {
    local L=$1 db=$2 run=$3 jar="$TMP/$1.jar" code before after id name i ok_all
    if ! scored_demo_school "$db" 120; then
        not_ok "$L: a scored demo school with accounts"; sed 's/^/# /' "$TMP/setup.err" | tail -5
        return
    fi
    ok "$L: a scored demo school with accounts"
    serve_or_stop "$db"
    sign_in "$jar" leader cairn-demo-principal > /dev/null
    id=$($run "SELECT min(id) FROM learner")
    name=$($run "SELECT family_name FROM learner WHERE id = $id")
    views() { $run "SELECT count(*) FROM audit_event WHERE action = 'learner.view' AND learner_id = $id"; }

    # One view after another: each is in the log when its page arrives.
    ok_all=1
    for i in 1 2 3 4 5; do
        before=$(views)
        code=$(http "$BASE/learners/$id" -b "$jar")
        after=$(views)
        if [ "$code" != 200 ] || [ "$after" != $((before + 1)) ]; then
            ok_all=0
            echo "# view $i: status $code, events $before -> $after"
        fi
    done
    check "$L: each learner page's view event is in the log when the page arrives" [ "$ok_all" = 1 ]
    check "$L: ...and the page is the learner's" grep -q "$name" "$TMP/body"

    # Many at once: exactly one event per page, the chain intact.
    before=$(views)
    seq 1 120 | xargs -P 12 -I{} curl -s --max-time 30 -o /dev/null -w '%{http_code}\n' \
        -b "$jar" "$BASE/learners/$id" > "$TMP/codes"
    after=$(views)
    check "$L: 120 views from 12 clients at once all answer 200" \
        bash -c "[ \$(grep -c '^200$' '$TMP/codes') = 120 ]"
    check "$L: ...and add exactly 120 view events (got $((after - before)))" \
        [ "$after" = $((before + 120)) ]
    "$CAIRN" audit --db "$db" verify > "$TMP/verify.out" 2>&1
    check "$L: ...and the chain verifies and matches the head file" \
        grep -q 'intact; its end matches the head file' "$TMP/verify.out"

    # The log refuses writes: the page is not shown.
    if [ "$L" = sqlite ]; then
        $run "CREATE TRIGGER test_no_audit BEFORE INSERT ON audit_event
              BEGIN SELECT RAISE(ABORT, 'audit log closed by the test'); END" > /dev/null
    else
        $run "CREATE FUNCTION test_no_audit() RETURNS trigger LANGUAGE plpgsql AS
              \$\$ BEGIN RAISE EXCEPTION 'audit log closed by the test'; END \$\$;
              CREATE TRIGGER test_no_audit BEFORE INSERT ON audit_event
              FOR EACH ROW EXECUTE FUNCTION test_no_audit()" > /dev/null
    fi
    before=$(views)
    code=$(http "$BASE/learners/$id" -b "$jar")
    check "$L: when the audit log cannot be written the learner page answers 500 (got $code)" \
        [ "$code" = 500 ]
    check "$L: ...without the learner's record" bash -c "! grep -q '$name' '$TMP/body'"
    code=$(http "$BASE/api/v1/learners/$id" -b "$jar")
    check "$L: ...and its JSON twin answers a JSON 500 (got $code)" \
        bash -c "[ '$code' = 500 ] && grep -q '\"error\"' '$TMP/body' && ! grep -q '$name' '$TMP/body'"
    check "$L: ...and the server log says why" grep -q "could not record this page.s views; not shown: .*audit log closed by the test" "$TMP/serve.log"
    check "$L: ...and nothing was written" [ "$(views)" = "$before" ]
    if [ "$L" = sqlite ]; then $run "DROP TRIGGER test_no_audit" > /dev/null
    else $run "DROP TRIGGER test_no_audit ON audit_event; DROP FUNCTION test_no_audit()" > /dev/null
    fi
    code=$(http "$BASE/learners/$id" -b "$jar")
    check "$L: once the log can be written again the page is shown (got $code)" \
        bash -c "[ '$code' = 200 ] && grep -q '$name' '$TMP/body'"
    check "$L: ...and its view is logged" [ "$(views)" = $((before + 1)) ]

    # Stopping under load: every page answered 200 has its event, and no
    # other page does; libmicrohttpd is never stopped with a page held.
    before=$(views)
    seq 1 200 | xargs -P 12 -I{} curl -s --max-time 30 -o /dev/null -w '%{http_code}\n' \
        -b "$jar" "$BASE/learners/$id" > "$TMP/codes" 2>/dev/null &
    local load=$!
    sleep 0.3
    stop_server
    wait "$load"
    check "$L: the server stops under load with status 0 (got $STOP_STATUS)" [ "$STOP_STATUS" = 0 ]
    after=$(views)
    local shown
    shown=$(grep -c '^200$' "$TMP/codes")
    check "$L: ...and the $shown pages it showed are the $((after - before)) views logged" \
        [ "$shown" = $((after - before)) ]
    "$CAIRN" audit --db "$db" verify > "$TMP/verify.out" 2>&1
    check "$L: the chain verifies after the stop" \
        grep -q 'intact; its end matches the head file' "$TMP/verify.out"
}

sqlite_run() { sqlite3 "$TMP/t.db" "$1"; }
pg_run() { "$PSQL" -qtA "$PG_URL" -c "$1" | head -1; }

suite sqlite "$TMP/t.db" sqlite_run
if [ -n "${CAIRN_TEST_PG:-}" ] && pg_create_db "cairn_viewlog_$$"; then
    suite postgres "$PG_URL" pg_run
fi
done_testing
