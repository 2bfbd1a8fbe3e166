#!/bin/bash
# tests/cli/test_model.sh — the model page, the dashboard's trend and their
# JSON end to end: GET /model, /api/v1/model, /api/v1/summary and
# /api/v1/groups/{code}.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_model.sh      (from the repository root)
#
# Makes a demo school, scores it on several days, creates the demo accounts
# and API tokens and starts the server.  Before training: /model says no
# model is trained and how to train one, /api/v1/model is 404.  After
# `cairn train`: the leader's /model shows the card, a calibration SVG with a
# <title>, the fairness table with small groups withheld and the versions;
# the teacher gets 403 on /model and /api/v1/model.  The dashboard has the
# two trend charts with their data tables; /api/v1/summary, /api/v1/model
# and /api/v1/groups/{code} answer as docs/openapi.yaml says; the teacher
# gets 403 for a group not theirs and 404 for an unknown one.
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M
# failed"; exits non-zero if anything failed.  Needs curl, sqlite3, python3.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
need_cairn
need_curl

SPEC="$(dirname "$0")/../../docs/openapi.yaml"
CHECKER="$(dirname "$0")/openapi_check.py"

# jq_py EXPR: evaluate a Python expression over the last body, bound to j.
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/body"; }
# api PATH TOKEN: GET $BASE/api/v1PATH with the token; prints the status.
api() { http "$BASE/api/v1$1" -H "Authorization: Bearer $2"; }
# conforms METHOD PATH STATUS: the last body matches the spec for it.
conforms() {
    local out
    if out=$(python3 "$CHECKER" "$SPEC" "$1" "${2%%\?*}" "$3" "$TMP/body" 2>&1); then
        ok "...$1 $2 $3 matches docs/openapi.yaml"
    else
        not_ok "...$1 $2 $3 matches docs/openapi.yaml"; echo "$out" | sed 's/^/# /' | head -5
    fi
}
# body_has REGEX: the last body matches the extended regex.
body_has() { grep -Eq -- "$1" "$TMP/body"; }

db="$TMP/model.db"
if ! { "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 600 --seed 3 &&
       "$CAIRN" score --db "$db" --asof 2026-03-02 &&
       "$CAIRN" score --db "$db" --asof 2026-02-02 &&
       "$CAIRN" score --db "$db" --asof 2026-01-12 &&
       "$CAIRN" user demo-accounts --db "$db" &&
       "$CAIRN" user token leader --name test --db "$db" > "$TMP/leader.token" &&
       "$CAIRN" user token teacher --name test --db "$db" > "$TMP/teacher.token"; } \
       > "$TMP/setup.out" 2> "$TMP/setup.err"; then
    not_ok "a scored demo school with accounts and tokens"; sed 's/^/# /' "$TMP/setup.err" | tail -5
    done_testing
fi
ok "a scored demo school with accounts and tokens"
LT=$(cat "$TMP/leader.token")
TT=$(cat "$TMP/teacher.token")
serve_or_stop "$db"

L="$TMP/leader.jar"
T="$TMP/teacher.jar"
check "the leader signs in" [ "$(sign_in "$L" leader cairn-demo-principal)" = 303 ]
check "the teacher signs in" [ "$(sign_in "$T" teacher cairn-demo-classroom)" = 303 ]

# ---- before training ------------------------------------------------------------------
code=$(http "$BASE/model" -b "$L")
check "before training the leader's /model is 200" [ "$code" = 200 ]
check "...and says no model is trained yet" body_has 'No model is trained yet'
check "...how to train one" body_has '<code>cairn train</code>'
check "...and that the rules are used meanwhile" body_has 'the rules decide'
check "...without a calibration plot" bash -c "! grep -q 'calibration-title' '$TMP/body'"
code=$(api /model "$LT")
check "before training /api/v1/model is 404 JSON" \
    bash -c "[ $code = 404 ] && grep -q '\"not_found\"' '$TMP/body'"
conforms GET /model 404

# ---- train ------------------------------------------------------------------------------
if ! "$CAIRN" train --db "$db" --by "model test" > "$TMP/train.out" 2> "$TMP/train.err"; then
    not_ok "cairn train"; sed 's/^/# /' "$TMP/train.err" | tail -5
    done_testing
fi
ok "cairn train"

