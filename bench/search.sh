#!/usr/bin/env bash
# Search benchmark: wrk against a release build of Roost, 64 connections for 30 seconds, with
# search URLs rotating cities, dates and guests (bench/search.lua). Prints latency
# percentiles. See README "Benchmark".
#
#   bench/search.sh         # uses the data set in $ROOST_DATA_DIR (seeded on first use)
#   SEED=1 bench/search.sh  # adds 100 000 listings and 1 000 000 bookings first
#
# Variables: DURATION (30s), WARMUP (20s), CONNECTIONS (64), THREADS (2),
# SCRIPT (the wrk script: bench/search.lua; bench/api.sh runs the API's scripts through here),
# and bench/serve.sh's: PORT (8089), ROOST_DATA_DIR (target/roost-bench), BUILD (1), SEED.
# bench/pages.sh measures search beside the listing page, the home page and the API's listing
# detail in one run, with CPU per request.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
SCRIPT=${SCRIPT:-bench/search.lua}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
source bench/serve.sh

# Long enough to read the covering indexes into memory: right after a seed or a restart the
# first searches read them from disk (single statements took over a second then).
echo "== warming up (${WARMUP:-20s})"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-20s}" -s "$SCRIPT" "http://$ROOST_BIND" >/dev/null

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s $SCRIPT"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$SCRIPT" "http://$ROOST_BIND"
