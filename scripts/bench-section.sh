#!/bin/bash
# scripts/bench-section.sh FILE TITLE TEXT — replace the "## TITLE" section of
# FILE (up to the next "## ") with TEXT, or append it; creates FILE if needed.
set -euo pipefail
file=$1 title=$2 text=$3
[ -f "$file" ] || printf '# Benchmarks\n\nFigures written by the programs under `bench/` (`make bench`).\nEach compares cairn with a peer measured in the same run on the same machine.\n' >"$file"
tmp=$(mktemp)
awk -v t="## $title" -v body="$text" '
    $0 == t { skip = 1; print body; print ""; done = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }
    END { if (!done) { print ""; print body } }
' "$file" >"$tmp"
mv "$tmp" "$file"
