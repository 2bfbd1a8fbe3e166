#!/bin/bash
# scripts/screenshots.sh — PNGs of the main staff pages in every language,
# into docs/screenshots/ (with a README.md listing them).
#
#   scripts/screenshots.sh            uses build/rel/cairn (make build/rel/cairn)
#   CAIRN=path/to/cairn scripts/screenshots.sh
#
# Makes the demo school the browser tests use (tests/browser/school.sh),
# serves it on a free loopback port, and runs tests/browser/screenshots.mjs
# in Debian's chromium.  Rewrites docs/screenshots/ only: the browser tests
# (make check) never write there.  Needs what the browser tests need:
# scripts/deps.sh check, then scripts/browser-deps.sh (run here).
set -u
cd "$(dirname "$0")/.." || exit 1
CAIRN=${CAIRN:-build/rel/cairn}
OUT=docs/screenshots

if [ ! -x "$CAIRN" ]; then
    echo "screenshots: $CAIRN is not built; run: make build/rel/cairn" >&2
    exit 1
fi
scripts/browser-deps.sh || exit 1
[ -x "${CAIRN_CHROMIUM:-/usr/bin/chromium}" ] || {
    echo "screenshots: ${CAIRN_CHROMIUM:-/usr/bin/chromium} is missing; run scripts/deps.sh check" >&2
    exit 1
}

. tests/cli/lib.sh || exit 1
. tests/browser/school.sh || exit 1
if ! browser_school "$TMP/shots.db"; then
    echo "screenshots: could not make the demo school:" >&2
    tail -5 "$TMP/setup.err" >&2
    exit 1
fi
if ! start_server "$TMP/shots.db" "$TMP/serve.log"; then
    echo "screenshots: the server did not start:" >&2
    tail -10 "$TMP/serve.log" >&2
    exit 1
fi

# Into a new folder first, so a failed run leaves the old shots in place.
mkdir -p "$TMP/shots"
if ! CAIRN_BASE="http://127.0.0.1:$PORT" CAIRN_ACCOUNTS="$ACCOUNTS" CAIRN_SHOTS="$TMP/shots" \
        timeout 600 node tests/browser/screenshots.mjs; then
    echo "screenshots: failed; $OUT is unchanged" >&2
    exit 1
fi
stop_server
mkdir -p "$OUT"
rm -f "$OUT"/*.png "$OUT/README.md"
cp "$TMP/shots"/* "$OUT/"
echo "screenshots: $(ls "$OUT"/*.png | wc -l) PNGs and README.md in $OUT"
