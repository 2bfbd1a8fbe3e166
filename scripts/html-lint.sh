#!/bin/sh
# scripts/html-lint.sh — the test-time check that pages are written only
# through the typed escaping writers of src/web/html.h.
#
#   scripts/html-lint.sh FILE.c...     prints "FILE:LINE: what" per finding;
#                                       exit status 1 if there was any
#
# Two rules, for the C files of the web room (html.c itself, the writer, is
# not given to it):
#
#   1. No raw write into a buffer — buf_append, buf_puts, buf_putc,
#      buf_printf, buf_vprintf — unless the line (or the line before it)
#      says why it is not HTML with a comment "/* not HTML: ... */" (SQL
#      text, a JSON document from jansson, a plain-text answer, a string
#      that is escaped later through %T).  Files that never write a page
#      (their names are listed below) are exempt.
#   2. The format of html_printf / html_vprintf is a string literal, a
#      T()/TN()/TC()/TNC() msgid, or a choice between literals — never a
#      variable, which could smuggle in a runtime string as markup.
#
# tests/cli/test_html_writers.sh runs it over src/web/*.c and over fixtures
# that break each rule (so the check itself is shown to fail).
set -eu
LC_ALL=C
export LC_ALL
[ $# -ge 1 ] || { echo "usage: scripts/html-lint.sh FILE.c..." >&2; exit 2; }

status=0
for f in "$@"; do
    case "$(basename "$f")" in
        html.c) continue ;;                        # the writer itself
        access.c|audit.c|i18n.c|api.c) raw_ok=1 ;; # SQL, hash input, JSON: no pages
        *) raw_ok=0 ;;
    esac
    awk -v raw_ok="$raw_ok" -v file="$f" '
        { line = $0 }
        /\/\*/ && /not HTML/ { marked[NR] = 1 }
        # rule 1: raw buffer writes
        raw_ok == 0 && line ~ /(^|[^A-Za-z0-9_])buf_(append|puts|putc|printf|vprintf)[ \t]*\(/ {
            if (!marked[NR] && !marked[NR - 1]) {
                print file ":" NR ": a raw buf_ write outside html.h; write HTML through html_printf/html_text, or mark a non-HTML use with /* not HTML: why */"
                bad++
            }
        }
        # rule 2: html_printf(b, VARIABLE, ...)
        line ~ /html_v?printf[ \t]*\([^,()]*,[ \t]*[A-Za-z_][A-Za-z0-9_.>-]*[ \t]*[,)]/ {
            s = line
            sub(/.*html_v?printf[ \t]*\([^,()]*,[ \t]*/, "", s)
            sub(/[ \t]*[,)].*/, "", s)
            if (s !~ /^(T|TN|TC|TNC)$/) {
                print file ":" NR ": html_printf with a variable format (" s "); the format must be a literal or a msgid"
                bad++
            }
        }
        END { exit bad > 0 }
    ' "$f" || status=1
done
exit $status
