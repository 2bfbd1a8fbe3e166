#!/bin/sh
# scripts/browser-deps.sh — what the browser tests (tests/browser) and the
# screenshots (scripts/screenshots.sh) need besides the Debian packages of
# `scripts/deps.sh check` (chromium, nodejs): npm, and the npm packages
# pinned in package-lock.json (only playwright-core) in ./node_modules.
#
#   scripts/browser-deps.sh      install what is missing; quiet when nothing is
#
# Runs `npm ci --no-audit --no-fund` when node_modules/playwright-core is
# missing, is not the version package-lock.json pins, or was installed
# before package-lock.json last changed.  npm itself: the machine's Node.js
# may bring its own (NodeSource's nodejs provides npm and conflicts with
# Debian's npm package); only when there is no npm at all is Debian's
# installed (as root; otherwise the command is printed).  Playwright's own
# browser downloads are never used: the tests drive /usr/bin/chromium.
set -eu
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
    echo "cairn: node is missing; run scripts/deps.sh check (Debian package nodejs)" >&2
    exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
    echo "cairn: the browser tests need Node.js 20 or newer (playwright-core); this is $(node --version)" >&2
    exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "cairn: installing Debian package: npm" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >&2
    else
        echo "cairn: npm is missing; install it with:" >&2
        echo "    sudo apt-get install -y --no-install-recommends npm" >&2
        exit 1
    fi
fi

stale=0
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/.package-lock.json ] ||
   [ node_modules/.package-lock.json -ot package-lock.json ]; then
    stale=1
elif ! node -e '
    const lock = require("./package-lock.json").packages["node_modules/playwright-core"];
    const have = require("./node_modules/playwright-core/package.json").version;
    process.exit(lock && lock.version === have ? 0 : 1);' 2>/dev/null; then
    stale=1
fi
if [ "$stale" = 1 ]; then
    echo "cairn: installing the npm packages of package-lock.json (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
fi
