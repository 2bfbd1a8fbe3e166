#!/bin/bash
# tests/cli/test_include_order.sh — a room includes only rooms to its left
# in DESIGN.md's order (scripts/lint/include_order.py).
#
#   bash tests/cli/test_include_order.sh      (from the repository root)
#
# The check must pass on src/ and must fail on the fixture tree
# tests/fixtures/include-order/bad/src naming exactly the lines marked
# "BAD" there; tests/fixtures/include-order/good/src must pass.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
CHECK="python3 scripts/lint/include_order.py"
FIX=tests/fixtures/include-order

if out=$($CHECK src 2>&1); then
    ok "every #include in src/ names a room to the left of its own"
else
    not_ok "every #include in src/ names a room to the left of its own"
    printf '%s\n' "$out" | sed 's/^/# /'
fi

# The findings on the bad tree are exactly the BAD lines, as FILE:LINE.
bad_lines_named() {
    local out want got
    if out=$($CHECK "$FIX/bad/src" 2>&1); then echo "# the bad tree passed"; return 1; fi
    want=$(grep -rn 'BAD' "$FIX/bad/src" | cut -d: -f1,2 | sort)
    got=$(printf '%s\n' "$out" | cut -d: -f1,2 | sort)
    if [ "$want" != "$got" ]; then
        echo "# wanted:"; printf '%s\n' "$want" | sed 's/^/#   /'
        echo "# got:"; printf '%s\n' "$out" | sed 's/^/#   /'
        return 1
    fi
}
check "the bad tree fails, naming each bad include by file and line" bad_lines_named
check "the findings name the include and both rooms" bash -c \
    "$CHECK $FIX/bad/src | grep 'school/people.c:4: #include \"risk/model.h\": school may include only base, store, school; risk is to its right' >/dev/null"
check "the good tree passes (main.c is cli, web/support/ is web, gen/ is web, local.h resolved)" \
    $CHECK "$FIX/good/src"

done_testing
