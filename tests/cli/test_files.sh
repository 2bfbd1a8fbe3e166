#!/usr/bin/env bash
# tests/cli/test_files.sh — the files cairn creates are readable by their
# owner only: the SQLite database and its -wal / -shm files are 0600
# whatever the umask (`cairn init`, `cairn demo`, `cairn serve` on a new
# file), and an existing file keeps the mode it has.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_files.sh
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn

# mode FILE: the file's permission bits in octal, "none" if it is missing.
mode() { if [ -e "$1" ]; then stat -c %a "$1"; else echo none; fi; }

# expect_mode WHAT FILE WANT
expect_mode() {
    local got
    got=$(mode "$2")
    if [ "$got" = "$3" ]; then ok "$1 is $3"; else not_ok "$1 is $3 (got $got)"; fi
}

umask 022
"$CAIRN" init --db "$TMP/init.db" >/dev/null 2>&1
expect_mode "cairn init: the database" "$TMP/init.db" 600

umask 000
"$CAIRN" demo --db "$TMP/demo.db" --learners 30 >/dev/null 2>&1
expect_mode "cairn demo (umask 000): the database" "$TMP/demo.db" 600

# While a server holds the database open, its -wal and -shm files exist.
umask 022
serve_or_stop "$TMP/serve.db"
expect_mode "cairn serve on a new file: the database" "$TMP/serve.db" 600
expect_mode "cairn serve on a new file: the -wal file" "$TMP/serve.db-wal" 600
expect_mode "cairn serve on a new file: the -shm file" "$TMP/serve.db-shm" 600
stop_server

# An existing file keeps its mode.
: > "$TMP/old.db"
chmod 640 "$TMP/old.db"
"$CAIRN" init --db "$TMP/old.db" >/dev/null 2>&1
expect_mode "cairn init on an existing file keeps its mode" "$TMP/old.db" 640

done_testing
