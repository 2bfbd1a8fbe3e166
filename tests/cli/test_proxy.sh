#!/bin/bash
# tests/cli/test_proxy.sh — cairn behind nginx with TLS, as docs/deploy.md
# describes it.
#
#   CAIRN=build/rel/cairn bash tests/cli/test_proxy.sh      (from the repository root)
#
# Takes the nginx server blocks from docs/deploy.md as they are written there,
# changes only what a test must (free loopback ports instead of 80 / 443 /
# 8080, a self-signed certificate made with openssl in the temporary
# directory, no IPv6 listen lines), runs nginx as the current user on them
# and `cairn serve --behind-proxy` behind it, and checks with curl -k through
# TLS: the sign-in page answers with HSTS, its cookie and the session cookie
# after signing in come back as __Host-...; Secure, the session works through
# the proxy, plain HTTP redirects to HTTPS, and the same cairn asked directly
# (no X-Forwarded-Proto) gives the plain cookie without Secure.
#
# Prints one "ok - ..." / "not ok - ..." line per check and ends with
# "N passed, M failed"; exits non-zero if anything failed.  Needs curl,
# nginx and openssl (scripts/deps.sh check installs them).
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1
DOC="$(dirname "$0")/../../docs/deploy.md"
NGINX_PID=""

need_cairn
need_curl
for tool in nginx openssl; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        not_ok "$tool is not installed (scripts/deps.sh check installs it)"
        done_testing
    fi
done
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

# Stop nginx too when the test ends (lib.sh's cleanup stops cairn).
proxy_cleanup() {
    if [ -n "$NGINX_PID" ]; then
        kill -QUIT "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
    fi
    lib_cleanup
}
trap proxy_cleanup EXIT

# free_port: a port in 30000-39999 that nothing listens on.
free_port() {
    local p i
    for i in $(seq 1 50); do
        p=$((30000 + (RANDOM % 10000)))
        curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null
        [ $? -eq 7 ] && { echo "$p"; return 0; }   # 7: connection refused
    done
    return 1
}

# ---- the school, the account and cairn serve --behind-proxy --------------------
DB=$TMP/proxy.db
if ! "$CAIRN" demo --db "$DB" --today 2026-06-30 --learners 50 >/dev/null 2>"$TMP/demo.err"; then
    not_ok "cairn demo --learners 50"; sed 's/^/# /' "$TMP/demo.err" | tail -5
    done_testing
fi
if ! printf 'proxy test password\n' | CAIRN_PWHASH_FAST=1 "$CAIRN" user add proxytest \
       --role school_leader --password-stdin --db "$DB" >/dev/null 2>"$TMP/user.err"; then
    not_ok "cairn user add proxytest"; sed 's/^/# /' "$TMP/user.err"
    done_testing
fi
if start_server "$DB" "$TMP/serve.log" --behind-proxy; then
    ok "cairn serve --behind-proxy starts"
else
    not_ok "cairn serve --behind-proxy starts"; sed 's/^/# /' "$TMP/serve.log" | tail -5
    done_testing
fi

# ---- a self-signed certificate ------------------------------------------------------
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
       -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>"$TMP/openssl.err"; then
    ok "openssl made a self-signed certificate"
else
    not_ok "openssl made a self-signed certificate"; sed 's/^/# /' "$TMP/openssl.err" | tail -3
    done_testing
fi

# ---- nginx with docs/deploy.md's server blocks -------------------------------------
HTTP_PORT=$(free_port) && TLS_PORT=$(free_port) || {
    not_ok "no free port for nginx"; done_testing; }
# The ```nginx block of the document, with ports, addresses and paths made local.
awk '/^```nginx$/ { on = 1; next } on && /^```$/ { exit } on { print }' "$DOC" |
    sed -e '/listen \[::\]/d' \
        -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
        -e "s|listen 443 |listen 127.0.0.1:$TLS_PORT |" \
        -e "s|/etc/letsencrypt/live/[^;]*/fullchain.pem|$TMP/cert.pem|" \
        -e "s|/etc/letsencrypt/live/[^;]*/privkey.pem|$TMP/key.pem|" \
        -e "s|/var/www/letsencrypt|$TMP/acme|" \
        -e "s|proxy_pass http://127.0.0.1:8080;|proxy_pass http://127.0.0.1:$PORT;|" \
        > "$TMP/cairn-site.conf"
