#!/bin/bash
# bench/case_wrk.sh — how fast `cairn serve` answers a key worker's two
# pages, signed in, at 64 concurrent keep-alive connections, against nginx
# serving saved copies of the same pages as static files, in the same run
# (modelled on bench/web_wrk.sh; what they share is bench/wrk_lib.sh).
#
#   bench/case_wrk.sh [LEARNERS [CASES]]      (default 100000 10000)
#
# The school: the scored demo school of bench/score_asof.sh
# (bench/out/score/school.db; else built here as bench/web_wrk.sh does),
# copied, with CASES cases added by `cairn demo --if-empty --cases CASES`
# (up to 25 per key worker, every state, with assessments, plans, reviews,
# contracts, interventions; timed) and kept as bench/out/cases/school.db,
# which the next run copies.  Signed in as the first key worker with a
# full caseload.  Pages: GET / (the key worker's home page: their cases
# and tasks) and GET /cases/ID (their monitored case with the most history:
# the richest page; every view appends a case.view event to the audit log).
#
# An earlier build beside it, in the same run (the way to tell "better" on
# the machine of the day): CASE_PEER=path/to/its/cairn (CASE_PEER_LABEL
# names it).  It serves its own copy of the kept school with its cases
# (bench/out/cases/school.db, so that build must know that file's schema:
# one as old as the build that made it, or newer), signed in as the same
# key worker, and the table gets its two pages.
#
# wrk -t2 -c64 -d20s --timeout 10s --latency, each of the targets in
# turn, three rounds; the table gives each target's best round (lowest p99)
# and the spread over the rounds.  The goal: cairn's p99 under 25 ms.
# Writes docs/benchmarks.md (section "Case pages").  Both servers are
# stopped at exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${1:-100000}
CASES=${2:-10000}
OUT=bench/out/case
DB=$OUT/school.db
CASES_DB=bench/out/cases/school.db   # the school with its cases, kept
. bench/wrk_lib.sh    # settings, servers, wrk rounds, the table

# ---- the school ----------------------------------------------------------------
has_cases() {   # has_cases DB: LEARNERS learners and CASES cases
    has_scores "$1" && [ "$(q "$1" "SELECT count(*) FROM support_case" 2>/dev/null || echo 0)" = "$CASES" ]
}
CASES_S=""
if has_cases "$CASES_DB"; then
    say "copying the school with its cases ($CASES_DB)"
    ORIGIN=$(cat "$CASES_DB.origin" 2>/dev/null || echo "the school of an earlier run ($CASES_DB)")
