#!/bin/sh
# scripts/run-demo.sh — what `make run` does after building: create the
# database and the demo school if there is none, the demo accounts (and
# print them), then serve it.
#
# CAIRN_DB (default ./cairn.db) and CAIRN_LISTEN (default 127.0.0.1:8080)
# are honoured.
set -eu
CAIRN=${CAIRN:-build/rel/cairn}
DB=${CAIRN_DB:-./cairn.db}
LISTEN=${CAIRN_LISTEN:-127.0.0.1:8080}

"$CAIRN" init --db "$DB"
"$CAIRN" demo --db "$DB" --if-empty
# One account per role (admin, leader, keyworker, teacher) with public demo
# passwords; printed every time, left as they are when they exist.
"$CAIRN" user demo-accounts --db "$DB"
echo "cairn: serving $DB on http://$LISTEN/  (Ctrl-C stops it; sign in at http://$LISTEN/login)"
exec "$CAIRN" serve --db "$DB" --listen "$LISTEN"
