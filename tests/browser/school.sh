# tests/browser/school.sh — the demo school the browser tests and the
# screenshots use.  Sourced (after tests/cli/lib.sh, for $CAIRN and $TMP)
# by tests/browser/run.sh and scripts/screenshots.sh.
#
#   browser_school DB      a demo school of 200 learners in DB, scored at
#                          three dates as tests/cli/test_pages.sh does, with
#                          the demo accounts and a trained model (cairn
#                          train); the accounts' table goes to
#                          $TMP/setup.out, errors to $TMP/setup.err.
#                          Non-zero on failure.  Sets ACCOUNTS to JSON:
#                          {"leader":{"password":"...","role":"school_leader"},...}
# shellcheck shell=bash

browser_school() {
    local db=$1
    { "$CAIRN" demo --db "$db" --today 2025-03-14 --learners 200 &&
      "$CAIRN" score --db "$db" --asof 2025-03-14 &&
      "$CAIRN" score --db "$db" --asof 2025-02-14 &&
      "$CAIRN" score --db "$db" --asof 2025-01-17 &&
      "$CAIRN" user demo-accounts --db "$db"; } > "$TMP/setup.out" 2> "$TMP/setup.err" || return 1
    # a trained model, for the model page (after scoring: the scores stay
    # those of the rules, as in tests/cli/test_pages.sh)
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "$CAIRN" train --db "$db" > "$TMP/train.out" 2>> "$TMP/setup.err" || return 1
    # The table `cairn user demo-accounts` prints after "Demo accounts ...":
    #   "  leader     cairn-demo-principal      school_leader  staff ..."
    ACCOUNTS=$(awk '/^Demo accounts/ { on = 1; next }
                    on && $1 != "user" && NF >= 3 {
                        printf "%s\"%s\":{\"password\":\"%s\",\"role\":\"%s\"}", n++ ? "," : "{", $1, $2, $3 }
                    END { print n ? "}" : "{}" }' "$TMP/setup.out")
    case $ACCOUNTS in *'"leader"'*'"teacher"'*) return 0 ;; esac
    echo "the demo accounts were not listed" >> "$TMP/setup.err"
    return 1
}
