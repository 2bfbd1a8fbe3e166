#!/bin/bash
# bench/case_wrk.sh — how fast `cairn serve` answers a key worker's two
# pages, signed in, at 64 concurrent keep-alive connections, against nginx
# serving saved copies of the same pages as static files, in the same run
# (modelled on bench/web_wrk.sh).
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
# wrk -t2 -c64 -d20s --timeout 10s --latency, each of the four targets in
# turn, three rounds; the table gives each target's best round (lowest p99)
# and the spread over the rounds.  The goal: cairn's p99 under 25 ms.
# Writes docs/benchmarks.md (section "Case pages").  Both servers are
# stopped at exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${1:-100000}
CASES=${2:-10000}
ROUNDS=${WEB_ROUNDS:-3}
DURATION=${WEB_DURATION:-20s}
CONNS=64
TIMEOUT=10s                  # wrk drops slower answers from its latencies
WRK_THREADS=2
GOAL_MS=25
CAIRN=build/rel/cairn
OUT=bench/out/case
DB=$OUT/school.db
SRC_DB=bench/out/score/school.db
CASES_DB=bench/out/cases/school.db   # the school with its cases, kept

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
q() { sqlite3 "$1" "$2"; }

for tool in wrk nginx curl sqlite3; do
    command -v "$tool" >/dev/null || die "$tool is missing: scripts/deps.sh bench installs it"
done
[ -x "$CAIRN" ] || die "$CAIRN is missing: make build/rel/cairn"

