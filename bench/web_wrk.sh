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
ROUNDS=${WEB_ROUNDS:-3}
DURATION=${WEB_DURATION:-20s}
CONNS=64
TIMEOUT=10s                  # wrk drops slower answers from its latencies
WRK_THREADS=2
GOAL_MS=25
CAIRN=build/rel/cairn
OUT=bench/out/web
DB=$OUT/school.db
SRC_DB=bench/out/score/school.db
PEER=${WEB_PEER:-}
PEER_DB_SRC=${WEB_PEER_DB:-}
PEER_LABEL=${WEB_PEER_LABEL:-an earlier release}
if [ -n "$PEER" ]; then
    [ -x "$PEER" ] && [ -f "$PEER_DB_SRC" ] || { echo "bench: WEB_PEER needs WEB_PEER_DB" >&2; exit 1; }
    SRC_DB=$PEER_DB_SRC   # one school for both releases
fi

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
q() { sqlite3 "$1" "$2"; }

for tool in wrk nginx curl sqlite3; do
    command -v "$tool" >/dev/null || die "$tool is missing: scripts/deps.sh bench installs it"
done
[ -x "$CAIRN" ] || die "$CAIRN is missing: make build/rel/cairn"

rm -rf "$OUT"; mkdir -p "$OUT"
CAIRN_PID=""; NGINX_PID=""; PEER_PID=""
stop_servers() {
    if [ -n "$CAIRN_PID" ]; then kill -TERM "$CAIRN_PID" 2>/dev/null || true; wait "$CAIRN_PID" 2>/dev/null || true; fi
    if [ -n "$PEER_PID" ]; then kill -TERM "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; fi
    if [ -n "$NGINX_PID" ]; then kill -QUIT "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    CAIRN_PID=""; NGINX_PID=""; PEER_PID=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the school ----------------------------------------------------------------
has_scores() {   # has_scores DB: the file holds LEARNERS learners and scores
    [ -f "$1" ] && [ "$(q "$1" "SELECT count(*) FROM learner" 2>/dev/null || echo 0)" = "$LEARNERS" ] &&
        [ "$(q "$1" "SELECT count(*) FROM risk_score" 2>/dev/null || echo 0)" -gt 0 ]
}
if has_scores "$SRC_DB"; then
    say "copying the scored demo school of bench/score_asof.sh ($SRC_DB)"
    cp "$SRC_DB" "$DB"
    ORIGIN="the scored school bench/score_asof.sh built (\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score\`), copied"
else
    # Built where bench/score_asof.sh keeps its school, so the next run copies it.
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
    cp "$SRC_DB" "$DB"
    ORIGIN="\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score --asof $D\`"
fi
# A school made by a build that used 16 KiB pages: rewrite the copy with the
# 4 KiB pages new databases get now (src/store/store_sqlite.c).
if [ "$(q "$DB" "PRAGMA page_size")" != 4096 ]; then
    say "rewriting the copy with 4 KiB pages (VACUUM)"
    q "$DB" "PRAGMA journal_mode=DELETE; PRAGMA page_size=4096; VACUUM; PRAGMA journal_mode=WAL;" >/dev/null
    ORIGIN="$ORIGIN, rewritten with 4 KiB pages (VACUUM), as a database made by this build has"
fi
# Bring the copy's schema up to this build (timed: new indexes are built here).
T0=$(date +%s.%N)
$CAIRN init --db "$DB" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; exit 1; }
INIT_S=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
INST_CODE=$(q "$DB" "SELECT code FROM institution ORDER BY id LIMIT 1")
N_LEARNERS=$(q "$DB" "SELECT count(*) FROM learner")
ASOF=$(q "$DB" "SELECT max(asof) FROM risk_score")
N_SCORED=$(q "$DB" "SELECT count(*) FROM risk_score WHERE asof = '$ASOF'")
# A school scored by an older build has no stored trend for its date: score
# that date again (the scores stay as they are; the trend is written), as
# the nightly run of a school that upgraded would.
if [ "$(q "$DB" "SELECT count(*) FROM school_trend_month WHERE asof = '$ASOF'")" = 0 ]; then
    say "cairn score --asof $ASOF (stores the trend an older build did not)"
    $CAIRN score --db "$DB" --asof "$ASOF" >/dev/null
fi
DB_MIB=$(($(stat -c %s "$DB") / 1048576))

# The school leader's account, on its own (`cairn user demo-accounts` would
# also make the other roles' accounts).
USER=bench-leader
# random, so that it passes the password rules (never the user name in it)
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d "/+=")
printf '%s\n' "$PASSWORD" | $CAIRN user add "$USER" --db "$DB" --role school_leader \
    --institution "$INST_CODE" --name "Bench Leader" --password-stdin >/dev/null

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

