#!/bin/sh
# scripts/deps.sh — install the Debian packages cairn needs, if any are missing.
#
#   scripts/deps.sh          what `make run` needs (build + run)
#   scripts/deps.sh check    also what `make check` needs (PostgreSQL server,
#                            clang + libFuzzer, cmocka, curl, gettext for
#                            msgfmt --check in tests/cli/test_i18n_cli.sh,
#                            chromium + nodejs for tests/browser (the npm
#                            packages: scripts/browser-deps.sh), nginx +
#                            openssl for tests/cli/test_proxy.sh, python3 for
#                            the source checks of scripts/lint/, python3-aiosmtpd
#                            for the SMTP server of tests/cli/test_mail.sh)
#   scripts/deps.sh bench    also what `make bench` needs (wrk, nginx, perf,
#                            pandas + xgboost for the scoring peer)
#
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

# libcrack2-dev: the password check (links -lcrack); cracklib-runtime: its
# dictionary, /var/cache/cracklib/cracklib_dict.pwd (web/password_policy.c)
# libcurl4-openssl-dev: the mail worker's SMTP client (web/mail_worker.c)
# chromium: the learner contract as PDF (headless --print-to-pdf,
# web/support/contract_print.c)
RUN_PKGS="gcc make pkg-config libsqlite3-dev libpq-dev libjansson-dev libsodium-dev libmicrohttpd-dev libxgboost-dev libcrack2-dev cracklib-runtime libcurl4-openssl-dev chromium"
CHECK_PKGS="postgresql clang libclang-rt-14-dev libcmocka-dev curl sqlite3 gettext python3 chromium nodejs nginx openssl python3-aiosmtpd"
BENCH_PKGS="postgresql sqlite3 time python3-pandas python3-xgboost wrk nginx linux-perf"

want="$RUN_PKGS"
case "${1:-run}" in
    run) ;;
    check) want="$want $CHECK_PKGS" ;;
    bench) want="$want $CHECK_PKGS $BENCH_PKGS" ;;
    *) echo "usage: scripts/deps.sh [run|check|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "cairn: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2
else
    echo "cairn: these Debian packages are missing:$missing" >&2
    echo "install them with:" >&2
    echo "    sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
