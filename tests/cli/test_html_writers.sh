#!/bin/bash
# tests/cli/test_html_writers.sh — pages are written only through the typed
# escaping writers of src/web/html.h (scripts/html-lint.sh).
#
#   bash tests/cli/test_html_writers.sh      (from the repository root)
#
# Runs the check over every C file of the web room, which must be clean,
# and over small fixtures that each break one rule, which it must refuse —
# so a check that stopped looking would fail here.
set -u
. "$(dirname "$0")/lib.sh" || exit 1

if out=$(sh scripts/html-lint.sh $(find src/web -name "*.c" | sort) 2>&1); then
    ok "every page in src/web is written through html.h"
else
    not_ok "every page in src/web is written through html.h"
    printf '%s\n' "$out" | sed 's/^/# /'
fi

# fixture NAME CODE: a C file with CODE in a page handler, as src/web would have it.
fixture() {
    printf '#include "web/html.h"\nvoid page_x(buf *b, const char *name, const char *fmt) {\n%s\n}\n' \
        "$2" > "$TMP/$1.c"
}
refused() {   # refused NAME EXPECTED-TEXT: the check fails on the fixture and says why
    local out
    if out=$(sh scripts/html-lint.sh "$TMP/$1.c" 2>&1); then return 1; fi
    printf '%s' "$out" | grep -q "$2"
}

fixture raw_puts '    buf_puts(b, name);'
check "a raw buf_puts into a page is refused" refused raw_puts "raw buf_ write"
fixture raw_printf '    buf_printf(b, "<p>%s</p>", name);'
check "a raw buf_printf into a page is refused" refused raw_printf "raw buf_ write"
fixture var_format '    html_printf(b, fmt, name);'
check "html_printf with a variable format is refused" refused var_format "variable format"
fixture marked '    /* not HTML: SQL text */
    buf_puts(b, "SELECT 1");'
check "a raw write marked as not HTML is accepted" sh scripts/html-lint.sh "$TMP/marked.c"
fixture typed '    html_printf(b, "<p>%T</p>", name);
    html_printf(b, T(L, "Sign in"));'
check "typed writes and msgid formats are accepted" sh scripts/html-lint.sh "$TMP/typed.c"

done_testing