rm -rf "$OUT"; mkdir -p "$OUT"
CAIRN_PID=""; NGINX_PID=""
stop_servers() {
    if [ -n "$CAIRN_PID" ]; then kill -TERM "$CAIRN_PID" 2>/dev/null || true; wait "$CAIRN_PID" 2>/dev/null || true; fi
    if [ -n "$NGINX_PID" ]; then kill -QUIT "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    CAIRN_PID=""; NGINX_PID=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the school ----------------------------------------------------------------
has_scores() {   # has_scores DB: the file holds LEARNERS learners and scores
    [ -f "$1" ] && [ "$(q "$1" "SELECT count(*) FROM learner" 2>/dev/null || echo 0)" = "$LEARNERS" ] &&
        [ "$(q "$1" "SELECT count(*) FROM risk_score" 2>/dev/null || echo 0)" -gt 0 ]
}
has_cases() {   # has_cases DB: LEARNERS learners and CASES cases
    has_scores "$1" && [ "$(q "$1" "SELECT count(*) FROM support_case" 2>/dev/null || echo 0)" = "$CASES" ]
}
CASES_S=""
if has_cases "$CASES_DB"; then
    say "copying the school with its cases ($CASES_DB)"
    ORIGIN=$(cat "$CASES_DB.origin" 2>/dev/null || echo "the school of an earlier run ($CASES_DB)")
else
    mkdir -p "$(dirname "$CASES_DB")"; rm -f "$CASES_DB" "$CASES_DB"-wal "$CASES_DB"-shm
    if has_scores "$SRC_DB"; then
        say "copying the scored demo school of bench/score_asof.sh ($SRC_DB)"
        cp "$SRC_DB" "$CASES_DB"
        ORIGIN="the scored school bench/score_asof.sh built (\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score\`), copied"
    else
        say "building the demo school: $LEARNERS learners, one school year (several minutes)"
        mkdir -p "$(dirname "$SRC_DB")"; rm -f "$SRC_DB" "$SRC_DB"-wal "$SRC_DB"-shm
        $CAIRN demo --db "$SRC_DB" --today 2025-06-30 --learners "$LEARNERS" --years 1 --seed 7 >/dev/null
        say "cairn train"
        $CAIRN train --db "$SRC_DB" >/dev/null
        D=$(q "$SRC_DB" "SELECT date(julianday(min(start_date)) + CAST((julianday(max(end_date))
            - julianday(min(start_date))) * 3 / 4 AS INTEGER)) FROM term")
        say "cairn score --asof $D"
        $CAIRN score --db "$SRC_DB" --asof "$D" >/dev/null
        q "$SRC_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
        cp "$SRC_DB" "$CASES_DB"
        ORIGIN="\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score --asof $D\`"
    fi
    if [ "$(q "$CASES_DB" "PRAGMA page_size")" != 4096 ]; then
        say "rewriting the copy with 4 KiB pages (VACUUM)"
        q "$CASES_DB" "PRAGMA journal_mode=DELETE; PRAGMA page_size=4096; VACUUM; PRAGMA journal_mode=WAL;" >/dev/null
        ORIGIN="$ORIGIN, rewritten with 4 KiB pages (VACUUM)"
    fi
    $CAIRN init --db "$CASES_DB" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; exit 1; }
    A=$(q "$CASES_DB" "SELECT max(asof) FROM risk_score")
    if [ "$(q "$CASES_DB" "SELECT count(*) FROM school_trend_month WHERE asof = '$A'")" = 0 ]; then
        say "cairn score --asof $A (stores the trend an older build did not)"
        $CAIRN score --db "$CASES_DB" --asof "$A" >/dev/null
    fi
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
# the keyring of the sealed texts and the audit log's head file go with it
for f in key audit-head; do if [ -f "$CASES_DB.$f" ]; then cp "$CASES_DB.$f" "$DB.$f"; fi; done
# Bring the copy's schema up to this build (timed: new indexes are built here).
T0=$(date +%s.%N)
$CAIRN init --db "$DB" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; exit 1; }
INIT_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
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
free_port() {   # a free loopback port, asked of the kernel
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() {   # wait_http URL: up to 30 s until it answers at all
    local i
    for i in $(seq 1 300); do
        curl -s -o /dev/null --max-time 2 "$1" && return 0
        sleep 0.1
    done
    return 1
}
CAIRN_PORT=$(free_port)
BASE=http://127.0.0.1:$CAIRN_PORT
THREADS=$(nproc)
say "cairn serve on $BASE with $THREADS threads"
$CAIRN serve --db "$DB" --listen "127.0.0.1:$CAIRN_PORT" --threads "$THREADS" --score-at off 2>"$OUT/serve.log" &
CAIRN_PID=$!
wait_http "$BASE/healthz" || { cat "$OUT/serve.log" >&2; die "cairn serve did not start"; }

# Sign in: GET /login (pre-login cookie, csrf field), POST /login.
JAR=$OUT/cookies.txt
curl -s -c "$JAR" -b "$JAR" -o "$OUT/login.html" "$BASE/login"
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$OUT/login.html" | head -1)
[ -n "$CSRF" ] || die "the sign-in page has no csrf field"
code=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' -X POST \
    --data-urlencode "csrf=$CSRF" --data-urlencode "username=$USER" \
    --data-urlencode "password=$PASSWORD" "$BASE/login")
[ "$code" = 303 ] || die "signing in answered $code, not 303"
COOKIE=$(sed 's/^#HttpOnly_//' "$JAR" | awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }')
[ -n "$COOKIE" ] || die "no session cookie after signing in"

# The pages, saved for nginx.
STATIC=$OUT/static
mkdir -p "$STATIC"
fetch() {   # fetch PATH FILE: 200 or die
    local c
    c=$(curl -s -o "$2" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$1")
    [ "$c" = 200 ] || die "GET $1 answered $c"
}
fetch / "$STATIC/home.html"
grep -q "/cases/$CASE" "$STATIC/home.html" || say "note: the home page does not link case $CASE"
fetch "/cases/$CASE" "$STATIC/case.html"
HOME_BYTES=$(stat -c %s "$STATIC/home.html")
CASE_BYTES=$(stat -c %s "$STATIC/case.html")
chmod a+rX "$OUT"; chmod -R a+rX "$STATIC"   # for nginx; the keyring stays the owner's (cairn refuses it otherwise)

# ---- nginx: the same pages as static files ------------------------------------------
NGINX_PORT=$(free_port)
NGX=$(mktemp -d /tmp/cairn-bench-nginx.XXXXXX)
mkdir -p "$NGX/tmp"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"   # as root nginx would switch to nobody
cat >"$NGX/nginx.conf" <<NGINX
# minimal: the current user, files in a temporary directory, no access log
$USER_LINE
worker_processes $THREADS;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    types { text/html html; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $(pwd)/$STATIC;
    }
}
NGINX
NGINX_BASE=http://127.0.0.1:$NGINX_PORT
say "nginx on $NGINX_BASE"
nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" &
NGINX_PID=$!
wait_http "$NGINX_BASE/case.html" || { cat "$NGX/error.log" >&2; die "nginx did not start"; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$NGINX_BASE/home.html")" = 200 ] ||
    die "nginx does not serve home.html"

# ---- the measured runs -----------------------------------------------------------------
# wrk's latency with its unit (us, ms, s) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                                  else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
# run NAME URL [wrk options...]: one wrk run; appends "NAME p50 p90 p99 rps errors load" to runs.txt
run() {
    local name=$1 url=$2 f load p50 p90 p99 rps errs; shift 2
    f=$OUT/wrk-$name-$ROUND.txt
    load=$(cut -d' ' -f1 /proc/loadavg)
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$@" "$url" >"$f"
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$f")")
    p90=$(to_ms "$(awk '$1 == "90%" { print $2 }' "$f")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$f")")
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f")
    errs=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
                END { print n + 0 }' "$f")
    echo "$name $p50 $p90 $p99 $rps $errs $load" >>"$OUT/runs.txt"
    say "  $name: p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, $rps req/s, errors $errs (load $load)"
}
say "warming up (5 s each)"
for url in "$BASE/" "$BASE/cases/$CASE"; do
    wrk -t"$WRK_THREADS" -c"$CONNS" -d5s -H "Cookie: $COOKIE" "$url" >/dev/null
