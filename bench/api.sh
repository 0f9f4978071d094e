#!/usr/bin/env bash
# The JSON API's benchmark: the same server, data set and wrk settings as bench/search.sh (which
# this runs once per script), for the API's three hot reads:
#   bench/api-search.lua   GET /api/v1/listings with a place, dates and guests
#   bench/api-listing.lua  GET /api/v1/listings/{id} (details, photos, host, rating)
#   bench/api-quote.lua    GET /api/v1/listings/{id}/quote for a stay
# Variables as bench/search.sh's. See README "Benchmark".
set -euo pipefail
cd "$(dirname "$0")/.."
for name in search listing quote; do
  echo "==== API: $name"
  SCRIPT=bench/api-$name.lua bench/search.sh
done
