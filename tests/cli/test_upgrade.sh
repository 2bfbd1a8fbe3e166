#!/bin/bash
# tests/cli/test_upgrade.sh — a database made by cairn 0.1.0 upgrades with
# `cairn init` and loses nothing.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_upgrade.sh      (from the repository root)
#
# Copies tests/fixtures/upgrade/cairn-0.1.0.db (see its README.md), runs
# `cairn init` on the copy and checks: every table of the fixture is still
# there with the same rows (counted, and compared row by row; the rows of
# schema_migration are all kept, new ones may join them); the hash chain of
# the audit log verifies (recomputed here in Python from the layout in the
# audit log's header, so a change to that layout is caught too; the
# verifier is shown to refuse a tampered copy), and the log still refuses
# UPDATE; the schema is exactly that of a new database; a second `cairn init` applies nothing; served, the learner API
# (with the fixture's API token) shows the acknowledgement with its comment
# and the current key workers; the upgraded database takes a new key-worker
# change and new audit events, and the chain still verifies after them.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

FIXTURE="$(dirname "$0")/../fixtures/upgrade/cairn-0.1.0.db"
TOKEN=cairn_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
db="$TMP/upgrade.db"
cp "$FIXTURE" "$db"
q() { sqlite3 "$db" "$1"; }

# cols TABLE: the columns compared before and after: all but those a later
# migration legitimately fills or seals (web 3 gives API tokens a public id
# and, where they had none, an expiry; audit 2 adds the record and reason
# columns; cairn init seals the acknowledgements' comments: each checked on
# its own below).
cols() {
    case "$1" in
    api_token) echo "token_hash, account_id, name, created_at, last_used_at" ;;
    audit_event) echo "institution_id, id, at, account_id, action, learner_id, detail, prev_hash, hash" ;;
    flag_acknowledgement) echo "institution_id, id, learner_id, rule_code, asof, account_id, at" ;;
    *) echo "*" ;;
    esac
}

# snapshot FILE: one line per table (name, count, digest of its sorted rows)
# into FILE; schema_migration's rows go to FILE.migrations.
snapshot() {
    local t
    : > "$1"
    for t in $(q "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migration'
                  ORDER BY name"); do
        printf '%s %s %s\n' "$t" "$(q "SELECT count(*) FROM \"$t\"")" \
            "$(sqlite3 -quote "$db" "SELECT $(cols "$t") FROM \"$t\"" | sort | sha256sum | cut -c1-16)" >> "$1"
    done
    sqlite3 -quote "$db" "SELECT * FROM schema_migration" | sort > "$1.migrations"
}

# chain_ok DB: the audit chain of every institution in DB verifies.
chain_ok() {
    python3 - "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (inst,) in db.execute("SELECT DISTINCT institution_id FROM audit_event"):
    prev, want_id = "0" * 64, 1
    for (i, at, acc, action, learner, detail, p, h) in db.execute(
            "SELECT id, at, account_id, action, learner_id, detail, prev_hash, hash"
            " FROM audit_event WHERE institution_id = ? ORDER BY id", (inst,)):
        a, d = action.encode(), detail.encode()
        text = ("cairn-audit-v1\n%s\n%d\n%d\n%s\n%d\n" % (prev, inst, i, at, acc or 0)).encode() \
            + b"%d:" % len(a) + a + b"\n%d\n" % (learner or 0) + b"%d:" % len(d) + d
        if i != want_id or p != prev or hashlib.sha256(text).hexdigest() != h:
            sys.exit("institution %d: event %d does not verify" % (inst, i))
        prev, want_id = h, i + 1
PY
}

snapshot "$TMP/before"
check "the fixture has every table of 0.1.0's web room, with rows" \
    bash -c "for t in web_session api_token login_attempt support_assignment learner_share \
             flag_acknowledgement audit_event; do grep -q \"^\$t [1-9]\" '$TMP/before' || exit 1; done"
check "the fixture's audit chain verifies" chain_ok "$db"
cp "$db" "$TMP/tampered.db"
sqlite3 "$TMP/tampered.db" "DROP TRIGGER audit_event_no_update;
    UPDATE audit_event SET detail = 'changed' WHERE id = 2" 2> /dev/null
chain_refused() { ! chain_ok "$1" 2> /dev/null; }
check "...and the verifier refuses a tampered copy" chain_refused "$TMP/tampered.db"

ack_learner=$(q "SELECT learner_id FROM flag_acknowledgement ORDER BY id LIMIT 1")
ack_comment=$(q "SELECT comment FROM flag_acknowledgement ORDER BY id LIMIT 1")
kw_of() { q "SELECT staff_id FROM support_assignment WHERE learner_id = $1 AND ended_at IS NULL"; }
ack_kw=$(kw_of "$ack_learner")
moved=$(q "SELECT learner_id FROM support_assignment WHERE ended_at IS NOT NULL LIMIT 1")
moved_kw=$(kw_of "$moved")
moved_old=$(q "SELECT staff_id FROM support_assignment WHERE learner_id = $moved AND ended_at IS NOT NULL")

