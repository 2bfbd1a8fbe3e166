#!/bin/bash
# bench/web_wrk.sh — how fast `cairn serve` answers the two pages staff use
# most, signed in, at 64 concurrent keep-alive connections, against nginx
# serving saved copies of the same pages as static files (the ceiling: no
# database, no session, no HTML to write), in the same run.
#
#   bench/web_wrk.sh [LEARNERS]      (default 100000)
#
# The school: the demo school that bench/score_asof.sh built and scored
# (bench/out/score/school.db, when it holds LEARNERS learners and scores),
# copied; else one built here the same way (`cairn demo --years 1 --seed 7`,
# `cairn train`, `cairn score`: several minutes).  Signed in as the school
# leader (sees the whole institution: the heaviest dashboard).  Pages:
# GET /dashboard and GET /learners/ID for the learner at the top of the
# dashboard (a learner page view also appends to the audit log).
#
# An earlier release beside it, in the same run (the way to tell "no worse"
# on the machine of the day): WEB_PEER=path/to/its/cairn WEB_PEER_DB=a
# scored school that release made (WEB_PEER_LABEL names it).  Both releases
# then serve copies of that one school (this build's copy brought up to date
# by `cairn init`), and the table gets the peer's two pages.
#
# wrk -t2 -c64 -d20s --timeout 10s --latency, each of the four targets in turn, three
# rounds; the table gives each target's best round (lowest p99) and the
# spread over the rounds.  The goal: cairn's p99 under 25 ms.  Writes
# docs/benchmarks.md (section "Web pages").  Both servers are stopped at
# exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${1:-100000}
OUT=bench/out/web
DB=$OUT/school.db
PEER=${WEB_PEER:-}
PEER_DB_SRC=${WEB_PEER_DB:-}
PEER_LABEL=${WEB_PEER_LABEL:-an earlier release}
. bench/wrk_lib.sh    # settings, servers, wrk rounds, the table
if [ -n "$PEER" ]; then
    [ -x "$PEER" ] && [ -f "$PEER_DB_SRC" ] || die "WEB_PEER needs WEB_PEER_DB"
    SRC_DB=$PEER_DB_SRC   # one school for both releases
fi

# ---- the school ----------------------------------------------------------------
scored_school "$DB"
if pages_4k "$DB"; then
    ORIGIN="$ORIGIN, rewritten with 4 KiB pages (VACUUM), as a database made by this build has"
fi
# Bring the copy's schema up to this build (timed: new indexes are built here).
init_timed "$DB"
INST_CODE=$(q "$DB" "SELECT code FROM institution ORDER BY id LIMIT 1")
N_LEARNERS=$(q "$DB" "SELECT count(*) FROM learner")
ASOF=$(q "$DB" "SELECT max(asof) FROM risk_score")
N_SCORED=$(q "$DB" "SELECT count(*) FROM risk_score WHERE asof = '$ASOF'")
trend_stored "$DB"
DB_MIB=$(($(stat -c %s "$DB") / 1048576))

# The school leader's account, on its own (`cairn user demo-accounts` would
# also make the other roles' accounts).
USER=bench-leader
# random, so that it passes the password rules (never the user name in it)
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d "/+=")
printf '%s\n' "$PASSWORD" | $CAIRN user add "$USER" --db "$DB" --role school_leader \
    --institution "$INST_CODE" --name "Bench Leader" --password-stdin >/dev/null

# ---- cairn serve ------------------------------------------------------------------
start_cairn "$DB"
COOKIE=$(sign_in "$BASE" "$OUT/cookies.txt")
[ -n "$COOKIE" ] || die "no session cookie after signing in"

# The pages, saved for nginx; the learner is the first on the dashboard.
STATIC=$OUT/static
mkdir -p "$STATIC"
fetch /dashboard "$STATIC/dashboard.html"
LEARNER=$(grep -o 'href="/learners/[0-9]*"' "$STATIC/dashboard.html" | head -1 | grep -o '[0-9]*' || true)
[ -n "$LEARNER" ] || die "the dashboard lists no learner"
fetch "/learners/$LEARNER" "$STATIC/learner.html"
DASH_BYTES=$(stat -c %s "$STATIC/dashboard.html")
LEARNER_BYTES=$(stat -c %s "$STATIC/learner.html")

# ---- the earlier release, when asked for ----------------------------------------------
if [ -n "$PEER" ]; then
    PEER_DB=$OUT/peer.db
    cp "$PEER_DB_SRC" "$PEER_DB"
    printf '%s\n' "$PASSWORD" | $PEER user add "$USER" --db "$PEER_DB" --role school_leader \
        --institution "$INST_CODE" --name "Bench Leader" --password-stdin >/dev/null
    PEER_PORT=$(free_port)
    PEER_BASE=http://127.0.0.1:$PEER_PORT
    say "$PEER_LABEL: $PEER serve on $PEER_BASE"
    $PEER serve --db "$PEER_DB" --listen "127.0.0.1:$PEER_PORT" --threads "$THREADS" 2>"$OUT/peer-serve.log" &
    PEER_PID=$!
    wait_http "$PEER_BASE/healthz" || { cat "$OUT/peer-serve.log" >&2; die "the peer did not start"; }
    PEER_COOKIE=$(sign_in "$PEER_BASE" "$OUT/peer-cookies.txt")
    for path in /dashboard "/learners/$LEARNER"; do
        c=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PEER_COOKIE" "$PEER_BASE$path")
        [ "$c" = 200 ] || die "the peer answered GET $path with $c"
    done
fi
chmod -R a+rX "$OUT"

# ---- nginx: the same pages as static files ------------------------------------------
start_nginx "$STATIC" learner.html dashboard.html

