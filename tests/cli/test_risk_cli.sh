#!/bin/bash
# tests/cli/test_risk_cli.sh — early warning on the command line: `cairn score`,
# `cairn train`, `cairn evaluate`.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_risk_cli.sh     (from the repository root)
#
# A demo school in a temp dir: scored with the rules only (flags with
# reasons), trained (a model version with its card), scored again
# (probabilities, tiers), evaluated (ROC AUC of rules and model); the
# learned model on the public UCI dropout table, its columns described by
# tests/fixtures/tabular/uci-dropout.columns (5-fold ROC AUC against the
# peer's figure); a table with its description file beside it; bad input gives exit status 2 (usage) or 1 (failed) with a
# message that says what is wrong.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" last;
# the exit status is non-zero when anything failed.
set -u
. "$(dirname "$0")/lib.sh" || exit 1
cd "$(dirname "$0")/../.."

need_cairn
case $CAIRN in /*) ;; *) CAIRN=$PWD/$CAIRN ;; esac
unset CAIRN_DB

DB=$TMP/school.db
ASOF=2026-03-02            # a school day in the demo's second year
UCI=${CAIRN_UCI_DROPOUT:-../shared/data/uci-dropout/data.csv}
UCI_COLUMNS=tests/fixtures/tabular/uci-dropout.columns
UCI_PEER=0.927             # the peer's ROC AUC with all columns (scikit-learn + XGBoost)
UCI_FLOOR=$UCI_PEER        # match or beat the peer (see docs/risk.md for the figures)

# run NAME cairn-args...: run cairn, keep stdout/stderr in $TMP/NAME.{out,err}, set RC.
run() {
    local name=$1; shift
    "$CAIRN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
}
# expect_rc NAME WANT DESCRIPTION
expect_rc() {
    if [ "$RC" -eq "$2" ]; then ok "$3"
    else not_ok "$3 (exit $RC, want $2; stderr: $(head -c 300 "$TMP/$1.err"))"; fi
}
# has NAME out|err PATTERN DESCRIPTION: the output matches the extended regex.
has() {
    if grep -Eq -- "$3" "$TMP/$1.$2"; then ok "$4"
    else not_ok "$4 (no /$3/ in $1.$2: $(head -c 300 "$TMP/$1.$2"))"; fi
}
# num_at_least VALUE FLOOR: 0 when VALUE >= FLOOR.
num_at_least() { awk -v v="$1" -v f="$2" 'BEGIN { exit !(v + 0 >= f + 0 && v != "") }'; }

# ---- a demo school, rules only ------------------------------------------------------
run demo demo --db "$DB" --today 2026-06-30 --learners 600 --seed 3
expect_rc demo 0 "demo school created"

run score1 score --db "$DB" --asof "$ASOF"
expect_rc score1 0 "score with the rules only"
has score1 out "rules only" "the first score says it is rules only"
has score1 out "individual \(tier 2\)" "the score prints the tiers"
has score1 out "^ +- .*(this school watches for|below the)" "flags come with reasons"
run rules1 rules --db "$DB"
has rules1 out '"tiers":\{"individual":5,"selective":15\}' "the rules show the default tier shares"
if command -v sqlite3 >/dev/null 2>&1; then
    read -r all ind sel <<<"$(sqlite3 -separator ' ' "$DB" "SELECT count(*), sum(tier = 2), sum(tier = 1) FROM risk_score WHERE asof = '$ASOF'")"
    if awk -v a="$all" -v i="$ind" -v s="$sel" 'BEGIN { exit !(i == int(0.05 * a + 0.5) && s >= int(0.15 * a + 0.5) && s <= 0.25 * a) }'; then
        ok "tiers by share: 5 % individual, about 15 % selective ($ind and $sel of $all)"
    else not_ok "tiers by share: 5 % individual, about 15 % selective (got $ind and $sel of $all)"; fi
fi
run rules2 rules --db "$DB" --by "cli test" set '{"tiers": {"individual": 60, "selective": 50}}'
expect_rc rules2 1 "tier shares above 100 % together are refused"
has rules2 err "make more than 100 %" "the refusal says why"

# ---- train -------------------------------------------------------------------------------
run train train --db "$DB" --by "cli test"
expect_rc train 0 "train stores a model"
has train out "model version 1 trained and made active" "train names the version"
has train out "fairness attributes used as inputs: none" "no fairness attribute is an input"
has train out "ROC AUC 0\.[0-9]+" "train reports the held-out ROC AUC"
has train out "time-aware" "the evaluation is time-aware"

run card train --db "$DB" --card
expect_rc card 0 "train --card"
has card out '"excluded": \[' "the card lists the excluded attributes"
has card out '"trained_by": "root|"trained_by": "[^"]+"' "the card says who trained it"
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["version"]==2; assert "gender" in c["attributes"]["excluded"]; assert c["data"]["leavers"]>0; assert len(c["fairness"])==4' "$TMP/card.out" 2>"$TMP/card.py"; then
        ok "the card is JSON with version, attributes, data and fairness"
    else not_ok "the card is JSON with version, attributes, data and fairness ($(cat "$TMP/card.py"))"; fi
fi

# ---- score with the model ------------------------------------------------------------------
run score2 score --db "$DB" --asof "$ASOF"
expect_rc score2 0 "score with the model"
has score2 out "learned model version 2" "the score uses the active model"
has score2 out "estimated chance of leaving [0-9]+ %" "scores carry probabilities"
has score2 out "selective +\(tier 1\) +[0-9]+" "scores carry tiers"
has score2 out "^ +[0-9]+\. .* — (high|raised|low) risk \((individual|selective|universal)\), estimated chance of leaving" "risk in words with the estimate"
has score2 out "the model's estimate was raised most by:" "the command line prints the model's reasons"
if grep -q "weeks since starting" "$TMP/score2.out"; then not_ok "no reason every learner shares"
else ok "no reason every learner shares"; fi
if command -v sqlite3 >/dev/null 2>&1; then
    n=$(sqlite3 "$DB" "SELECT count(*) FROM risk_score WHERE asof = '$ASOF' AND model_version = 2 AND probability IS NOT NULL AND reasons LIKE '%\"kind\":\"model\"%'")
    if [ "${n:-0}" -gt 50 ]; then ok "stored scores hold probabilities and the model's reasons ($n)"
    else not_ok "stored scores hold probabilities and the model's reasons (got ${n:-none})"; fi
fi

# ---- evaluate --------------------------------------------------------------------------------
run eval evaluate --db "$DB"
expect_rc eval 0 "evaluate on the school's history"
has eval out "^ROC AUC rules: 0\.[0-9]+" "evaluate prints the rules' ROC AUC"
has eval out "^ROC AUC model: 0\.[0-9]+" "evaluate prints the model's ROC AUC"
has eval out "PR AUC" "evaluate prints PR AUC"
has eval out "Top 10 % of the list" "evaluate prints precision and recall at the top 10 %"
has eval out "Calibration" "evaluate prints the calibration table"
has eval out "Warning time before leaving" "evaluate prints the lead time"
has eval out "tiers: by share, on each of the [0-9]+ judged occasions .*: the top 5 % of its rows" \
    "evaluate cuts the tiers by the institution's shares on each occasion, as score does each day"
has eval out "Precision of that list" "...the warning time only beside the precision of its list"
has eval out "Flagged but stayed +[0-9]+ of [0-9]+" "...and the learners who stayed but were flagged"
has eval out "platform activity in the school's data: minutes" "evaluate says which platform metrics the data has"
# a school without attendance (online, distance, workplace learning) still trains and evaluates
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$DB" "$TMP/thin.db"
    sqlite3 "$TMP/thin.db" "DELETE FROM attendance"
    run thin1 train --db "$TMP/thin.db" --by "cli test"
    expect_rc thin1 0 "train runs without attendance (results, behaviour, platform activity)"
    run thin2 evaluate --db "$TMP/thin.db"
    expect_rc thin2 0 "evaluate runs without attendance"
    has thin2 out "^ROC AUC model: 0\.[0-9]+" "...and judges the model"
fi
has eval out "Tier selective or above \(by share\)" "evaluate shows precision at the share's list length"
has eval out "Fairness by gender" "evaluate prints the fairness tables"

run evalj evaluate --db "$DB" --json
expect_rc evalj 0 "evaluate --json"
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert 0.5 < e["model"]["roc_auc"] <= 1; assert e["rules"]["roc_auc"] is not None' "$TMP/evalj.out" 2>/dev/null; then
        ok "evaluate --json is JSON with both ROC AUCs"
    else not_ok "evaluate --json is JSON with both ROC AUCs"; fi
fi

run evalk evaluate --db "$DB" --folds 3
expect_rc evalk 0 "evaluate --folds 3"
has evalk out "3-fold cross-validation grouped by learner" "--folds switches to k-fold"

run allow train --db "$DB" --allow-attribute gender
expect_rc allow 0 "train --allow-attribute gender"
has allow out "used as inputs: gender" "the allowed attribute is reported"

# ---- bad input ---------------------------------------------------------------------------------
run bad1 train --db "$DB" --allow-attribute shoe_size
expect_rc bad1 2 "unknown --allow-attribute is a usage error"
has bad1 err 'unknown attribute "shoe_size"' "the message names the attribute"
run bad2 train --db "$DB" --horizons 0
expect_rc bad2 2 "--horizons 0 is a usage error"
has bad2 err "--horizons \"0\"" "the message names the horizons"
run bad3 train --db "$DB" --horizons 4,x
expect_rc bad3 2 "--horizons 4,x is a usage error"
run bad4 evaluate --table "$UCI" --target NoSuchColumn --positive Dropout
expect_rc bad4 1 "a missing --target column fails"
has bad4 err "NoSuchColumn" "the message names the missing column"
run bad5 evaluate --table "$UCI" --positive Dropout
expect_rc bad5 2 "--table without --target is a usage error"
run bad6 evaluate --db "$DB" --folds 1
expect_rc bad6 2 "--folds 1 is a usage error"
run bad7 train --db "$TMP/empty.db"
expect_rc bad7 1 "train on an empty database fails"
has bad7 err "no institution|nothing" "the message says there is nothing to learn from"
n=$(sqlite3 "$DB" "SELECT count(*) FROM risk_model" 2>/dev/null || echo 3)
if [ "$n" = "3" ]; then ok "bad input stored no model"; else not_ok "bad input stored no model (got $n)"; fi

# ---- the public UCI dropout table ---------------------------------------------------------------
if [ -f "$UCI" ]; then
    run uci evaluate --table "$UCI" --columns "$UCI_COLUMNS" --folds 5
    expect_rc uci 0 "evaluate --table on the UCI dropout file, described by $UCI_COLUMNS"
    has uci out "^columns described by $UCI_COLUMNS" "the output names the description file"
    auc=$(sed -n 's/^ROC AUC (all columns, 5-fold): \([0-9.]*\)$/\1/p' "$TMP/uci.out")
    if num_at_least "$auc" "$UCI_FLOOR"; then
        ok "UCI all columns: ROC AUC $auc (peer $UCI_PEER)"
    else not_ok "UCI all columns: ROC AUC '$auc' below the peer's $UCI_FLOOR"; fi
    run uci2 evaluate --table "$UCI" --target Target --positive Dropout --folds 5 \
        --columns "$UCI_COLUMNS" --without "Curricular units" --calibration none
    expect_rc uci2 0 "evaluate --table --without \"Curricular units\""
    auc=$(sed -n 's/^ROC AUC (.*, 5-fold): \([0-9.]*\)$/\1/p' "$TMP/uci2.out")
    if num_at_least "$auc" 0.828; then ok "UCI at enrolment only: ROC AUC $auc (peer 0.828)"
    else not_ok "UCI at enrolment only: ROC AUC '$auc' below the peer's 0.828"; fi
    has uci2 out "24 " "--without leaves out the Curricular units columns (24 left)"
    run uci3 evaluate --table "$UCI" --target Target --positive Dropout --categorical @uci-dropout
    expect_rc uci3 1 "no data set preset: --categorical @uci-dropout names no column"
    has uci3 err "no column \"@uci-dropout\"" "the message names the unknown column"
else
    not_ok "the UCI dropout file is at $UCI (or set CAIRN_UCI_DROPOUT)"
fi

# ---- a table with its description file beside it ---------------------------------------------
awk 'BEGIN { srand(7); print "x;code;noise;id;Outcome"
             for (i = 0; i < 300; i++) { x = rand(); c = int(rand() * 3) + 1
                 y = (x + (c == 2 ? 0.4 : 0) + 0.3 * rand() > 0.9) ? "left" : "stayed"
                 printf "%.4f;%d;%.4f;%d;%s\n", x, c, rand(), 1000 + i, y } }' > "$TMP/t.csv"
printf '# test table\ncode\tcategorical\nid\tignore\nx\tnumeric\nOutcome\ttarget\tleft\n' \
    > "$TMP/t.csv.columns"
run tab evaluate --table "$TMP/t.csv" --folds 3
expect_rc tab 0 "evaluate --table finds FILE.columns beside the table (target from it)"
has tab out "^columns described by $TMP/t.csv.columns" "the output names the description beside it"
has tab out "^ROC AUC \(all columns, 3-fold\)" "it evaluates the table"
has tab out "^all columns +300 +3 " "the ignored column is left out (300 rows, 3 attribute columns)"
printf 'code\tcategorical\nid\tignor\n' > "$TMP/bad.columns"
run tab2 evaluate --table "$TMP/t.csv" --columns "$TMP/bad.columns" --target Outcome --positive left
expect_rc tab2 1 "a bad description file fails"
has tab2 err "bad.columns:2: unknown kind \"ignor\"" "the message names the file and line"
run tab3 evaluate --table "$TMP/t.csv" --columns "$TMP/bad.columns"
expect_rc tab3 1 "a bad description fails before the missing target is noticed"
printf 'x\tnumeric\n' > "$TMP/nt.columns"
run tab4 evaluate --table "$TMP/t.csv" --columns "$TMP/nt.columns"
expect_rc tab4 2 "no target on the command line or in the description is a usage error"
run tab5 evaluate --db "$DB" --columns "$TMP/nt.columns"
expect_rc tab5 2 "--columns without --table is a usage error"

done_testing