done
wrk -t"$WRK_THREADS" -c"$CONNS" -d5s "$NGINX_BASE/home.html" >/dev/null
: >"$OUT/runs.txt"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ROUND in $(seq 1 "$ROUNDS"); do
    say "round $ROUND of $ROUNDS: wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency"
    run cairn_home "$BASE/" -H "Cookie: $COOKIE"
    run nginx_home "$NGINX_BASE/home.html"
    run cairn_case "$BASE/cases/$CASE" -H "Cookie: $COOKIE"
    run nginx_case "$NGINX_BASE/case.html"
done
AUDIT_ROWS=$(q "$DB" "SELECT count(*) FROM audit_event WHERE action = 'case.view'")
stop_servers
rm -rf "$NGX"

# ---- the table ---------------------------------------------------------------------------
# row NAME LABEL: the best round (lowest p99) and the spread over the rounds.
row() {
    awk -v n="$1" -v label="$2" '$1 == n {
            k++; if (k == 1 || $4 < b4) { b2 = $2; b3 = $3; b4 = $4; b5 = $5 }
            if (k == 1 || $4 < lo) lo = $4; if (k == 1 || $4 > hi) hi = $4
            if (k == 1 || $5 < rlo) rlo = $5; if (k == 1 || $5 > rhi) rhi = $5; e += $6 }
        END { printf "| %s | %s | %s | **%s** | %s | %s–%s | %s–%s | %d |\n",
                     label, b2, b3, b4, b5, lo, hi, rlo, rhi, e }' "$OUT/runs.txt"
}
best_p99() { awk -v n="$1" '$1 == n { if (!k++ || $4 < b) b = $4 } END { print b }' "$OUT/runs.txt"; }
CAIRN_HOME_P99=$(best_p99 cairn_home)
CAIRN_CASE_P99=$(best_p99 cairn_case)
verdict() {   # verdict PAGE P99
    if awk -v p="$2" -v g="$GOAL_MS" 'BEGIN { exit !(p < g) }'; then echo "$1: **goal met** (p99 $2 ms < $GOAL_MS ms)."
    else echo "$1: **goal NOT met** (p99 $2 ms, goal under $GOAL_MS ms)."; fi
}
# service_row PATH LABEL: the server's own time per request of PATH (ms,
# from the access log lines "req=N GET PATH 200 12.3ms").
service_row() {
    awk -v p="$1" '$3 == "GET" && $4 == p && $5 == 200 { sub("ms", "", $6); print $6 }' "$OUT/serve.log" |
        sort -g | awk -v label="$2" '
            function at(f,  k) { k = int(NR * f + 0.5); if (k < 1) k = 1; return v[k] }
            { v[NR] = $1 }
            END { if (!NR) { printf "| %s | 0 | | | |\n", label; exit }
                  printf "| %s | %d | %.1f ms | %.1f ms | %.1f ms |\n", label, NR,
                         at(0.5), at(0.9), at(0.99) }'
}
LOADS=$(awk '{ print $7 }' "$OUT/runs.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')

SECTION=$(cat <<MD
## Case pages

\`bench/case_wrk.sh $LEARNERS $CASES\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)), $(date -u +%Y-%m-%d); load average
(1, 5, 15 min) before the first round: $LOAD_BEFORE; 1-minute load before the
runs: $LOADS (the machine was shared while measuring).
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
$(nginx -v 2>&1 | sed 's|.*/||') (\`worker_processes $THREADS\`, \`sendfile on\`, access log off)
serving copies of the same two pages saved with curl, on another loopback port.

Each target: \`wrk -t$WRK_THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency [-H 'Cookie: cairn_session=…'] URL\`
(wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }')), on the same machine as the server, the four in
turn, $ROUNDS rounds after a 5-second warm-up each.  Latency in ms; the best
round (lowest p99) of each, then the spread of p99 and requests/s over the
rounds; errors = non-2xx answers and socket errors over all rounds.

| target | p50 | p90 | p99 | req/s | p99 spread | req/s spread | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
$(row cairn_home "cairn \`/\` (key worker)")
$(row nginx_home "nginx, static copy of the home page")
$(row cairn_case "cairn \`/cases/$CASE\`")
$(row nginx_case "nginx, static copy of the case page")

Goal, cairn's p99 under $GOAL_MS ms at $CONNS connections:
$(verdict "home page" "$CAIRN_HOME_P99")
$(verdict "case page" "$CAIRN_CASE_P99")

The time cairn itself spent on each request, from the request line to the
answer queued (its access log, all rounds):

| page | requests | median | p90 | p99 |
|---|---:|---:|---:|---:|
$(service_row / "\`/\`")
$(service_row "/cases/$CASE" "\`/cases/$CASE\`")
MD
)
scripts/bench-section.sh docs/benchmarks.md "Case pages" "$SECTION"
echo "$SECTION"