else
    mkdir -p "$(dirname "$CASES_DB")"; rm -f "$CASES_DB" "$CASES_DB"-wal "$CASES_DB"-shm
    scored_school "$CASES_DB"
    if pages_4k "$CASES_DB"; then ORIGIN="$ORIGIN, rewritten with 4 KiB pages (VACUUM)"; fi
    $CAIRN init --db "$CASES_DB" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; exit 1; }
    trend_stored "$CASES_DB"
    say "cairn demo --if-empty --cases $CASES (minutes)"
    T0=$(date +%s.%N)
    $CAIRN demo --db "$CASES_DB" --if-empty --cases "$CASES" >"$OUT/demo.log" 2>&1 || { cat "$OUT/demo.log" >&2; exit 1; }
    CASES_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
    say "$(tail -1 "$OUT/demo.log")"
    q "$CASES_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    ORIGIN="$ORIGIN; then \`cairn demo --if-empty --cases $CASES\` ($CASES_S s on this machine)"
    echo "$ORIGIN" >"$CASES_DB.origin"
fi
cp "$CASES_DB" "$DB"
PEER=${CASE_PEER:-}
PEER_LABEL=${CASE_PEER_LABEL:-an earlier build}
if [ -n "$PEER" ]; then   # its own copy, before this build's init changes the schema
    [ -x "$PEER" ] || die "CASE_PEER=$PEER is not an executable"
    cp "$CASES_DB" "$OUT/peer.db"
    for f in key audit-head; do if [ -f "$CASES_DB.$f" ]; then cp -p "$CASES_DB.$f" "$OUT/peer.db.$f"; fi; done
fi
# the keyring of the sealed texts and the audit log's head file go with it
for f in key audit-head; do if [ -f "$CASES_DB.$f" ]; then cp "$CASES_DB.$f" "$DB.$f"; fi; done
# Bring the copy's schema up to this build (timed: new indexes are built here).
init_timed "$DB"
N_LEARNERS=$(q "$DB" "SELECT count(*) FROM learner")
ASOF=$(q "$DB" "SELECT max(asof) FROM risk_score")
N_SCORED=$(q "$DB" "SELECT count(*) FROM risk_score WHERE asof = '$ASOF'")
N_CASES=$(q "$DB" "SELECT count(*) FROM support_case")
STATES=$(q "$DB" "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n
                  FROM support_case GROUP BY state ORDER BY n DESC)")
ROWS=$(q "$DB" "SELECT (SELECT count(*) FROM case_assessment) || ' assessments, ' ||
                (SELECT count(*) FROM support_goal) || ' goals, ' ||
                (SELECT count(*) FROM case_review) || ' reviews, ' ||
                (SELECT count(*) FROM contract_version) || ' contract versions, ' ||
                (SELECT count(*) FROM intervention_run) || ' intervention runs, ' ||
                (SELECT count(*) FROM audit_event) || ' audit events'")
DB_MIB=$(($(stat -c %s "$DB") / 1048576))

# A key worker with a full caseload (accounts made by `cairn demo --cases`,
# password cairn-demo-counsellor), and their monitored case with the most
# history.
read -r USER KW_STAFF < <(q "$DB" "SELECT a.username, a.person_id FROM account a
    WHERE a.person_kind = 'staff' AND a.username LIKE 'keyworker-%' AND (SELECT count(*)
    FROM support_case c WHERE c.institution_id = a.institution_id AND c.key_worker_id = a.person_id) = 25
    ORDER BY a.id LIMIT 1" | tr '|' ' ')
[ -n "${USER:-}" ] || die "no key worker with a caseload of 25"
PASSWORD=cairn-demo-counsellor
CASE=$(q "$DB" "SELECT c.id FROM support_case c WHERE c.key_worker_id = $KW_STAFF AND c.state = 'monitoring'
    ORDER BY (SELECT count(*) FROM case_history h WHERE h.institution_id = c.institution_id
              AND h.case_id = c.id) DESC, c.id LIMIT 1")
[ -n "$CASE" ] || die "$USER has no case in monitoring"
CASELOAD=$(q "$DB" "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n
    FROM support_case WHERE key_worker_id = $KW_STAFF GROUP BY state ORDER BY n DESC)")

# ---- cairn serve ------------------------------------------------------------------
start_cairn "$DB"
COOKIE=$(sign_in "$BASE" "$OUT/cookies.txt")
[ -n "$COOKIE" ] || die "no session cookie after signing in"

# The pages, saved for nginx.
STATIC=$OUT/static
mkdir -p "$STATIC"
fetch / "$STATIC/home.html"
grep -q "/cases/$CASE" "$STATIC/home.html" || say "note: the home page does not link case $CASE"
fetch "/cases/$CASE" "$STATIC/case.html"
HOME_BYTES=$(stat -c %s "$STATIC/home.html")
CASE_BYTES=$(stat -c %s "$STATIC/case.html")
chmod a+rX "$OUT"; chmod -R a+rX "$STATIC"   # for nginx; the keyring stays the owner's (cairn refuses it otherwise)

# ---- nginx: the same pages as static files ------------------------------------------
start_nginx "$STATIC" case.html home.html

# ---- the peer: an earlier build on its own copy ---------------------------------------
if [ -n "$PEER" ]; then
    PEER_PORT=$(free_port)
    PEER_BASE=http://127.0.0.1:$PEER_PORT
    say "$PEER_LABEL: $PEER serve on $PEER_BASE"
    $PEER serve --db "$OUT/peer.db" --listen "127.0.0.1:$PEER_PORT" --threads "$THREADS" \
        --score-at off 2>"$OUT/peer-serve.log" &
    PEER_PID=$!
    wait_http "$PEER_BASE/healthz" || { cat "$OUT/peer-serve.log" >&2; die "the peer did not start"; }
    PEER_COOKIE=$(sign_in "$PEER_BASE" "$OUT/peer-cookies.txt")
    for path in / "/cases/$CASE"; do
        c=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PEER_COOKIE" "$PEER_BASE$path")
        [ "$c" = 200 ] || die "the peer answered $c to GET $path"
    done
fi

# ---- the measured runs -----------------------------------------------------------------
say "warming up (5 s each)"
for url in "$BASE/" "$BASE/cases/$CASE"; do warm "$url" -H "Cookie: $COOKIE"; done
warm "$NGINX_BASE/home.html"
if [ -n "$PEER" ]; then
    for url in "$PEER_BASE/" "$PEER_BASE/cases/$CASE"; do warm "$url" -H "Cookie: $PEER_COOKIE"; done
fi
rounds_begin
for ROUND in $(seq 1 "$ROUNDS"); do
    round_say
    run cairn_home "$BASE/" -H "Cookie: $COOKIE"
    run nginx_home "$NGINX_BASE/home.html"
    run cairn_case "$BASE/cases/$CASE" -H "Cookie: $COOKIE"
    run nginx_case "$NGINX_BASE/case.html"
    if [ -n "$PEER" ]; then
        run peer_home "$PEER_BASE/" -H "Cookie: $PEER_COOKIE"
        run peer_case "$PEER_BASE/cases/$CASE" -H "Cookie: $PEER_COOKIE"
    fi
done
AUDIT_ROWS=$(q "$DB" "SELECT count(*) FROM audit_event WHERE action = 'case.view'")
stop_servers
rm -rf "$NGX"

# ---- the table ---------------------------------------------------------------------------
CAIRN_HOME_P99=$(best_p99 cairn_home)
CAIRN_CASE_P99=$(best_p99 cairn_case)
PEER_ROWS=""; PEER_SERVICE=""; PEER_TEXT=""
if [ -n "$PEER" ]; then
    PEER_ROWS="
$(row peer_home "$PEER_LABEL, \`/\`")
$(row peer_case "$PEER_LABEL, \`/cases/$CASE\`")"
    PEER_SERVICE="
$(service_row / "$PEER_LABEL, \`/\`" "$OUT/peer-serve.log")
$(service_row "/cases/$CASE" "$PEER_LABEL, \`/cases/$CASE\`" "$OUT/peer-serve.log")"
    PEER_TEXT="
The peer rows are $PEER_LABEL, serving its own copy of the same school
(before this build's \`cairn init\`), signed in as the same key worker, in
the same rounds."
fi
SECTION=$(cat <<MD
## Case pages

\`bench/case_wrk.sh $LEARNERS $CASES\` $(machine_text)
The school: $ORIGIN —
$N_LEARNERS learners, $N_SCORED scored as of $ASOF, $N_CASES cases ($STATES;
$ROWS), SQLite, $DB_MIB MiB; \`cairn init\` brought the copy's schema up to
this build in $INIT_S s.

\`cairn serve --threads $THREADS\` (SQLite, WAL), signed in as the key worker
\`$USER\` (a caseload of 25: $CASELOAD).  The pages: \`GET /\` ($HOME_BYTES
bytes: the key worker's home page, their cases and tasks) and
\`GET /cases/$CASE\` ($CASE_BYTES bytes: their monitored case with the most
history — conference, assessments, goals, reviews, contract; every view
appends a \`case.view\` event to the audit log's hash chain — $AUDIT_ROWS
were written during the runs).  The ceiling: nginx
$(nginx_text)
serving copies of the same two pages saved with curl, on another loopback port.

Each target: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency [-H 'Cookie: cairn_session=…'] URL\`
(wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }')), on the same machine as the server, the targets in
turn, $ROUNDS rounds after a 5-second warm-up each.  Latency in ms; the best
round (lowest p99) of each, then the spread of p99 and requests/s over the
rounds; errors = non-2xx answers and socket errors over all rounds.

| target | p50 | p90 | p99 | req/s | p99 spread | req/s spread | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
$(row cairn_home "cairn \`/\` (key worker)")
$(row nginx_home "nginx, static copy of the home page")
$(row cairn_case "cairn \`/cases/$CASE\`")
$(row nginx_case "nginx, static copy of the case page")$PEER_ROWS

Goal, cairn's p99 under $GOAL_MS ms at $CONNS connections:
$(verdict "home page" "$CAIRN_HOME_P99")
$(verdict "case page" "$CAIRN_CASE_P99")

The time cairn itself spent on each request, from the request line to the
answer queued (its access log, all rounds).  For the case page this
includes the wait for its view event: the page is held, its connection
suspended and its worker free, until the audit writer has committed the
events gathered in the last 5 ms (support/audit_defer.c):

| page | requests | median | p90 | p99 |
|---|---:|---:|---:|---:|
$(service_row / "\`/\`")
$(service_row "/cases/$CASE" "\`/cases/$CASE\`")$PEER_SERVICE
$PEER_TEXT
MD
)
scripts/bench-section.sh docs/benchmarks.md "Case pages" "$SECTION"
echo "$SECTION"