code=$(http "$BASE/model" -b "$L")
check "the leader's /model is 200 after training" [ "$code" = 200 ]
check "...names the page in the navigation" body_has '<a href="/model" aria-current="page">'
check "...shows the card: who trained it" body_has '<bdi>model test</bdi>'
check "...leading with the warning in plain words: leavers flagged weeks ahead, stayers and precision beside it" \
    python3 -c "import re,sys; b=open(sys.argv[1]).read(); m=re.search(r'<h1>Early-warning model</h1>\s*<p class=\"lead\" id=\"model-summary\">([^<]*)</p>', b); sys.exit(0 if m and re.search(r'learners? left early', m.group(1)) and 'at least 4 weeks before they left' in m.group(1) and 'who stayed' in m.group(1) and 'in 100' in m.group(1) else 1)" "$TMP/body"
check "...then what it looks at and never looks at, the technical figures collapsed" \
    python3 -c "import sys; b=open(sys.argv[1]).read(); i=b.find('id=\"h-inputs\"'); j=b.find('id=\"h-never\"'); k=b.find('<details class=\"tech\" id=\"model-tech\">'); sys.exit(0 if 0 < i < j < k else 1)" "$TMP/body"
check "...which platform metrics the school's data has" body_has "From the learning platform, this school's data has: minutes"
check "...no raw group or language code" \
    bash -c "! grep -Eq '<th scope=\"row\">(not_stated|ar|en|pl|other)</th>' '$TMP/body'"
check "...the inputs by their plain names" body_has 'attendance in the last 4 weeks'
check "...that fairness attributes are not inputs" body_has 'No fairness attribute'
check "...ROC AUC of model and rules" \
    body_has '<th scope="row">ROC AUC</th><td class="num">0\.[0-9]{3}</td><td class="num">0\.[0-9]{3}</td>'
check "...precision and recall at the tiers" body_has 'Selective support or above'
check "...the warning time" body_has 'Median weeks from the first flag to leaving'
check "...a calibration SVG with a title and a description" \
    bash -c "grep -q '<svg class=\"chart\" viewBox=\"0 0 400 360\" role=\"img\" aria-labelledby=\"calibration-title calibration-desc\"' '$TMP/body' &&
             grep -q '<title id=\"calibration-title\">' '$TMP/body' && grep -q '<desc id=\"calibration-desc\">' '$TMP/body'"
check "...with the diagonal and its numbers in a table" \
    bash -c "grep -q 'class=\"diagonal\"' '$TMP/body' && grep -q '<th scope=\"col\">Estimated risk band</th>' '$TMP/body'"
check "...the fairness table per attribute" \
    bash -c "grep -q '<table class=\"fairness\">' '$TMP/body' && grep -q '<caption>Gender</caption>' '$TMP/body'"
check "...with small groups withheld, never their numbers" \
    bash -c "grep -q '<tr class=\"suppressed\"><th scope=\"row\">[^<]*</th><td colspan=\"5\">withheld (fewer than 10)</td></tr>' '$TMP/body'"
check "...the model versions with the active one" body_has 'yes, the active model'
check "...and no learner anywhere" bash -c "! grep -q 'href=\"/learners/' '$TMP/body'"

code=$(http "$BASE/model?lang=de" -b "$L")
check "in German the model page's summary, inputs and groups are German" \
    bash -c "[ $code = 200 ] && grep -q 'Im Schuljahr' '$TMP/body' && grep -q 'Anwesenheit in den letzten 4 Wochen' '$TMP/body' && grep -q '<th scope=\"row\">Englisch</th>' '$TMP/body'"
http "$BASE/model?lang=en" -b "$L" > /dev/null

code=$(http "$BASE/model" -b "$T")
check "the teacher's /model is 403" [ "$code" = 403 ]
code=$(api /model "$TT")
check "the teacher's /api/v1/model is 403 JSON" \
    bash -c "[ $code = 403 ] && grep -q '\"forbidden\"' '$TMP/body'"
code=$(api /model "$LT")
check "the leader's /api/v1/model is 200" [ "$code" = 200 ]
conforms GET /model 200
check "...with the active version and the card's evaluation" \
    bash -c "$(declare -f jq_py); TMP='$TMP' jq_py \"j['version'] == 1 and j['card']['evaluation']['roc_auc'] > 0.5 and j['versions'][0]['active']\" | grep -q True"
check "...and suppressed fairness groups carry only their name and why" \
    bash -c "$(declare -f jq_py); TMP='$TMP' jq_py \"all(set(g) == {'name', 'suppressed', 'suppression'} for t in j['card']['fairness'] for g in t['groups'] if g['suppressed'])\" | grep -q True"
# A reader's subtraction: everyone minus the groups shown is what the withheld
# groups (and the learners with nothing recorded) hold together; it must not
# be a small number, or a withheld group is worked out from it.
check "...and no withheld group can be worked out from the overall" \
    bash -c "$(declare -f jq_py); TMP='$TMP' jq_py \"all(t['overall']['suppressed'] or not any(g['suppressed'] for g in t['groups']) or t['overall']['n'] - sum(g['n'] for g in t['groups'] if not g['suppressed']) >= j['card']['evaluation']['model']['min_cell'] for t in j['card']['fairness'])\" | grep -q True"