# ---- the measured runs -----------------------------------------------------------------
say "warming up (5 s each)"
for url in "$BASE/dashboard" "$BASE/learners/$LEARNER"; do warm "$url" -H "Cookie: $COOKIE"; done
if [ -n "$PEER" ]; then
    for url in "$PEER_BASE/dashboard" "$PEER_BASE/learners/$LEARNER"; do warm "$url" -H "Cookie: $PEER_COOKIE"; done
fi
warm "$NGINX_BASE/dashboard.html"
rounds_begin
for ROUND in $(seq 1 "$ROUNDS"); do
    round_say
    run cairn_dashboard "$BASE/dashboard" -H "Cookie: $COOKIE"
    run nginx_dashboard "$NGINX_BASE/dashboard.html"
    run cairn_learner "$BASE/learners/$LEARNER" -H "Cookie: $COOKIE"
    run nginx_learner "$NGINX_BASE/learner.html"
    if [ -n "$PEER" ]; then
        run peer_dashboard "$PEER_BASE/dashboard" -H "Cookie: $PEER_COOKIE"
        run peer_learner "$PEER_BASE/learners/$LEARNER" -H "Cookie: $PEER_COOKIE"
    fi
done
AUDIT_ROWS=$(q "$DB" "SELECT count(*) FROM audit_event WHERE action = 'learner.view'")
stop_servers
rm -rf "$NGX"

# ---- the table ---------------------------------------------------------------------------
CAIRN_DASH_P99=$(best_p99 cairn_dashboard)
CAIRN_LEARNER_P99=$(best_p99 cairn_learner)
PEER_ROWS=""; PEER_SERVICE=""; PEER_TEXT=""
if [ -n "$PEER" ]; then
    PEER_ROWS="$(row peer_dashboard "$PEER_LABEL, \`/dashboard\`")
$(row peer_learner "$PEER_LABEL, \`/learners/$LEARNER\`")"
    PEER_SERVICE="$(service_row /dashboard "$PEER_LABEL, \`/dashboard\`" "$OUT/peer-serve.log")
$(service_row "/learners/$LEARNER" "$PEER_LABEL, \`/learners/$LEARNER\`" "$OUT/peer-serve.log")"
    best_rps() { awk -v n="$1" '$1 == n { if ($5 > b) b = $5 } END { print b + 0 }' "$OUT/runs.txt"; }
    PEER_TEXT="
The peer rows are $PEER_LABEL, serving its own copy of the same school (as
it made it) on another port, signed in the same way, in the same rounds:
the comparison for \"no worse\" on the machine of the day.  Best round,
requests/s, this build to the peer: dashboard $(best_rps cairn_dashboard) to
$(best_rps peer_dashboard), learner page $(best_rps cairn_learner) to $(best_rps peer_learner)."
fi

SECTION=$(cat <<MD
## Web pages

\`bench/web_wrk.sh $LEARNERS\` $(machine_text)
The school: $ORIGIN —
$N_LEARNERS learners, $N_SCORED scored as of $ASOF, SQLite, $DB_MIB MiB; \`cairn init\` brought the
copy's schema up to this build in $INIT_S s.

\`cairn serve --threads $THREADS\` (SQLite, WAL), signed in as a school leader
(sees the whole institution).  The pages: \`GET /dashboard\` ($DASH_BYTES bytes:
counts per tier, the filter form, the 50 learners who need attention most)
and \`GET /learners/$LEARNER\` ($LEARNER_BYTES bytes: the learner at the top of
the dashboard; every view appends a \`learner.view\` event to the audit log's
hash chain — $AUDIT_ROWS were written during the runs).  The ceiling: nginx
$(nginx_text)
serving copies of the same two pages saved with curl, on another loopback port.

Each target: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency [-H 'Cookie: cairn_session=…'] URL\`
(wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }')), on the same machine as the server, the four in
turn, $ROUNDS rounds after a 5-second warm-up each.  Latency in ms; the best
round (lowest p99) of each, then the spread of p99 and requests/s over the
rounds; errors = non-2xx answers and socket errors (a timeout: no answer
within $TIMEOUT, left out of wrk's latencies) over all rounds.

| target | p50 | p90 | p99 | req/s | p99 spread | req/s spread | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
$(row cairn_dashboard "cairn \`/dashboard\`")
$(row nginx_dashboard "nginx, static copy of the dashboard")
$(row cairn_learner "cairn \`/learners/$LEARNER\`")
$(row nginx_learner "nginx, static copy of the learner page")
$PEER_ROWS

Goal, cairn's p99 under $GOAL_MS ms at $CONNS connections:
$(verdict dashboard "$CAIRN_DASH_P99")
$(verdict "learner page" "$CAIRN_LEARNER_P99")

With $CONNS connections always busy, latency is the queue: a connection
waits for the $((CONNS - 1)) requests ahead of it, so p50 is about
$CONNS / (requests per second); a p99 under $GOAL_MS ms needs about
$((CONNS * 1000 / GOAL_MS)) requests per second on these $(nproc) cores (shared with wrk).
libmicrohttpd's thread pool gives each of the $THREADS workers its share of
the connections at accept, and a worker runs each request's handler start to
finish on its own thread: one slow page holds up every other connection of
that worker (no work stealing), so a page's service time multiplies into
everybody's latency.  The time cairn itself spent on each request, from the
request line to the answer queued (its access log, all rounds):

| page | requests | median | p90 | p99 |
|---|---:|---:|---:|---:|
$(service_row /dashboard "\`/dashboard\`")
$(service_row "/learners/$LEARNER" "\`/learners/$LEARNER\`")
$PEER_SERVICE
$PEER_TEXT
MD
)
scripts/bench-section.sh docs/benchmarks.md "Web pages" "$SECTION"
echo "$SECTION"
