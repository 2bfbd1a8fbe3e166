#!/bin/bash
# tests/browser/run.sh — the staff pages in a real browser (Debian's
# chromium driven by playwright-core), against `cairn serve` on loopback.
#
#   CAIRN=build/rel/cairn bash tests/browser/run.sh     (from the repository root)
#
# Makes a demo school of 200 learners, scores it at three dates (as
# tests/cli/test_pages.sh does), creates the demo accounts, starts the
# server on a free port, runs tests/browser/pages.test.mjs and
# tests/browser/case_walk.test.mjs with node and stops the server.
# Prints "ok - ..." / "not ok - ..." per check and ends with
# "N passed, M failed"; exits non-zero if anything failed.
#
# Needs node, the npm packages of package-lock.json in node_modules
# (scripts/browser-deps.sh installs them), chromium at /usr/bin/chromium
# (or $CAIRN_CHROMIUM) and sqlite3.  Missing any of them is a failure, not
# a skip.  Writes only to a temporary directory.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh || exit 1
export CAIRN_CHROMIUM=${CAIRN_CHROMIUM:-/usr/bin/chromium}

need_cairn
missing=""
command -v node >/dev/null 2>&1 || missing="$missing node (scripts/deps.sh check: Debian package nodejs);"
[ -f node_modules/playwright-core/package.json ] ||
    missing="$missing node_modules/playwright-core (scripts/browser-deps.sh: npm ci);"
[ -x "$CAIRN_CHROMIUM" ] ||
    missing="$missing $CAIRN_CHROMIUM (scripts/deps.sh check: Debian package chromium);"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3 (scripts/deps.sh check);"
if [ -n "$missing" ]; then
    not_ok "the browser tests cannot run; missing:${missing%;}"
    done_testing
fi

db="$TMP/browser.db"
. tests/browser/school.sh || exit 1
if ! browser_school "$db"; then
    not_ok "a scored demo school with accounts and a trained model"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts and a trained model"

# A learner the teacher may not see: no active enrolment in a group their
# staff member teaches (web/access.h), and with a score, so the leader sees
# them on the dashboard.
staff=$(sqlite3 "$db" "SELECT person_id FROM account WHERE username = 'teacher'")
outside=$(sqlite3 "$db" "SELECT DISTINCT s.learner_id FROM risk_score s WHERE NOT EXISTS (
          SELECT 1 FROM enrolment e JOIN group_staff g ON g.institution_id = e.institution_id
          AND g.group_id = e.group_id WHERE e.learner_id = s.learner_id AND e.status = 'active'
          AND g.staff_id = $staff AND g.role <> 'key_worker') ORDER BY s.learner_id LIMIT 1")
if [ -z "$outside" ]; then
    not_ok "a learner outside the teacher's groups"
    done_testing
fi

if ! start_server "$db" "$TMP/serve.log"; then
    not_ok "server starts"; sed 's/^/# /' "$TMP/serve.log" | tail -10
    done_testing
fi
ok "server starts (port $PORT)"

# The node tests print their own lines and "N passed, M failed"; fold
# their counts into ours.  pages.test.mjs first, then the walk through a
# case (case_walk.test.mjs) against the same server.
for t in pages case_walk; do
    CAIRN_BASE="http://127.0.0.1:$PORT" CAIRN_ACCOUNTS="$ACCOUNTS" CAIRN_OUTSIDE="$outside" \
        timeout 600 node "tests/browser/$t.test.mjs" > "$TMP/node.out" 2>&1
    rc=$?
    summary=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$TMP/node.out" | tail -1)
    grep -v '^[0-9]* passed, [0-9]* failed$' "$TMP/node.out"
    if [ -n "$summary" ]; then
        PASSED=$((PASSED + ${summary% *})); FAILED=$((FAILED + ${summary#* }))
    fi
    if [ -z "$summary" ] || { [ "$rc" -ne 0 ] && [ "${summary#* }" = 0 ]; }; then
        not_ok "the browser tests of $t.test.mjs ran to the end (node exited $rc)"
    fi
done

stop_server
check "the server stops cleanly" [ "$STOP_STATUS" = 0 ]
if grep -qiE 'AddressSanitizer|runtime error|segmentation' "$TMP/serve.log"; then
    not_ok "the server log is clean"; grep -iE 'AddressSanitizer|runtime error' "$TMP/serve.log" | head -5 | sed 's/^/# /'
fi
done_testing