# sign_in BASE JAR: GET /login (pre-login cookie, csrf field), POST /login as
# $USER; prints the Cookie header's value.
sign_in() {
    local base=$1 jar=$2 csrf code
    curl -s -c "$jar" -b "$jar" -o "$OUT/login.html" "$base/login"
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$OUT/login.html" | head -1)
    [ -n "$csrf" ] || die "the sign-in page of $base has no csrf field"
    code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -X POST \
        --data-urlencode "csrf=$csrf" --data-urlencode "username=$USER" \
        --data-urlencode "password=$PASSWORD" "$base/login")
    [ "$code" = 303 ] || die "signing in at $base answered $code, not 303"
    sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }'
}
COOKIE=$(sign_in "$BASE" "$OUT/cookies.txt")
[ -n "$COOKIE" ] || die "no session cookie after signing in"

# The pages, saved for nginx; the learner is the first on the dashboard.
STATIC=$OUT/static
mkdir -p "$STATIC"
fetch() {   # fetch PATH FILE: 200 or die
    local c
    c=$(curl -s -o "$2" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$1")
    [ "$c" = 200 ] || die "GET $1 answered $c"
}
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
wait_http "$NGINX_BASE/learner.html" || { cat "$NGX/error.log" >&2; die "nginx did not start"; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$NGINX_BASE/dashboard.html")" = 200 ] ||
    die "nginx does not serve dashboard.html"

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
for url in "$BASE/dashboard" "$BASE/learners/$LEARNER"; do
    wrk -t"$WRK_THREADS" -c"$CONNS" -d5s -H "Cookie: $COOKIE" "$url" >/dev/null
done
if [ -n "$PEER" ]; then
    for url in "$PEER_BASE/dashboard" "$PEER_BASE/learners/$LEARNER"; do
        wrk -t"$WRK_THREADS" -c"$CONNS" -d5s -H "Cookie: $PEER_COOKIE" "$url" >/dev/null
    done
fi
wrk -t"$WRK_THREADS" -c"$CONNS" -d5s "$NGINX_BASE/dashboard.html" >/dev/null
: >"$OUT/runs.txt"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ROUND in $(seq 1 "$ROUNDS"); do
    say "round $ROUND of $ROUNDS: wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency"
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
CAIRN_DASH_P99=$(best_p99 cairn_dashboard)
CAIRN_LEARNER_P99=$(best_p99 cairn_learner)
verdict() {   # verdict PAGE P99
    if awk -v p="$2" -v g="$GOAL_MS" 'BEGIN { exit !(p < g) }'; then echo "$1: **goal met** (p99 $2 ms < $GOAL_MS ms)."
    else echo "$1: **goal NOT met** (p99 $2 ms, goal under $GOAL_MS ms)."; fi
}
# service_row PATH LABEL [LOG]: the server's own time per request of PATH (ms,
# from the access log lines "req=N GET PATH 200 12.3ms").
service_row() {
    awk -v p="$1" '$3 == "GET" && $4 == p && $5 == 200 { sub("ms", "", $6); print $6 }' "${3:-$OUT/serve.log}" |
        sort -g | awk -v label="$2" '
            function at(f,  k) { k = int(NR * f + 0.5); if (k < 1) k = 1; return v[k] }
            { v[NR] = $1 }
            END { if (!NR) { printf "| %s | 0 | | | |\n", label; exit }
                  printf "| %s | %d | %.1f ms | %.1f ms | %.1f ms |\n", label, NR,
                         at(0.5), at(0.9), at(0.99) }'
}
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
LOADS=$(awk '{ print $7 }' "$OUT/runs.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')

SECTION=$(cat <<MD
## Web pages

\`bench/web_wrk.sh $LEARNERS\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)), $(date -u +%Y-%m-%d); load average
(1, 5, 15 min) before the first round: $LOAD_BEFORE; 1-minute load before the
runs: $LOADS (the machine was shared while measuring).
The school: $ORIGIN —
$N_LEARNERS learners, $N_SCORED scored as of $ASOF, SQLite, $DB_MIB MiB; \`cairn init\` brought the
copy's schema up to this build in $INIT_S s.

\`cairn serve --threads $THREADS\` (SQLite, WAL), signed in as a school leader
(sees the whole institution).  The pages: \`GET /dashboard\` ($DASH_BYTES bytes:
counts per tier, the filter form, the 50 learners who need attention most)
and \`GET /learners/$LEARNER\` ($LEARNER_BYTES bytes: the learner at the top of
the dashboard; every view appends a \`learner.view\` event to the audit log's
hash chain — $AUDIT_ROWS were written during the runs).  The ceiling: nginx
$(nginx -v 2>&1 | sed 's|.*/||') (\`worker_processes $THREADS\`, \`sendfile on\`, access log off)
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