# ---- the dashboard's trend ----------------------------------------------------------------
code=$(http "$BASE/dashboard" -b "$L")
check "the leader's dashboard is 200" [ "$code" = 200 ]
check "...with the attendance trend chart" body_has '<title id="trend-attendance-title">Attendance rate per month</title>'
check "...and the early-leaving chart" body_has '<title id="trend-left-title">Learners who left early per month</title>'
check "...whose numbers are in a data table" \
    bash -c "grep -q '<th scope=\"col\" class=\"num\">Attendance rate</th>' '$TMP/body' &&
             grep -Eq '<tr><th scope=\"row\">1 Sep 2025</th><td class=\"num\">[0-9]+ %</td></tr>' '$TMP/body'"
check "...over the whole institution" body_has 'over the whole institution'
code=$(http "$BASE/dashboard" -b "$T")
check "the teacher's dashboard has the trend over their learners" \
    bash -c "[ $code = 200 ] && grep -q 'over the learners you may see' '$TMP/body' && grep -q 'trend-attendance-title' '$TMP/body'"

code=$(api /summary "$LT")
check "the leader's /api/v1/summary is 200" [ "$code" = 200 ]
conforms GET /summary 200
check "...with the tier counts and the whole-institution trend" \
    bash -c "$(declare -f jq_py); TMP='$TMP' jq_py \"j['asof'] == '2026-03-02' and sum(t['learners'] for t in j['tiers']) > 0 and j['trend']['whole_institution'] and j['trend']['months'][0]['month'] == '2025-09'\" | grep -q True"
leader_sessions=$(jq_py "sum(m['sessions'] or 0 for m in j['trend']['months'])")
code=$(api /summary "$TT")
check "the teacher's /api/v1/summary is 200" [ "$code" = 200 ]
conforms GET /summary 200
teacher_sessions=$(jq_py "sum(m['sessions'] or 0 for m in j['trend']['months'])")
check "...counting fewer sessions than the institution's ($teacher_sessions < $leader_sessions)" \
    bash -c "[ $teacher_sessions -lt $leader_sessions ] && $(declare -f jq_py); TMP='$TMP' jq_py \"not j['trend']['whole_institution']\" | grep -q True"

# ---- a group's attendance ----------------------------------------------------------------
mine=$(sqlite3 "$db" "SELECT g.code FROM class_group g JOIN group_staff gs ON gs.institution_id = g.institution_id
        AND gs.group_id = g.id JOIN account a ON a.person_id = gs.staff_id AND a.person_kind = 'staff'
        WHERE a.username = 'teacher' AND gs.role <> 'key_worker' AND EXISTS (SELECT 1 FROM enrolment e
        WHERE e.institution_id = g.institution_id AND e.group_id = g.id AND e.status = 'active')
        ORDER BY g.code LIMIT 1")
other=$(sqlite3 "$db" "SELECT g.code FROM class_group g WHERE NOT EXISTS (SELECT 1 FROM group_staff gs
        JOIN account a ON a.person_id = gs.staff_id AND a.person_kind = 'staff' WHERE a.username = 'teacher'
        AND gs.institution_id = g.institution_id AND gs.group_id = g.id) ORDER BY g.code LIMIT 1")
code=$(api "/groups/$mine" "$TT")
check "the teacher's own group $mine is 200" [ "$code" = 200 ]
conforms GET "/groups/$mine" 200
check "...with eight weeks per learner" \
    bash -c "$(declare -f jq_py); TMP='$TMP' jq_py \"len(j['weeks']) == 8 and len(j['learners']) > 0 and all(len(l['weeks']) == 8 for l in j['learners'])\" | grep -q True"
code=$(api "/groups/$other" "$TT")
check "a group not the teacher's ($other) is 403 JSON" \
    bash -c "[ $code = 403 ] && grep -q '\"forbidden\"' '$TMP/body'"
conforms GET "/groups/$other" 403
code=$(api "/groups/NO-SUCH-GROUP" "$TT")
check "an unknown group is 404 JSON" bash -c "[ $code = 404 ] && grep -q '\"not_found\"' '$TMP/body'"
conforms GET /groups/NO-SUCH-GROUP 404
code=$(api "/groups/$other" "$LT")
check "the leader sees any group ($other)" [ "$code" = 200 ]

stop_server
check "the server stops cleanly" [ "$STOP_STATUS" = 0 ]
done_testing
