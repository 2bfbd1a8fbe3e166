#!/bin/bash
# tests/cli/test_rules_cli.sh — `cairn rules`: show, set a new version, refuse bad changes.
# Run from the repository root with CAIRN=path/to/cairn.  TAP-style lines, last
# line "N passed, M failed".
set -u
CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
DB=$TMP/t.db

"$CAIRN" demo --db "$DB" --today 2026-06-30 --learners 60 >/dev/null 2>&1
check "demo school created" eval '[ -s "$DB" ]'

"$CAIRN" rules --db "$DB" >"$TMP/show" 2>&1; rc=$?
check "rules show exits 0" eval '[ $rc -eq 0 ]'
check "the first version holds the defaults" eval 'grep -q "^rule set version 1" "$TMP/show" && grep -q "\"attendance_low\":{\"enabled\":true,\"threshold\":90}" "$TMP/show"'

"$CAIRN" rules --db "$DB" set '{"attendance_low": 85}' --by tester >"$TMP/set" 2>&1; rc=$?
check "rules set exits 0" eval '[ $rc -eq 0 ]'
check "a change makes version 2 with the new threshold" eval 'grep -q "^rule set version 2" "$TMP/set" && grep -q "\"threshold\":85" "$TMP/set"'
check "who changed it is recorded" eval '[ "$(sqlite3 "$DB" "SELECT created_by FROM risk_rule_set WHERE version = 2")" = tester ]'

"$CAIRN" rules --db "$DB" set '{"attendence_low": 85}' >"$TMP/bad" 2>&1; rc=$?
check "an unknown rule exits 1" eval '[ $rc -eq 1 ]'
check "the message names the unknown rule and lists the real ones" eval 'grep -q "no rule \"attendence_low\"" "$TMP/bad" && grep -q "attendance_low" "$TMP/bad"'
"$CAIRN" rules --db "$DB" set '{"attendance_low": 120}' >"$TMP/bad2" 2>&1; rc=$?
check "an out-of-range threshold exits 1 and says so" eval '[ $rc -eq 1 ] && grep -q "out of range" "$TMP/bad2"'
"$CAIRN" rules --db "$DB" set '{"attendance_low": ' >"$TMP/bad3" 2>&1; rc=$?
check "malformed JSON exits 1" eval '[ $rc -eq 1 ]'
check "bad changes stored no version" eval '[ "$(sqlite3 "$DB" "SELECT max(version) FROM risk_rule_set")" = 2 ]'

printf '{"missing_work": {"enabled": false}}' >"$TMP/t.json"
"$CAIRN" rules --db "$DB" set --file "$TMP/t.json" >"$TMP/file" 2>&1; rc=$?
check "set --file stores version 3 with the rule off" eval '[ $rc -eq 0 ] && grep -q "^rule set version 3" "$TMP/file" && grep -q "\"missing_work\":{\"enabled\":false" "$TMP/file"'

"$CAIRN" rules --db "$DB" set >"$TMP/u" 2>&1; rc=$?
check "set without changes is a usage error (2)" eval '[ $rc -eq 2 ]'
"$CAIRN" rules --db "$DB" frobnicate >"$TMP/u2" 2>&1; rc=$?
check "an unknown action is a usage error (2)" eval '[ $rc -eq 2 ]'

done_testing
