#!/bin/bash
# scripts/check.sh — run every test; what `make check` does after building.
#
#   1. unit tests (cmocka), release build, on SQLite and PostgreSQL
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. command-line and server tests (tests/cli/test_*.sh), on both builds;
#      the source checks of scripts/lint/ (writers, include order) among them
#   4. the staff pages in a real browser (tests/browser/run.sh: Debian's
#      chromium driven by playwright-core from npm, release build)
#   5. a short libFuzzer run of every fuzz target over its committed corpus
#
# A throwaway PostgreSQL server is started for the run and removed after.
#
# The suites (one test program, one script, one fuzz target each) run in
# CAIRN_CHECK_LANES lanes at once (2 unless set; 1 runs them one after the
# other).  Each lane takes the next suite from one shared queue, the
# slowest kinds first (see QUEUE below), with its own TMPDIR.  The report
# comes after the last suite, in the fixed order of the list above: one
# line per suite with its counts, its wall-clock seconds, its lane and when
# it started (seconds into the run, to see what ran beside what); the
# output of a failed suite just before its line.  Then the total time, the
# ten slowest suites, and as the last line "N passed, N failed" (CI reads
# it); the exit status is 0 only when nothing failed.  Live progress, one
# line per finished suite, goes to stderr when it is a terminal or
# CAIRN_CHECK_PROGRESS=1.  CAIRN_CHECK_ONLY=REGEX (grep -E, over labels
# such as "cli-asan/test_case" or "fuzz/fuzz_csv") runs only those suites,
# for trying the script itself; `make check` runs them all.
set -u
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${CAIRN_FUZZ_SECONDS:-10}
LANES=${CAIRN_CHECK_LANES:-2}
case $LANES in [1-9]) ;; *) echo "check: CAIRN_CHECK_LANES is 1 to 9, not '$LANES'" >&2; exit 2 ;; esac
if [ -n "${CAIRN_CHECK_PROGRESS:-}" ]; then PROGRESS=$CAIRN_CHECK_PROGRESS
elif [ -t 2 ]; then PROGRESS=1; else PROGRESS=0; fi
[ -n "${EPOCHREALTIME:-}" ] || { echo "check: needs bash 5 or newer (EPOCHREALTIME)" >&2; exit 2; }
T0=${EPOCHREALTIME//[!0-9]/}

# usecs_to_s MICROSECONDS: "12.3" (tenths of a second).
usecs_to_s() { local t=$(($1 / 100000)); printf '%d.%d' $((t / 10)) $((t % 10)); }

# ---- the suites --------------------------------------------------------------------
# Suite i: SECTION[i] (the report's heading), LABEL[i], KIND[i] (cmocka,
# shell, browser, fuzz), ARG[i] (the program or script), CAIRN_OF[i] (the
# binary a script tests).  Their index is their place in the report.
SECTION=() LABEL=() KIND=() ARG=() CAIRN_OF=()
add_suite() {
    if [ -n "${CAIRN_CHECK_ONLY:-}" ] && ! printf '%s\n' "$2" | grep -qE "$CAIRN_CHECK_ONLY"; then return; fi
    SECTION+=("$1"); LABEL+=("$2"); KIND+=("$3"); ARG+=("$4"); CAIRN_OF+=("${5:-}")
}
for t in build/rel/tests/test_*; do
    [ -x "$t" ] && add_suite "unit tests (release)" "rel/$(basename "$t")" cmocka "$t"
done
for t in build/asan/tests/test_*; do
    [ -x "$t" ] && add_suite "unit tests (ASan + UBSan)" "asan/$(basename "$t")" cmocka "$t"
done
for s in tests/cli/test_*.sh; do
    [ -f "$s" ] || continue
    add_suite "command line and server" "cli/$(basename "$s" .sh)" shell "$s" build/rel/cairn
    add_suite "command line and server" "cli-asan/$(basename "$s" .sh)" shell "$s" build/asan/cairn
done
add_suite "browser (chromium)" "browser/pages" browser tests/browser/run.sh build/rel/cairn
for fz in build/fuzz/fuzz_*; do
    [ -x "$fz" ] && add_suite "fuzzing (${FUZZ_SECONDS}s per target)" "fuzz/$(basename "$fz")" fuzz "$fz"
done
N=${#LABEL[@]}

# QUEUE: the order the lanes take the suites in.  Longest first, so that
# the lanes end together: the browser and the ASan command-line tests (the
# slowest kinds), then the release ones, the unit tests, and last the fuzz
# targets (ten seconds each: they fill the end of whichever lane is free).
QUEUE=()
for pass in browser cli-asan/ cli/ asan/ rel/ fuzz/; do
    for ((i = 0; i < N; i++)); do
        case ${LABEL[i]} in "$pass"*) QUEUE+=("$i") ;; esac
    done
done
[ ${#QUEUE[@]} -eq "$N" ] || { echo "check: a suite has no place in QUEUE" >&2; exit 2; }

# ---- running one suite ---------------------------------------------------------------
# Each sets P and F (passed, failed) and, when something failed, writes
# what to show to the file $1.

# run_cmocka OUT BIN: one cmocka program.
run_cmocka() {
    local outf=$1 bin=$2 out rc
    out=$("$bin" 2>&1); rc=$?
    P=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    F=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    P=${P:-0}; F=${F:-0}
    if [ "$rc" -ne 0 ] && [ "$F" -eq 0 ]; then F=1; fi   # crashed or sanitizer stop
    if [ "$F" -ne 0 ]; then printf '%s\n' "$out" | tail -40 > "$outf"; fi
}

# run_shell OUT SCRIPT CAIRN: one shell test; it ends with its own
# "N passed, M failed" line.
run_shell() {
    local outf=$1 script=$2 cairn=$3 out rc
    out=$(CAIRN="$cairn" bash "$script" 2>&1); rc=$?
    P=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    F=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    P=${P:-0}; F=${F:-0}
    if [ "$rc" -ne 0 ] && [ "$F" -eq 0 ]; then F=1; fi
    if [ "$F" -ne 0 ]; then printf '%s\n' "$out" | grep -v '^ok ' | tail -40 > "$outf"; fi
}

# run_fuzz OUT TARGET: FUZZ_SECONDS of libFuzzer over a copy of the corpus.
run_fuzz() {
    local outf=$1 fz=$2 name work
    name=$(basename "$fz")
    work=$(mktemp -d)
    [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/"
    if "$fz" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
        P=1; F=0
    else
        P=0; F=1; tail -30 "$work.log" > "$outf"
    fi
    rm -rf "$work" "$work.log"
}

# run_suite I LANE: run suite I; its record "PASSED FAILED USECS LANE START"
# goes to $WORK/r.I (START: microseconds into the run), what a failure
# printed to $WORK/o.I.
run_suite() {
    local i=$1 lane=$2 t1 t2
    t1=${EPOCHREALTIME//[!0-9]/}
    P=0; F=0
    case ${KIND[i]} in
    cmocka)  run_cmocka "$WORK/o.$i" "${ARG[i]}" ;;
    shell)   run_shell "$WORK/o.$i" "${ARG[i]}" "${CAIRN_OF[i]}" ;;
    browser) if [ "$BROWSER_DEPS" = ok ]; then
                 run_shell "$WORK/o.$i" "${ARG[i]}" "${CAIRN_OF[i]}"
             else
                 P=0; F=1; echo "scripts/browser-deps.sh failed (its output is above)" > "$WORK/o.$i"
             fi ;;
    fuzz)    run_fuzz "$WORK/o.$i" "${ARG[i]}" ;;
    esac
    t2=${EPOCHREALTIME//[!0-9]/}
    echo "$P $F $((t2 - t1)) $lane $((t1 - T0))" > "$WORK/r.$i"
    if [ "$PROGRESS" = 1 ]; then
        printf '  lane %d  %-40s %4d passed %4d failed %7ss\n' "$lane" "${LABEL[i]}" "$P" "$F" \
               "$(usecs_to_s $((t2 - t1)))" >&2
    fi
}

# next_in_queue: print the next position in QUEUE (shared by the lanes,
# under a lock); non-zero when the queue is empty.
next_in_queue() {
    local k
    {
        flock 9
        k=$(cat "$WORK/next")
        echo $((k + 1)) > "$WORK/next"
    } 9> "$WORK/lock"
    [ "$k" -lt "$N" ] || return 1
    echo "$k"
}

# lane L: take suites from the queue until it is empty, with TMPDIR a
# directory of this lane's own.
lane() {
    local l=$1 k
    export TMPDIR="$WORK/tmp$l"
    mkdir -p "$TMPDIR"
    while k=$(next_in_queue); do
        run_suite "${QUEUE[k]}" "$l"
    done
}

# ---- PostgreSQL and the environment ------------------------------------------------------
WORK=$(mktemp -d /tmp/cairn-check.XXXXXX)
PGDIR=$(mktemp -d /tmp/cairn-pg.XXXXXX)
LANE_PIDS=""
if ! CAIRN_TEST_PG=$(scripts/pg-test.sh start "$PGDIR"); then
    echo "check: could not start PostgreSQL; see $PGDIR/server.log" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
export CAIRN_TEST_PG
trap 'scripts/pg-test.sh stop "$PGDIR" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
# Interrupted: stop each lane's process group (its suite and the suite's
# servers with it).
trap 'for p in $LANE_PIDS; do kill -TERM -- "-$p" 2>/dev/null; done; exit 130' INT TERM

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# XGBoost's OpenMP threads spin while waiting; on a busy 2-core machine that
# makes training many times slower.  Let them sleep instead.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

# The browser tests' npm packages: npm ci when node_modules is missing or
# stale, before the lanes start; a failure here is a failed check (the
# browser suite's), and run.sh itself fails (never skips) without chromium
# or node_modules.
if scripts/browser-deps.sh; then BROWSER_DEPS=ok; else BROWSER_DEPS=failed; fi

# ---- the run ----------------------------------------------------------------------------
echo "== $N suites in $LANES lane(s)"
echo 0 > "$WORK/next"
set -m                                      # each lane its own process group
for ((l = 1; l <= LANES; l++)); do
    lane "$l" &
    LANE_PIDS="$LANE_PIDS $!"
done
set +m
wait
LANE_PIDS=""

# ---- the report ---------------------------------------------------------------------------
PASSED=0 FAILED=0 FAILED_NAMES=() BUSY=() SLOW=""
section=""
for ((i = 0; i < N; i++)); do
    if [ "${SECTION[i]}" != "$section" ]; then section=${SECTION[i]}; echo "== $section"; fi
    if [ -f "$WORK/r.$i" ]; then
        read -r p f us l st < "$WORK/r.$i"
    else                                        # its lane died before it ended
        p=0 f=1 us=0 l=0 st=0
        echo "check: ${LABEL[i]} did not finish" > "$WORK/o.$i"
    fi
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    BUSY[l]=$(( ${BUSY[l]:-0} + us ))
    SLOW+="$us ${LABEL[i]}"$'\n'
    if [ "$f" -ne 0 ]; then
        FAILED_NAMES+=("${LABEL[i]}")
        [ -f "$WORK/o.$i" ] && cat "$WORK/o.$i"
    fi
    printf '%-40s %4d passed %4d failed %7ss  lane %d @%ss\n' "${LABEL[i]}" "$p" "$f" \
           "$(usecs_to_s "$us")" "$l" "$(usecs_to_s "$st")"
done

echo "== time"
for ((l = 1; l <= LANES; l++)); do
    printf 'lane %d: %ss of suites\n' "$l" "$(usecs_to_s "${BUSY[l]:-0}")"
done
echo "the ten slowest suites:"
printf '%s' "$SLOW" | sort -rn | head -10 | while read -r us name; do
    printf '  %-40s %7ss\n' "$name" "$(usecs_to_s "$us")"
done
T1=${EPOCHREALTIME//[!0-9]/}
echo "total: $(usecs_to_s $((T1 - T0)))s wall clock"

if [ ${#FAILED_NAMES[@]} -ne 0 ]; then
    echo "failed: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
