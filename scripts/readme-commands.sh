#!/bin/sh
# scripts/readme-commands.sh — rewrite README.md's "The command line" block
# from the commands' own records (`cairn help --markdown`).
#
#   scripts/readme-commands.sh [path/to/cairn]      (default build/rel/cairn)
#
# The block is the indented lines right after the heading "## The command
# line" and its blank line; tests/cli/test_help.sh fails when they differ.
set -eu
CAIRN=${1:-build/rel/cairn}
cd "$(dirname "$0")/.."
new=$(mktemp)
trap 'rm -f "$new" "$new.block"' EXIT
"$CAIRN" help --markdown > "$new.block"
awk -v block="$new.block" '
    state == 0 { print; if ($0 == "## The command line") state = 1; next }
    state == 1 { print; if ($0 == "") state = 2; next }      # the blank line after the heading
    state == 2 { if ($0 ~ /^    /) next                     # the old block
                 while ((getline l < block) > 0) print l
                 state = 3 }
    { print }
' README.md > "$new"
cp "$new" README.md
echo "README.md: the command line block rewritten from $CAIRN help --markdown"
