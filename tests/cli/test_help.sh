#!/bin/bash
# tests/cli/test_help.sh — one source for the command line's help.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_help.sh     (from the repository root)
#
# The commands are found independently of the binary, from the files
# src/cli/cmd_NAME.c (each defines the record cli_cmd_NAME).  Checks that
# every one answers --help with exit 0 and its usage, that `cairn help CMD`
# prints the same, that `cairn help` lists every one, that README.md's "The
# command line" block is exactly `cairn help --markdown`, and the exit
# status of wrong usage.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" last;
# the exit status is non-zero when anything failed.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
cd "$(dirname "$0")/../.."

need_cairn
case $CAIRN in /*) ;; *) CAIRN=$PWD/$CAIRN ;; esac
unset CAIRN_DB

NAMES=$(ls src/cli/cmd_*.c | sed 's|^src/cli/cmd_||; s|\.c$||')
n=$(echo "$NAMES" | wc -w)
check "src/cli/ holds the commands (found $n)" eval '[ "$n" -ge 11 ]'

"$CAIRN" help > "$TMP/help" 2>&1; rc=$?
check "cairn help exits 0" eval '[ $rc -eq 0 ]'
for name in $NAMES; do
    check "cmd_$name.c declares the record cli_cmd_$name named \"$name\"" \
        grep -qE "^const cli_command cli_cmd_$name = \{" "src/cli/cmd_$name.c"
    check "cmd_$name.c's record is named \"$name\"" \
        eval "grep -A1 '^const cli_command cli_cmd_$name = {' src/cli/cmd_$name.c | grep -q '^    \"$name\", '"
    check "cairn help lists $name" grep -qE "^  $name +[a-z]" "$TMP/help"
    "$CAIRN" "$name" --help > "$TMP/$name.help" 2> "$TMP/$name.err"; rc=$?
    check "cairn $name --help exits 0" eval '[ $rc -eq 0 ]'
    check "cairn $name --help prints its usage on stdout" \
        eval "head -1 '$TMP/$name.help' | grep -q '^usage: cairn $name' && [ ! -s '$TMP/$name.err' ]"
    "$CAIRN" help "$name" > "$TMP/$name.help2" 2>&1
    check "cairn help $name prints the same as cairn $name --help" cmp -s "$TMP/$name.help" "$TMP/$name.help2"
done
listed=$(grep -cE '^  [a-z]+ ' "$TMP/help")
check "cairn help lists only these commands ($listed listed, $n files)" eval '[ "$listed" -eq "$n" ]'

# The README's block: the indented lines after "## The command line" and its blank line.
awk 'state == 0 { if ($0 == "## The command line") state = 1; next }
     state == 1 { state = 2; next }
     state == 2 { if ($0 !~ /^    /) exit; print }' README.md > "$TMP/readme.block"
"$CAIRN" help --markdown > "$TMP/markdown"; rc=$?
check "cairn help --markdown exits 0" eval '[ $rc -eq 0 ]'
if cmp -s "$TMP/readme.block" "$TMP/markdown"; then
    ok "README.md's command list is cairn help --markdown"
else
    not_ok "README.md's command list differs from cairn help --markdown (run scripts/readme-commands.sh)"
    diff "$TMP/readme.block" "$TMP/markdown" | sed 's/^/# /'
fi
for name in $NAMES; do
    check "README.md lists $name" grep -qE "^    cairn $name " README.md
done

# The drift issue 8 names: the user summary and usage name every action.
for action in add passwd role disable enable list demo-accounts token; do
    check "cairn help's user line names $action" grep -qE "^  user .*\b$action\b" "$TMP/help"
    check "cairn user --help names $action" grep -qE "cairn user $action( |$)" "$TMP/user.help"
done

"$CAIRN" > "$TMP/none" 2>&1; rc=$?
check "no command exits 2 and lists the commands" eval '[ $rc -eq 2 ] && grep -q "^  init " "$TMP/none"'
"$CAIRN" frobnicate > "$TMP/unk" 2>&1; rc=$?
check "an unknown command exits 2 and says so" eval '[ $rc -eq 2 ] && grep -q "unknown command \"frobnicate\"" "$TMP/unk"'
"$CAIRN" help frobnicate > "$TMP/unk2" 2>&1; rc=$?
check "cairn help NOSUCH exits 2" eval '[ $rc -eq 2 ] && grep -q "no command \"frobnicate\"" "$TMP/unk2"'
"$CAIRN" init --frobnicate > "$TMP/badopt" 2>&1; rc=$?
check "an unknown option exits 2 with the usage" eval '[ $rc -eq 2 ] && grep -q "^usage: cairn init" "$TMP/badopt"'
"$CAIRN" --version > "$TMP/version" 2>&1; rc=$?
check "cairn --version exits 0" eval '[ $rc -eq 0 ] && grep -qE "^cairn [0-9]+\.[0-9]+" "$TMP/version"'

done_testing