if grep -q "proxy_pass http://127.0.0.1:$PORT;" "$TMP/cairn-site.conf" &&
   grep -q "listen 127.0.0.1:$TLS_PORT ssl" "$TMP/cairn-site.conf"; then
    ok "docs/deploy.md has the nginx server blocks (listen 443 ssl, proxy_pass to 8080)"
else
    not_ok "docs/deploy.md has the nginx server blocks (listen 443 ssl, proxy_pass to 8080)"
    done_testing
fi
mkdir -p "$TMP/nginx/tmp" "$TMP/acme"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"   # as root nginx would switch to nobody
cat > "$TMP/nginx/nginx.conf" <<NGINX
$USER_LINE
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
daemon off;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    include $TMP/cairn-site.conf;
}
NGINX
if "$NGINX" -t -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
       >"$TMP/nginx-t.log" 2>&1; then
    ok "nginx -t accepts the configuration"
else
    not_ok "nginx -t accepts the configuration"; sed 's/^/# /' "$TMP/nginx-t.log" | tail -5
    done_testing
fi
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" 2>>"$TMP/nginx/error.log" &
NGINX_PID=$!
BASE=https://127.0.0.1:$TLS_PORT
for i in $(seq 1 100); do
    curl -sk --max-time 1 -o /dev/null "$BASE/healthz" 2>/dev/null && break
    sleep 0.1
done

# ---- through TLS ---------------------------------------------------------------------------
JAR=$TMP/jar
code=$(http "$BASE/login" -k -c "$JAR" -b "$JAR")
check "GET /login through TLS answers 200 (got $code)" [ "$code" = 200 ]
check "the sign-in page has a csrf field" [ -n "$(csrf_of)" ]
check "nginx adds Strict-Transport-Security" has_header Strict-Transport-Security 'max-age=31536000'
check "the pre-sign-in cookie is __Host-cairn-login, Secure" \
    has_header Set-Cookie '__Host-cairn-login=[0-9a-f]+;.*Secure'
check "... and HttpOnly" has_header Set-Cookie '__Host-cairn-login=.*HttpOnly'

code=$(sign_in "$JAR" proxytest "proxy test password" -k)
check "signing in through TLS answers 303 (got $code)" [ "$code" = 303 ]
check "the session cookie is __Host-cairn; Path=/; ...; Secure" \
    has_header Set-Cookie '__Host-cairn=[0-9a-f]+; Path=/; HttpOnly; SameSite=Lax; Secure'
code=$(http "$BASE/programmes" -k -b "$JAR")
check "with the session, /programmes through the proxy answers 200 (got $code)" [ "$code" = 200 ]
code=$(http "$BASE/programmes" -k)
check "without it, /programmes does not answer 200 (got $code)" [ "$code" != 200 ]

# ---- plain HTTP and cairn directly --------------------------------------------------------------
code=$(http "http://127.0.0.1:$HTTP_PORT/login")
check "plain HTTP answers 301 (got $code)" [ "$code" = 301 ]
check "... to https://" has_header Location 'https://127\.0\.0\.1(:[0-9]+)?/login'
code=$(http "http://127.0.0.1:$PORT/login")
check "cairn asked directly answers 200 (got $code)" [ "$code" = 200 ]
check "... with the plain cookie cairn_login, without Secure" \
    sh -c "tr -d '\r' < '$TMP/headers' | grep -i '^Set-Cookie: cairn_login=' | grep -vq Secure"

stop_server
check "cairn serve stops with status 0 (got $STOP_STATUS)" [ "$STOP_STATUS" = 0 ]
done_testing
