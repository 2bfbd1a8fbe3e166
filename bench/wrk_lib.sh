#!/bin/bash
# bench/wrk_lib.sh — what bench/web_wrk.sh and bench/case_wrk.sh share:
# the scored demo school, `cairn serve` and nginx started and stopped,
# signing in, the wrk rounds and the result table.  Sourced, never run:
#
#   OUT=bench/out/NAME; LEARNERS=N; . bench/wrk_lib.sh
#
# The caller sets OUT (its output folder, emptied here) and LEARNERS before
# sourcing, and USER and PASSWORD before sign_in; it may set WEB_ROUNDS and
# WEB_DURATION in the environment.  Both servers (and a peer the caller
# started, PEER_PID) are stopped at exit, also on failure or Ctrl-C.

ROUNDS=${WEB_ROUNDS:-3}
DURATION=${WEB_DURATION:-20s}
CONNS=64
TIMEOUT=10s                  # wrk drops slower answers from its latencies
WRK_THREADS=2
GOAL_MS=25
CAIRN=build/rel/cairn
SRC_DB=bench/out/score/school.db

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
q() { sqlite3 "$1" "$2"; }

for tool in wrk nginx curl sqlite3; do
    command -v "$tool" >/dev/null || die "$tool is missing: scripts/deps.sh bench installs it"
done
[ -x "$CAIRN" ] || die "$CAIRN is missing: make build/rel/cairn"

rm -rf "$OUT"; mkdir -p "$OUT"
CAIRN_PID=""; NGINX_PID=""; PEER_PID=""
# Stop cairn, the peer and nginx, those that run.
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

# scored_school DEST: DEST becomes a copy of the scored demo school of
# bench/score_asof.sh ($SRC_DB), built there first (`cairn demo --years 1
# --seed 7`, `cairn train`, `cairn score`: several minutes) when it does not
# hold LEARNERS learners and scores, so the next run copies it; ORIGIN says
# how the school was made.
scored_school() {
    local dest=$1 d
    if has_scores "$SRC_DB"; then
        say "copying the scored demo school of bench/score_asof.sh ($SRC_DB)"
        cp "$SRC_DB" "$dest"
        ORIGIN="the scored school bench/score_asof.sh built (\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score\`), copied"
        return
    fi
    say "building the demo school: $LEARNERS learners, one school year (several minutes)"
    mkdir -p "$(dirname "$SRC_DB")"; rm -f "$SRC_DB" "$SRC_DB"-wal "$SRC_DB"-shm
    $CAIRN demo --db "$SRC_DB" --today 2025-06-30 --learners "$LEARNERS" --years 1 --seed 7 >/dev/null
    say "cairn train"
    $CAIRN train --db "$SRC_DB" >/dev/null
    d=$(q "$SRC_DB" "SELECT date(julianday(min(start_date)) + CAST((julianday(max(end_date))
        - julianday(min(start_date))) * 3 / 4 AS INTEGER)) FROM term")
    say "cairn score --asof $d"
    $CAIRN score --db "$SRC_DB" --asof "$d" >/dev/null
    q "$SRC_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$SRC_DB" "$dest"
    ORIGIN="\`cairn demo --learners $LEARNERS --years 1 --seed 7\`, \`cairn train\`, \`cairn score --asof $d\`"
}

# pages_4k DB: a school made by a build that used 16 KiB pages is rewritten
# with the 4 KiB pages new databases get now (src/store/store_sqlite.c);
# true when it was rewritten.
pages_4k() {
    [ "$(q "$1" "PRAGMA page_size")" != 4096 ] || return 1
    say "rewriting the copy with 4 KiB pages (VACUUM)"
    q "$1" "PRAGMA journal_mode=DELETE; PRAGMA page_size=4096; VACUUM; PRAGMA journal_mode=WAL;" >/dev/null ||
        die "could not rewrite $1 with 4 KiB pages"
}

# init_timed DB: bring DB's schema up to this build (new indexes are built
# here); INIT_S the seconds it took.
init_timed() {
    local t0
    t0=$(date +%s.%N)
    $CAIRN init --db "$1" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; exit 1; }
    INIT_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

