#!/bin/bash
# tests/cli/test_import_cli.sh — `cairn import` / `cairn export` on the command line.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_import_cli.sh     (from the repository root)
#
# Checks exit statuses (0 ok, 1 nothing imported, 2 wrong usage, 3 bad rows
# skipped), that bad files print file:line:column messages on stderr and
# import nothing, that exports re-import unchanged, and the help texts.
# Runs on SQLite in a temp dir; also on PostgreSQL when CAIRN_TEST_PG is set
# and psql is there (a fresh database is created and dropped).
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" last;
# the exit status is non-zero when anything failed.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
cd "$(dirname "$0")/../.."

need_cairn
case $CAIRN in /*) ;; *) CAIRN=$PWD/$CAIRN ;; esac
unset CAIRN_DB

SAMPLES=docs/samples
BAD=tests/fixtures/import/bad
declare -A SAMPLE_ROWS=([institutions]=1 [sites]=3 [terms]=3 [programmes]=4 [groups]=4
    [learners]=8 [staff]=4 [guardians]=7 [group_staff]=6 [enrolments]=9 [attendance]=8
    [results]=6 [behaviour]=4 [engagement]=6)
ORDER="institutions sites terms programmes groups learners staff guardians group_staff
       enrolments attendance results behaviour engagement"

# run NAME cairn-args...: run cairn, keep stdout/stderr in $TMP/NAME.{out,err}, set RC.
run() {
    local name=$1; shift
    "$CAIRN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
}

# Export every kind from database $1 into directory $2.
export_all() {
    mkdir -p "$2"
    for k in $ORDER; do
        "$CAIRN" export --db "$1" -o "$2/$k.csv" "$k" 2>>"$2/errors" || echo "export $k failed" >>"$2/errors"
    done
}

# The messages EXPECTED lists for fixture $1, one per line.
expected_messages() {
    awk -v f="$1" '
        /^file: / { cur = substr($0, 7); next }
        /^kind: / || /^#/ || /^$/ { next }
        cur == f { print }' "$BAD/EXPECTED"
}
expected_kind() {
    awk -v f="$1" '/^file: / { cur = substr($0, 7) } /^kind: / && cur == f { print substr($0, 7) }' "$BAD/EXPECTED"
}

# ---- commands that need no database ---------------------------------------

run version --version
check "cairn --version exits 0 and prints the version" \
    test "$RC" = 0 -a -n "$(grep -E '^cairn [0-9]+\.[0-9]+\.[0-9]+' "$TMP/version.out")"
run help help
check "cairn help exits 0 and lists import and export" \
    eval 'test "$RC" = 0 && grep -q "^  import " "$TMP/help.out" && grep -q "^  export " "$TMP/help.out"'
run ihelp import --help
check "cairn import --help exits 0 and explains --skip-bad" \
    eval 'test "$RC" = 0 && grep -q -- "--skip-bad FILE" "$TMP/ihelp.out" && grep -q "attendance" "$TMP/ihelp.out"'
check "cairn import --help explains repeated keys and --sum" \
    eval 'grep -q "ambiguous: all its rows are bad" "$TMP/ihelp.out" && grep -q -- "--sum (engagement only)" "$TMP/ihelp.out"'
run helpimport help import
check "cairn help import exits 0" eval 'test "$RC" = 0 && grep -q "cairn import" "$TMP/helpimport.out"'
run ehelp export --help
check "cairn export --help exits 0" eval 'test "$RC" = 0 && grep -q "cairn export" "$TMP/ehelp.out"'
run noargs
check "cairn with no command exits 2" test "$RC" = 2
run unknowncmd frobnicate
check "an unknown command exits 2" eval 'test "$RC" = 2 && grep -q "unknown command" "$TMP/unknowncmd.err"'

# ---- the suite, once per database -----------------------------------------

suite() {
    local DB=$1 L=$2 k f n before after

    # wrong usage, before anything is imported
    run unknownkind import --db "$DB" pupils "$SAMPLES/learners.csv"
    check "[$L] an unknown kind exits 2" \
        eval 'test "$RC" = 2 && grep -q "unknown kind \"pupils\"" "$TMP/unknownkind.err"'
    run nofile import --db "$DB" learners
    check "[$L] import without a FILE exits 2" test "$RC" = 2
    run badopt import --db "$DB" --frobnicate learners "$SAMPLES/learners.csv"
    check "[$L] an unknown option exits 2" test "$RC" = 2
    run ekind export --db "$DB" pupils
    check "[$L] export of an unknown kind exits 2" test "$RC" = 2

    # the samples, in the documented order
    for k in $ORDER; do
        run "imp-$k" import --db "$DB" "$k" "$SAMPLES/$k.csv"
        n=${SAMPLE_ROWS[$k]}
        check "[$L] import $k sample exits 0 ($n rows written)" \
            eval 'test "$RC" = 0 && grep -q "^imported $k: $n rows read, $n written ($n new, 0 updated, 0 unchanged)$" "$TMP/imp-$k.out" && test ! -s "$TMP/imp-$k.err"'
    done
    export_all "$DB" "$TMP/$L-exp1"
    check "[$L] every kind exports" test ! -s "$TMP/$L-exp1/errors"
    check "[$L] the learners export has 8 learners" test "$(wc -l <"$TMP/$L-exp1/learners.csv")" = 9

    # the same files again: nothing changes
    for k in $ORDER; do "$CAIRN" import --db "$DB" "$k" "$SAMPLES/$k.csv" >/dev/null 2>&1 || echo "$k" >>"$TMP/$L-reimport-failed"; done
    export_all "$DB" "$TMP/$L-exp2"
    check "[$L] re-importing the samples exits 0 and changes nothing" \
        eval 'test ! -e "$TMP/$L-reimport-failed" && diff -r "$TMP/$L-exp1" "$TMP/$L-exp2" >/dev/null'

    # a bad file: exit 1, messages on stderr, nothing imported
    run bad import --db "$DB" attendance "$BAD/attendance-bad-status.csv"
    check "[$L] a bad file exits 1" test "$RC" = 1
    check "[$L] the bad row is reported as file:line:column on stderr" \
        grep -q '^attendance-bad-status.csv:3:4: status "abscent" is not one of' "$TMP/bad.err"
    check "[$L] the bad file's outcome says nothing was imported" grep -q "nothing was imported" "$TMP/bad.err"
    check "[$L] nothing goes to stdout for a bad file" test ! -s "$TMP/bad.out"

    # every bad fixture: exit 1, its exact messages, nothing changed
    for f in $(awk '/^file: / { print substr($0, 7) }' "$BAD/EXPECTED"); do
        k=$(expected_kind "$f")
        run "bad-$f" import --db "$DB" "$k" "$BAD/$f"
        expected_messages "$f" >"$TMP/want-$f"
        local missing=0
        while IFS= read -r m; do
            grep -qxF -e "$m" -e "cairn import: $m" "$TMP/bad-$f.err" || missing=1
        done <"$TMP/want-$f"
        check "[$L] $f exits 1 with its messages in file:line:column form" \
            test "$RC" = 1 -a "$missing" = 0
    done
    export_all "$DB" "$TMP/$L-exp3"
    check "[$L] the bad files imported nothing" diff -r "$TMP/$L-exp1" "$TMP/$L-exp3"

    # --skip-bad: the good rows in, the bad ones to a file, exit 3
    run skip import --db "$DB" --skip-bad "$TMP/bad-rows.csv" attendance "$BAD/attendance-several-bad-rows.csv"
    check "[$L] --skip-bad with bad rows exits 3" test "$RC" = 3
    check "[$L] --skip-bad says what it skipped" \
        grep -q "^imported attendance: 9 rows read, 2 written (2 new, 0 updated, 0 unchanged), 7 bad rows skipped and written to $TMP/bad-rows.csv$" "$TMP/skip.out"
    check "[$L] --skip-bad still lists the bad rows on stderr" test "$(grep -c '^attendance-several-bad-rows.csv:[0-9]*:[0-9]*: ' "$TMP/skip.err")" = 7
    check "[$L] the bad-rows file has the header, a cairn_error column and 7 rows" \
        eval 'test "$(head -1 "$TMP/bad-rows.csv")" = "learner,date,session,status,minutes,cairn_error" && test "$(wc -l <"$TMP/bad-rows.csv")" = 8'
    "$CAIRN" export --db "$DB" attendance >"$TMP/att-after-skip.csv"
    check "[$L] the 2 good rows were imported (neither row of the repeated key)" \
        test "$(grep -c ',2024-09-30,' "$TMP/att-after-skip.csv")" = 2
    sed -e '/bad-rows.csv:9:1: duplicate key/d' -e 's/^L9999,/L1007,/' -e 's/^L1003,2024-13-01,/L1003,2024-09-30,/' -e 's/,abscent,/,absent_excused,/' \
        -e 's/,late,ten,/,late,10,/' "$TMP/bad-rows.csv" >"$TMP/fixed-rows.csv"
    run fixed import --db "$DB" attendance "$TMP/fixed-rows.csv"
    check "[$L] the fixed bad-rows file (cairn_error column and all) imports with exit 0" \
        eval 'test "$RC" = 0 && grep -q "^imported attendance: 6 rows read, 6 written (6 new, 0 updated, 0 unchanged)$" "$TMP/fixed.out"'
    # a key on several rows of one file: every row of it is bad; --sum adds them up
    printf 'learner,date,source,metric,value\nL1001,2024-10-07,lms,clicks,1000\n' >"$TMP/eng-day.csv"
    printf 'learner,date,source,metric,value\nL1001,2024-10-07,lms,clicks,600\nL1002,2024-10-07,lms,clicks,5\nL1001,2024-10-07,lms,clicks,400\n' >"$TMP/eng-sites.csv"
    run engday import --db "$DB" engagement "$TMP/eng-day.csv"
    run engrep import --db "$DB" engagement "$TMP/eng-sites.csv"
    check "[$L] a repeated key in one file: exit 1, both rows named with the other's line" \
        eval 'test "$RC" = 1 &&
              grep -q "^eng-sites.csv:2:1: duplicate key: the same learner, date, source, metric is also on line 4 of this file; cairn cannot know which row is right, so none of them is imported$" "$TMP/engrep.err" &&
              grep -q "^eng-sites.csv:4:1: duplicate key: .* also on line 2 of this file" "$TMP/engrep.err"'
    run engskip import --db "$DB" --skip-bad "$TMP/eng-bad.csv" engagement "$TMP/eng-sites.csv"
    "$CAIRN" export --db "$DB" engagement >"$TMP/eng-out.csv"
    check "[$L] ... with --skip-bad neither row replaces the stored total" \
        eval 'test "$RC" = 3 && grep -q "^L1001,2024-10-07,lms,clicks,1000$" "$TMP/eng-out.csv" &&
              test "$(wc -l <"$TMP/eng-bad.csv")" = 3'
    run engsum import --db "$DB" --sum engagement "$TMP/eng-sites.csv"
    "$CAIRN" export --db "$DB" engagement >"$TMP/eng-out.csv"
    check "[$L] --sum adds the rows of a key up" \
        eval 'test "$RC" = 0 && grep -q "^L1001,2024-10-07,lms,clicks,1000$" "$TMP/eng-out.csv" &&
              grep -q "^L1002,2024-10-07,lms,clicks,5$" "$TMP/eng-out.csv"'
    run sumatt import --db "$DB" --sum attendance "$SAMPLES/attendance.csv"
    check "[$L] --sum is refused for a kind without values to add" \
        eval 'test "$RC" = 1 && grep -q -- "--sum adds up engagement values" "$TMP/sumatt.err"'

    run skipnone import --db "$DB" --skip-bad "$TMP/none.csv" learners "$SAMPLES/learners.csv"
    check "[$L] --skip-bad without bad rows exits 0" test "$RC" = 0

    # export learners, re-import: clean and unchanged
    "$CAIRN" export --db "$DB" learners >"$TMP/learners-out.csv"
    run reimp import --db "$DB" learners "$TMP/learners-out.csv"
    check "[$L] cairn export learners re-imports with exit 0" \
        eval 'test "$RC" = 0 && test ! -s "$TMP/reimp.err"'
    "$CAIRN" export --db "$DB" learners >"$TMP/learners-out2.csv"
    check "[$L] ... and changes nothing" cmp -s "$TMP/learners-out.csv" "$TMP/learners-out2.csv"

    # formula neutralisation: a learner named like a formula
    printf 'learner,given_name,family_name\nL1011,=HYPERLINK("http://evil.example/"),@SUM(1)\n' >"$TMP/evil.csv"
    run evil import --db "$DB" learners "$TMP/evil.csv"
    "$CAIRN" export --db "$DB" learners >"$TMP/learners-evil.csv"
    check "[$L] export neutralises =... and @... cells" \
        grep -qF "L1011,\"'=HYPERLINK(\"\"http://evil.example/\"\")\",'@SUM(1)," "$TMP/learners-evil.csv"
    run evil2 import --db "$DB" learners "$TMP/learners-evil.csv"
    "$CAIRN" export --db "$DB" learners >"$TMP/learners-evil2.csv"
    check "[$L] the neutralised export re-imports unchanged" \
        eval 'test "$RC" = 0 && cmp -s "$TMP/learners-evil.csv" "$TMP/learners-evil2.csv"'

    # every kind: export -> import -> export is the same
    export_all "$DB" "$TMP/$L-exp4"
    for k in $ORDER; do "$CAIRN" import --db "$DB" "$k" "$TMP/$L-exp4/$k.csv" >/dev/null 2>&1 || echo "$k" >>"$TMP/$L-rt-failed"; done
    export_all "$DB" "$TMP/$L-exp5"
    check "[$L] export -> import of every kind exits 0 and changes nothing" \
        eval 'test ! -e "$TMP/$L-rt-failed" && diff -r "$TMP/$L-exp4" "$TMP/$L-exp5" >/dev/null'
}

suite "$TMP/cairn.db" sqlite

if [ -n "${CAIRN_TEST_PG:-}" ] && command -v psql >/dev/null 2>&1 &&
   pg_create_db "t_cli_import_$$"; then
    suite "$PG_URL" postgres
fi

done_testing
