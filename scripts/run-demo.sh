#!/bin/sh
# scripts/run-demo.sh — what `make run` does after building: create the
# database and the demo school if there is none, then serve it.
#
# CAIRN_DB (default ./cairn.db) and CAIRN_LISTEN (default 127.0.0.1:8080)
# are honoured.
set -eu
CAIRN=${CAIRN:-build/rel/cairn}
DB=${CAIRN_DB:-./cairn.db}
LISTEN=${CAIRN_LISTEN:-127.0.0.1:8080}

"$CAIRN" init --db "$DB"
"$CAIRN" demo --db "$DB" --if-empty
echo "cairn: serving $DB on http://$LISTEN/  (Ctrl-C stops it)"
exec "$CAIRN" serve --db "$DB" --listen "$LISTEN"
