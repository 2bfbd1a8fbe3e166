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
# The last line is "N passed, N failed"; the exit status is 0 only when
# nothing failed.
set -u
cd "$(dirname "$0")/.."

PASSED=0
FAILED=0
FAILED_NAMES=()
FUZZ_SECONDS=${CAIRN_FUZZ_SECONDS:-10}

note_fail() { FAILED_NAMES+=("$1"); }

# Run one cmocka program; add its counts.
run_cmocka() {
    local bin=$1 label=$2 out rc p f
    out=$("$bin" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer stop
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    if [ "$f" -ne 0 ]; then
        note_fail "$label"
        printf '%s\n' "$out" | tail -40
    fi
    printf '%-40s %4d passed %4d failed\n' "$label" "$p" "$f"
}

# Run one shell test; it ends with its own "N passed, M failed" line.
run_shell() {
    local script=$1 label=$2 cairn=$3 out rc p f
    out=$(CAIRN="$cairn" bash "$script" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    if [ "$f" -ne 0 ]; then
        note_fail "$label"
        printf '%s\n' "$out" | grep -v '^ok ' | tail -40
    fi
    printf '%-40s %4d passed %4d failed\n' "$label" "$p" "$f"
}

# ---- PostgreSQL ----------------------------------------------------------
PGDIR=$(mktemp -d /tmp/cairn-pg.XXXXXX)
if ! CAIRN_TEST_PG=$(scripts/pg-test.sh start "$PGDIR"); then
    echo "check: could not start PostgreSQL; see $PGDIR/server.log" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
export CAIRN_TEST_PG
trap 'scripts/pg-test.sh stop "$PGDIR" >/dev/null 2>&1' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# XGBoost's OpenMP threads spin while waiting; on a busy 2-core machine that
# makes training many times slower.  Let them sleep instead.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

echo "== unit tests (release)"
for t in build/rel/tests/test_*; do [ -x "$t" ] && run_cmocka "$t" "rel/$(basename "$t")"; done
echo "== unit tests (ASan + UBSan)"
for t in build/asan/tests/test_*; do [ -x "$t" ] && run_cmocka "$t" "asan/$(basename "$t")"; done
echo "== command line and server"
for s in tests/cli/test_*.sh; do
    [ -f "$s" ] || continue
    run_shell "$s" "cli/$(basename "$s" .sh)" build/rel/cairn
    run_shell "$s" "cli-asan/$(basename "$s" .sh)" build/asan/cairn
done
echo "== browser (chromium)"
# npm ci when node_modules is missing or stale; a failure here is a failed
# check, and run.sh itself fails (never skips) without chromium or node_modules.
if scripts/browser-deps.sh; then
    run_shell tests/browser/run.sh "browser/pages" build/rel/cairn
else
    FAILED=$((FAILED + 1)); note_fail "browser/deps"
    printf '%-40s %4d passed %4d failed\n' "browser/deps (scripts/browser-deps.sh)" 0 1
fi
echo "== fuzzing (${FUZZ_SECONDS}s per target)"
for fz in build/fuzz/fuzz_*; do
    [ -x "$fz" ] || continue
    name=$(basename "$fz")
    work=$(mktemp -d)
    [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/"
    if "$fz" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
        PASSED=$((PASSED + 1)); printf '%-40s    1 passed    0 failed\n' "fuzz/$name"
    else
        FAILED=$((FAILED + 1)); note_fail "fuzz/$name"
        tail -30 "$work.log"
        printf '%-40s    0 passed    1 failed\n' "fuzz/$name"
    fi
    rm -rf "$work" "$work.log"
done

if [ ${#FAILED_NAMES[@]} -ne 0 ]; then
    echo "failed: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
