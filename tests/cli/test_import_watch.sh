#!/bin/bash
# tests/cli/test_import_watch.sh — nightly imports: `cairn import watch --once DIR`.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_import_watch.sh     (from the repository root)
#
# A folder of nightly files made with `cairn export` of a demo school (named
# so that their alphabetical order is the wrong import order, and none by
# its kind), plus a learners file with a bad row and a file of no known
# kind, is imported into an empty database: each good file lands in done/,
# the bad ones in failed/, each with FILE.report.txt; the database then
# holds exactly the demo school; the scores were computed after the batch
# (scoring again finds every row already stored).  A second night with the
# same file names keeps the first night's files.  `cairn import FILE...`
# recognises kinds the same way.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" last.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
cd "$(dirname "$0")/../.."

need_cairn
case $CAIRN in /*) ;; *) CAIRN=$PWD/$CAIRN ;; esac
unset CAIRN_DB

SRC=$TMP/source.db
DB=$TMP/school.db
DIR=$TMP/nightly
ASOF=2026-03-02            # a school day in the demo's second year
KINDS="institutions sites terms programmes groups learners staff guardians group_staff
       enrolments attendance results behaviour engagement"

# run NAME cairn-args...: run cairn, keep stdout/stderr in $TMP/NAME.{out,err}, set RC.
run() {
    local name=$1; shift
    "$CAIRN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
}
# has FILE PATTERN DESCRIPTION: the file matches the extended regex.
has() {
    if grep -Eq -- "$2" "$1"; then ok "$3"
    else not_ok "$3 (no /$2/ in $1: $(head -c 300 "$1" 2>/dev/null))"; fi
}

# ---- the nightly folder --------------------------------------------------------------
run demo demo --db "$SRC" --learners 60
[ "$RC" -eq 0 ] && ok "a demo school to export" || not_ok "demo (exit $RC: $(cat "$TMP/demo.err"))"
mkdir -p "$DIR" "$TMP/expect"
i=0
for k in $KINDS; do
    # z-, y-, x-...: alphabetical order is the reverse of the import order
    name=$(printf '%s' "zyxwvutsrqponm" | cut -c$((i + 1)))-sis-export-$i.csv
    "$CAIRN" export --db "$SRC" -o "$DIR/$name" "$k" || not_ok "export $k"
    cp "$DIR/$name" "$TMP/expect/$k.csv"
    i=$((i + 1))
done
# A learners file with a bad row (a birth date that is no date) and a file of no known kind.
{ head -1 "$TMP/expect/learners.csv"; echo "NEW1,Ada,Bad,2001-02-30,,,,,"; } >"$DIR/a-new-learners.csv"
printf 'pupil,mark\n1,2\n' >"$DIR/b-notes.csv"
echo "not a csv" >"$DIR/readme.txt"

# ---- one night -------------------------------------------------------------------------
run watch import watch --db "$DB" --once --asof "$ASOF" "$DIR"
[ "$RC" -eq 1 ] && ok "watch --once exits 1 when a file failed" \
    || not_ok "watch --once exit $RC, want 1 ($(cat "$TMP/watch.err"))"
n=$(ls "$DIR/done"/*.csv 2>/dev/null | wc -l)
[ "$n" -eq 14 ] && ok "the 14 good files are in done/" || not_ok "done/ has $n csv files, want 14"
missing=0
for f in "$DIR/done"/*.csv; do [ -s "$f.report.txt" ] || missing=$((missing + 1)); done
[ "$missing" -eq 0 ] && ok "every file in done/ has its report" \
    || not_ok "$missing files in done/ have no report"
has "$DIR/done/z-sis-export-0.csv.report.txt" "kind: institutions" "a report names the recognised kind"
has "$DIR/done/u-sis-export-5.csv.report.txt" "result: imported \\(60 rows read, 60 written: 60 new, 0 updated, 0 unchanged\\)" \
    "a report gives the counts"
[ -f "$DIR/failed/a-new-learners.csv" ] && ok "the file with a bad row is in failed/" \
    || not_ok "a-new-learners.csv is not in failed/"
has "$DIR/failed/a-new-learners.csv.report.txt" "nothing was imported" "its report says nothing was imported"
has "$DIR/failed/a-new-learners.csv.report.txt" "a-new-learners.csv:2:4: " \
    "its report names the file, line and column"
has "$DIR/failed/b-notes.csv.report.txt" "does not look like any kind" \
    "the file of no known kind is refused with a reason"
[ -f "$DIR/readme.txt" ] && ok "a file that is not .csv is left alone" || not_ok "readme.txt was moved"
left=$(ls "$DIR"/*.csv 2>/dev/null | wc -l)
[ "$left" -eq 0 ] && ok "no csv file is left in the folder" || not_ok "$left csv files left"

# Imported in dependency order: the output lists institutions first, events last.
first=$(grep -m1 -E ': imported \(|: failed \([a-z_]+\)' "$TMP/watch.out")
last=$(grep -E ': imported' "$TMP/watch.out" | tail -1)
case "$first" in *institutions*) ok "institutions are imported first" ;;
    *) not_ok "first line: $first" ;; esac
case "$last" in *attendance*|*results*|*behaviour*|*engagement*) ok "events are imported last" ;;
    *) not_ok "last imported line: $last" ;; esac

# The database holds exactly the demo school.
same=1
for k in $KINDS; do
    "$CAIRN" export --db "$DB" -o "$TMP/got-$k.csv" "$k" || same=0
    cmp -s "$TMP/expect/$k.csv" "$TMP/got-$k.csv" || { same=0; echo "# $k differs"; }
done
[ "$same" -eq 1 ] && ok "the database holds exactly what was exported" \
    || not_ok "the database differs from the export"
n=$(sqlite3 "$DB" "SELECT count(*) FROM learner WHERE ref = 'NEW1'")
[ "$n" = 0 ] && ok "no row of the failed file was written" || not_ok "NEW1 is in the database"

# The scores were computed after the batch.
has "$TMP/watch.out" "^rescored as of $ASOF: [1-9][0-9]* learners" "the batch was scored"
n=$(sqlite3 "$DB" "SELECT count(*) FROM risk_score WHERE asof = '$ASOF'")
[ "${n:-0}" -gt 0 ] && ok "risk scores stored for $ASOF ($n)" || not_ok "no risk scores for $ASOF"
run score score --db "$DB" --asof "$ASOF"
has "$TMP/score.out" " 0 rows written, [1-9][0-9]* already stored unchanged" \
    "scoring again finds every score already there"

# ---- a second night: same names, one file --------------------------------------------------
cp "$TMP/expect/learners.csv" "$DIR/u-sis-export-5.csv"
run watch2 import watch --db "$DB" --once --asof "$ASOF" "$DIR"
[ "$RC" -eq 0 ] && ok "a second night imports cleanly" || not_ok "second night exit $RC"
has "$TMP/watch2.out" "u-sis-export-5.csv: imported" "...the same learners file again"
report2=$(ls "$DIR"/done/u-sis-export-5-*.csv.report.txt 2>/dev/null | head -1)
has "${report2:-/dev/null}" "60 written: 0 new, 0 updated, 60 unchanged" \
    "...and its report says every row was already there unchanged"
n=$(ls "$DIR/done"/u-sis-export-5*.csv | wc -l)
[ "$n" -eq 2 ] && ok "the first night's file is kept beside the second's" \
    || not_ok "done/ has $n learners files, want 2"

# ---- cairn import FILE... recognises kinds too ---------------------------------------------
run auto import --db "$TMP/auto.db" "$DIR"/done/[s-z]-sis-export-*[0-9].csv \
    "$DIR"/done/[m-r]-sis-export-*[0-9].csv
[ "$RC" -eq 0 ] && ok "cairn import FILE... without a kind" \
    || not_ok "import without a kind: exit $RC ($(head -c 300 "$TMP/auto.err"))"
run wrong import --db "$TMP/auto.db" learners "$TMP/expect/attendance.csv"
has "$TMP/wrong.err" "attendance.csv looks like attendance, not learners" \
    "a wrong-kind file is named with what it looks like"
run unknown import --db "$TMP/auto.db" "$DIR/failed/b-notes.csv"
[ "$RC" -eq 1 ] && ok "a file of no known kind is refused" || not_ok "exit $RC"

# ---- cairn serve --import-dir: a file with its .done marker is taken --------------------
SDIR=$TMP/serve-drop
mkdir -p "$SDIR"
{ head -1 "$TMP/expect/learners.csv"; echo "SRV1,Sam,Served,,,,,,"; } >"$SDIR/extra.csv"
: >"$SDIR/extra.csv.done"
if start_server "$DB" "$TMP/serve.log" --import-dir "$SDIR"; then
    ok "cairn serve --import-dir starts"
    for i in $(seq 1 300); do [ -f "$SDIR/done/extra.csv" ] && break; sleep 0.1; done
    [ -f "$SDIR/done/extra.csv" ] && ok "...and imports a file that lands there" \
        || not_ok "...extra.csv was not imported ($(tail -3 "$TMP/serve.log"))"
    [ ! -e "$SDIR/extra.csv.done" ] && ok "...removing its .done marker" || not_ok "marker left"
    n=$(sqlite3 "$DB" "SELECT count(*) FROM learner WHERE ref = 'SRV1'")
    [ "$n" = 1 ] && ok "...into the server's database" || not_ok "SRV1 not in the database"
    stop_server
    [ "$STOP_STATUS" = 0 ] && ok "the server stops cleanly" || not_ok "server stop: $STOP_STATUS"
else
    not_ok "cairn serve --import-dir starts ($(tail -3 "$TMP/serve.log"))"
fi

done_testing
