#!/bin/bash
# tests/cli/test_init_cli.sh — `cairn init` applies every room's migrations
# and says what it did.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_init_cli.sh     (from the repository root)
#
# On a fresh SQLite file: init applies N migrations, N being the rows it
# recorded in schema_migration, and says per room how many (matching that
# table room by room) and the database URL; run again it applies 0 and says
# every room is up to date.  A database made by another command (`cairn
# demo`) has every room's tables too, so init finds nothing left to do.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" last;
# the exit status is non-zero when anything failed.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
cd "$(dirname "$0")/../.."

need_cairn
case $CAIRN in /*) ;; *) CAIRN=$PWD/$CAIRN ;; esac
unset CAIRN_DB
DB=$TMP/fresh.db

"$CAIRN" init --db "$DB" > "$TMP/first" 2> "$TMP/first.err"; rc=$?
check "init on a fresh file exits 0" eval '[ $rc -eq 0 ] && [ ! -s "$TMP/first.err" ]'
n=$(sqlite3 "$DB" "SELECT count(*) FROM schema_migration")
check "init recorded migrations ($n)" eval '[ "${n:-0}" -gt 0 ]'
check "the first line names the database and the total ($n)" \
    grep -qxF "$DB: database created or upgraded ($n migrations applied)" "$TMP/first"
rooms=$(sqlite3 "$DB" "SELECT room FROM schema_migration GROUP BY room ORDER BY min(rowid)")
for room in $rooms; do
    k=$(sqlite3 "$DB" "SELECT count(*) FROM schema_migration WHERE room = '$room'")
    want="migrations applied"; [ "$k" -eq 1 ] && want="migration applied"
    check "init says room $room applied $k" grep -qE "^  $room +$k $want\$" "$TMP/first"
done
lines=$(grep -cE '^  [a-z_]+ +([0-9]+ migrations? applied|up to date)$' "$TMP/first")   # not the key line
check "one line per room ($lines lines, rooms: $(echo $rooms))" eval '[ "$lines" -eq "$(echo $rooms | wc -w)" ]'
check "no room is up to date on a fresh file" eval '! grep -q "up to date" "$TMP/first"'

"$CAIRN" init --db "$DB" > "$TMP/again" 2>&1; rc=$?
check "init again exits 0" eval '[ $rc -eq 0 ]'
check "init again applies 0" grep -qxF "$DB: database is up to date (0 migrations applied)" "$TMP/again"
for room in $rooms; do
    check "init again: room $room is up to date" grep -qE "^  $room +up to date\$" "$TMP/again"
done
check "init again recorded nothing more" \
    eval '[ "$(sqlite3 "$DB" "SELECT count(*) FROM schema_migration")" = "$n" ]'

# Every command migrates every room (the same list): after demo, init has nothing to do.
"$CAIRN" demo --db "$TMP/demo.db" --learners 20 > /dev/null 2>&1
"$CAIRN" init --db "$TMP/demo.db" > "$TMP/demo" 2>&1; rc=$?
check "after cairn demo, init applies 0" \
    eval '[ $rc -eq 0 ] && grep -q "database is up to date (0 migrations applied)" "$TMP/demo"'

"$CAIRN" init --db "$TMP/no/such/dir/x.db" > "$TMP/bad" 2>&1; rc=$?
check "init on an unwritable path exits 1 with a message" eval '[ $rc -eq 1 ] && grep -q "^cairn init: " "$TMP/bad"'
"$CAIRN" init --db "$DB" extra > "$TMP/extra" 2>&1; rc=$?
check "init with an extra argument exits 2" eval '[ $rc -eq 2 ]'

done_testing
