#!/bin/bash
# tests/cli/test_html_writers.sh — pages and JSON are written only through
# the typed writers (scripts/lint/writers.py, a C-aware check).
#
#   bash tests/cli/test_html_writers.sh      (from the repository root)
#
# The check must pass on every .c file under src/web at any depth, and must
# fail on each fixture of tests/fixtures/html-lint/bad naming exactly the
# lines marked "BAD: text" there, each with its text, so a check that
# stopped looking (or started guessing) fails here.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
LINT="python3 scripts/lint/writers.py"
FIX=tests/fixtures/html-lint

if out=$($LINT src/web 2>&1); then
    ok "every page and JSON answer in src/web is written through the typed writers"
else
    not_ok "every page and JSON answer in src/web is written through the typed writers"
    printf '%s\n' "$out" | sed 's/^/# /'
fi

# refused FILE: the check fails on FILE, names every "BAD:" line with its
# text, and names no other line.
refused() {
    local f=$1 out want got line text
    if out=$($LINT "$f" 2>&1); then echo "# passed: $f"; return 1; fi
    want=$(grep -n 'BAD:' "$f" | cut -d: -f1 | sort -n | tr '\n' ' ')
    got=$(printf '%s\n' "$out" | sed -n "s|^$f:\([0-9]*\): .*|\1|p" | sort -nu | tr '\n' ' ')
    if [ "$want" != "$got" ]; then
        echo "# $f: wanted findings on lines $want, got $got"
        printf '%s\n' "$out" | sed 's/^/#   /'
        return 1
    fi
    while IFS= read -r line; do
        text=$(sed -n "${line}s/.*BAD: \(.*[^ ]\) *\*\/.*/\1/p" "$f")
        if ! printf '%s\n' "$out" | grep "^$f:$line: " | grep -qF "$text"; then
            echo "# $f:$line: no finding says \"$text\""
            printf '%s\n' "$out" | sed 's/^/#   /'
            return 1
        fi
    done < <(grep -n 'BAD:' "$f" | cut -d: -f1)
}

n=0
for f in "$FIX"/bad/*.c; do
    n=$((n + 1))
    check "refused, naming its lines: $f" refused "$f"
done
check "there are fixtures that break the rules" test "$n" -ge 9
for f in "$FIX"/good/*.c; do
    check "accepted: $f" $LINT "$f"
done
check "a file two folders down is found when the check is given a folder" \
    bash -c "out=\$($LINT $FIX/deep); [ \$? -eq 1 ] && printf '%s\n' \"\$out\" | grep '^$FIX/deep/room/deep_page.c:5: ' >/dev/null"
check "the old entry point runs the same check" bash -c "! sh scripts/html-lint.sh $FIX/bad/raw_write.c >/dev/null"

done_testing