if "$CAIRN" init --db "$db" > "$TMP/init1.out" 2> "$TMP/init1.err"; then
    ok "cairn init upgrades the 0.1.0 database: $(cat "$TMP/init1.out")"
else
    not_ok "cairn init upgrades the 0.1.0 database"; sed 's/^/# /' "$TMP/init1.err"
fi
snapshot "$TMP/after"
check "web 3 gives every old API token a public id and an expiry" \
    [ "$(q "SELECT count(*) FROM api_token WHERE public_id = substr(token_hash, 1, 12)
             AND expires_at > CAST(strftime('%s', 'now') AS INTEGER) + 89 * 86400")" = \
      "$(q "SELECT count(*) FROM api_token")" ]
check "every table has the same rows after the upgrade" \
    bash -c "grep -Fxvf '$TMP/after' '$TMP/before' | sed 's/^/# lost or changed: /'; \
             ! grep -Fxqvf '$TMP/after' '$TMP/before'"
check "...and schema_migration kept its rows" \
    bash -c "! grep -Fxvf '$TMP/after.migrations' '$TMP/before.migrations' | grep -q ."
check "the audit chain still verifies" chain_ok "$db"
ack_ref=$(q "SELECT l.ref FROM learner l WHERE l.id = $ack_learner")
check "the acknowledgements' comments are sealed at rest now" \
    bash -c "[ \"\$(sqlite3 '$db' 'SELECT count(*) FROM flag_acknowledgement WHERE comment NOT LIKE \"s1:%\"')\" = 0 ] && ! sqlite3 '$db' .dump | grep -qF \"\$(printf '%s' '$ack_comment' | head -c 40)\""
check "...and open to what was written" \
    bash -c "'$CAIRN' export --db '$db' --format json subject '$ack_ref' | grep -qF \"\$(printf '%s' '$ack_comment' | head -c 40)\""
check "...and the audit log still refuses UPDATE" \
    bash -c "! sqlite3 '$db' \"UPDATE audit_event SET detail = 'x' WHERE id = 1\" 2> /dev/null"
"$CAIRN" user list --db "$TMP/fresh.db" > /dev/null 2>&1   # a new database, every room migrated
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"; }
schema "$db" > "$TMP/schema.upgraded"
schema "$TMP/fresh.db" > "$TMP/schema.fresh"
check "the upgraded schema is the one a new database gets (tables, indexes, triggers)" \
    bash -c "[ -s '$TMP/schema.fresh' ] && cmp -s '$TMP/schema.upgraded' '$TMP/schema.fresh'"
diff "$TMP/schema.upgraded" "$TMP/schema.fresh" | sed 's/^/# /' | head -10

"$CAIRN" init --db "$db" > "$TMP/init2.out" 2>&1
check "a second cairn init applies nothing" grep -q "(0 migrations applied)" "$TMP/init2.out"
check "...and records nothing" \
    bash -c "[ \"\$(sqlite3 -quote '$db' 'SELECT * FROM schema_migration' | sort)\" = \"\$(cat '$TMP/after.migrations')\" ]"

serve_or_stop "$db"
# jq_py EXPR: evaluate a Python expression over the last body, bound to j.
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/body"; }
api() { http "$BASE/api/v1$1" -H "Authorization: Bearer $TOKEN" "${@:2}"; }

code=$(api "/learners/$ack_learner")
check "the fixture's API token still works (200)" [ "$code" = 200 ]
check "...the learner API shows the acknowledgement and its comment" \
    bash -c "[ \"\$(python3 -c \"import json; print(json.load(open('$TMP/body'))['acknowledgements'][0]['comment'])\")\" = '$ack_comment' ]"
check "...and the key worker" [ "$(jq_py "j['key_worker']['staff_id']")" = "$ack_kw" ]
code=$(api "/learners/$moved")
check "a changed key worker is still the current one" \
    bash -c "[ $code = 200 ] && [ \"$(jq_py "j['key_worker']['staff_id']")\" = '$moved_kw' ]"
rows=$(q "SELECT count(*) FROM support_assignment")
code=$(api "/learners/$moved/key-worker" -X POST -H 'Content-Type: application/json' \
       --data-binary "{\"staff_id\":$moved_old}")
check "the upgraded database takes a key-worker change (200)" \
    bash -c "[ $code = 200 ] && [ \"\$(sqlite3 '$db' 'SELECT staff_id FROM support_assignment WHERE learner_id = $moved AND ended_at IS NULL')\" = '$moved_old' ]"
check "...reopening the earlier row, not adding one" \
    [ "$(q "SELECT count(*) FROM support_assignment")" = "$rows" ]
stop_server
events_before=$(grep '^audit_event ' "$TMP/before" | cut -d' ' -f2)
check "new audit events join the old chain" [ "$(q "SELECT count(*) FROM audit_event")" -gt "$events_before" ]
check "...and the whole chain, old events and new, verifies (cairn audit verify)" \
    "$CAIRN" audit --db "$db" verify

done_testing
