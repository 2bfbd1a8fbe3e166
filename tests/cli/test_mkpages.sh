#!/bin/bash
# tests/cli/test_mkpages.sh — tools/mkpages.c, the generator of the web room's
# page table (docs/decisions.md, "Pages are declared once").
#
#   bash tests/cli/test_mkpages.sh      (from the repository root)
#
# Builds the generator with the host cc, runs it over the tree (must pass),
# the tree plus tests/fixtures/mkpages/good.c (must pass), and the tree plus
# each other fixture, which breaks one rule: each must fail, naming
# FILE:LINE of its last WEBPAGE record.  Ends with "N passed, M failed".
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1

MK="$TMP/mkpages"
if ! ${HOST_CC:-cc} -std=c17 -O2 -Wall -Wextra -Werror -o "$MK" tools/mkpages.c 2> "$TMP/cc.err"; then
    not_ok "tools/mkpages.c builds"
    sed 's/^/# /' "$TMP/cc.err"
    done_testing
fi
ok "tools/mkpages.c builds"

mapfile -t TREE < <(find src/web -name '*.c' | sort)
run_mk() { "$MK" pages "$TMP/pages.c" "$TMP/pages.h" docs/openapi.yaml "$@" 2> "$TMP/err"; }

if run_mk "${TREE[@]}"; then ok "the tree's records pass"
else not_ok "the tree's records pass"; sed 's/^/# /' "$TMP/err"; fi
check "the table has the learner page" grep -q '"/learners/{id}", page_learner,' "$TMP/pages.c"
check "the prototypes name the handlers" grep -q '^void page_learner(struct web_ctx \*c);' "$TMP/pages.h"

FIX=tests/fixtures/mkpages
if run_mk "${TREE[@]}" "$FIX/good.c"; then ok "a correct record passes"
else not_ok "a correct record passes"; sed 's/^/# /' "$TMP/err"; fi

for f in no_access unknown_role unknown_body duplicate bad_pattern unknown_param \
         no_definition api_undocumented; do
    file="$FIX/$f.c"
    line=$(grep -n 'WEBPAGE:' "$file" | tail -1 | cut -d: -f1)
    rm -f "$TMP/pages.c"
    if run_mk "${TREE[@]}" "$file"; then
        not_ok "$f: the build fails"
    elif grep -q "^$file:$line: " "$TMP/err" && [ ! -f "$TMP/pages.c" ]; then
        ok "$f: fails naming $file:$line ($(head -1 "$TMP/err" | cut -d' ' -f2- | cut -c1-60))"
    else
        not_ok "$f: fails naming $file:$line"
        sed 's/^/# /' "$TMP/err"
    fi
done

done_testing
