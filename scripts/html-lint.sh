#!/bin/sh
# scripts/html-lint.sh — the check that pages and JSON are written only
# through the typed writers (web/html.h, jansson's json_pack).  A wrapper
# kept for its old name: the check is scripts/lint/writers.py, which reads
# the C (see its opening comment for the rules).
#
#   scripts/html-lint.sh [FILE.c | DIR]...   default: every .c under src/web
#                                            prints "FILE:LINE: what" per
#                                            finding; exit status 1 if any
exec python3 "$(dirname "$0")/lint/writers.py" "$@"