# trend_stored DB: a school scored by an older build has no stored trend for
# its last date: score that date again (the scores stay as they are; the
# trend is written), as the nightly run of a school that upgraded would.
trend_stored() {
    local a
    a=$(q "$1" "SELECT max(asof) FROM risk_score")
    if [ "$(q "$1" "SELECT count(*) FROM school_trend_month WHERE asof = '$a'")" = 0 ]; then
        say "cairn score --asof $a (stores the trend an older build did not)"
        $CAIRN score --db "$1" --asof "$a" >/dev/null
    fi
}

# ---- the servers ------------------------------------------------------------------
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

# start_cairn DB: `cairn serve` on DB with one thread a core, no nightly
# scoring, its log in $OUT/serve.log; sets THREADS, BASE and CAIRN_PID.
start_cairn() {
    local port
    port=$(free_port)
    BASE=http://127.0.0.1:$port
    THREADS=$(nproc)
    say "cairn serve on $BASE with $THREADS threads"
    $CAIRN serve --db "$1" --listen "127.0.0.1:$port" --threads "$THREADS" --score-at off 2>"$OUT/serve.log" &
    CAIRN_PID=$!
    wait_http "$BASE/healthz" || { cat "$OUT/serve.log" >&2; die "cairn serve did not start"; }
}

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

fetch() {   # fetch PATH FILE: GET PATH of cairn with $COOKIE into FILE; 200 or die
    local c
    c=$(curl -s -o "$2" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$1")
    [ "$c" = 200 ] || die "GET $1 answered $c"
}

# start_nginx ROOT FIRST SECOND: nginx serving the files of ROOT, one worker
# a core (THREADS), waited for until it serves FIRST and SECOND (file
# names); sets NGX (its folder; remove it after stop_servers), NGINX_BASE
# and NGINX_PID.
start_nginx() {
    local root=$1 first=$2 second=$3 port user_line=""
    port=$(free_port)
    NGX=$(mktemp -d /tmp/cairn-bench-nginx.XXXXXX)
    mkdir -p "$NGX/tmp"
    [ "$(id -u)" = 0 ] && user_line="user root;"   # as root nginx would switch to nobody
    cat >"$NGX/nginx.conf" <<NGINX
# minimal: the current user, files in a temporary directory, no access log
$user_line
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
        listen 127.0.0.1:$port;
        root $(pwd)/$root;
    }
}
NGINX
    NGINX_BASE=http://127.0.0.1:$port
    say "nginx on $NGINX_BASE"
    nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" &
    NGINX_PID=$!
    wait_http "$NGINX_BASE/$first" || { cat "$NGX/error.log" >&2; die "nginx did not start"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$NGINX_BASE/$second")" = 200 ] ||
        die "nginx does not serve $second"
}

# ---- the measured runs -----------------------------------------------------------------
# wrk's latency with its unit (us, ms, s) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                                  else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
# run NAME URL [wrk options...]: one wrk run of round $ROUND; appends "NAME
# p50 p90 p99 rps errors load" to runs.txt
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
warm() {   # warm URL [wrk options...]: 5 s of wrk, not measured
    local url=$1; shift
    wrk -t"$WRK_THREADS" -c"$CONNS" -d5s "$@" "$url" >/dev/null
}
# rounds_begin: empty runs.txt, LOAD_BEFORE the load average now.
rounds_begin() {
    : >"$OUT/runs.txt"
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
}
round_say() { say "round $ROUND of $ROUNDS: wrk -t$WRK_THREADS -c$CONNS -d$DURATION --latency"; }

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
# loads: the lowest and highest 1-minute load before the runs, "lo–hi".
loads() {
    awk '{ print $7 }' "$OUT/runs.txt" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'
}
# machine_text: the machine and the load, the sentence after the command in
# docs/benchmarks.md (after rounds_begin and the rounds).
machine_text() {
    cat <<MD
on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)), $(date -u +%Y-%m-%d); load average
(1, 5, 15 min) before the first round: $LOAD_BEFORE; 1-minute load before the
runs: $(loads) (the machine was shared while measuring).
MD
}
# nginx_text: the ceiling's version and settings, for docs/benchmarks.md.
nginx_text() {
    echo "$(nginx -v 2>&1 | sed 's|.*/||') (\`worker_processes $THREADS\`, \`sendfile on\`, access log off)"
}
