#!/bin/bash
# bench/run.sh — every benchmark; what `make bench` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/import_attendance.sh "$@"
bench/score_asof.sh
bench/web_wrk.sh            # uses the school bench/score_asof.sh built
bench/case_wrk.sh           # the same school with 10,000 cases (kept in bench/out/cases)
