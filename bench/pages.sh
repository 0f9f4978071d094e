#!/usr/bin/env bash
# The pages every visitor opens, measured in ONE run against one release server and one data
# set, one after the other: search (bench/search.lua), the listing page (bench/listing.lua), the
# home page (bench/home.lua), the API's listing detail (bench/api-listing.lua) and GraphQL's
# nested query of 20 listings (bench/graphql.lua, POSTed with a visitor's CSRF token). For each:
# requests per second, p99 latency, and CPU per request — the CPU time Roost and PostgreSQL
# (the postmaster and every backend, those that exited included) spent during the measured run,
# from /proc, divided by the requests wrk completed. wrk's own CPU is not counted.
#
#   bench/pages.sh
#   BUILD=0 CONNECTIONS="8 64 256" bench/pages.sh   # each page at each connection count
#   PAGES="search listing" bench/pages.sh
#
# Variables: PAGES ("search listing home api-listing graphql"), CONNECTIONS ("64", a list),
# DURATION (30s), WARMUP (20s per page and connection count), THREADS (2), and bench/serve.sh's:
# PORT (8089), ROOST_DATA_DIR (target/roost-bench), BUILD (1), SEED. Each wrk report is kept in
# $ROOST_DATA_DIR/bench-<page>-<connections>.txt. See README "Benchmark".
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-search listing home api-listing graphql}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
source bench/serve.sh

TICKS=$(getconf CLK_TCK)
# `setsid` runs Roost in its own process unless it had to fork first.
ROOST_PID=$SERVER
if [ "$(cat "/proc/$SERVER/comm")" = setsid ]; then
  ROOST_PID=$(pgrep -P "$SERVER" | head -n 1)
fi
PG_PID=$(head -n 1 "$ROOST_DATA_DIR/postgres/postmaster.pid")

# Fields of /proc/<pid>/stat after the command name (which may hold spaces): utime is the
# 12th, stime the 13th, cutime and cstime (children reaped) the 14th and 15th; in clock ticks.
stat_fields() {
  sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || true
}

# Roost: every thread of its one process.
roost_ticks() {
  stat_fields "$ROOST_PID" | awk '{ print $12 + $13 }'
}

# PostgreSQL: the postmaster with the backends it reaped, plus every live child.
pg_ticks() {
  local total child
  total=$(stat_fields "$PG_PID" | awk '{ print $12 + $13 + $14 + $15 }')
  for child in $(pgrep -P "$PG_PID"); do
    total=$((total + $(stat_fields "$child" | awk '{ print ($12 + $13) + 0 }')))
  done
  echo "$total"
}

# The script of a page.
script_of() {
  case "$1" in
    search) echo bench/search.lua ;;
    listing) echo bench/listing.lua ;;
    home) echo bench/home.lua ;;
    api-listing) echo bench/api-listing.lua ;;
    graphql) echo bench/graphql.lua ;;
    *) echo "unknown page $1 (search, listing, home, api-listing, graphql)" >&2; exit 2 ;;
  esac
}

# wrk's latency as milliseconds ("812.00us", "12.34ms", "1.20s").
to_ms() {
  awk -v value="$1" 'BEGIN {
    if (value ~ /us$/) { sub(/us$/, "", value); printf "%.2f", value / 1000 }
    else if (value ~ /ms$/) { sub(/ms$/, "", value); printf "%.2f", value }
    else if (value ~ /m$/) { sub(/m$/, "", value); printf "%.2f", value * 60000 }
    else { sub(/s$/, "", value); printf "%.2f", value * 1000 }
  }'
}

SUMMARY=()
for connections in $CONNECTIONS; do
  for page in $PAGES; do
    script=$(script_of "$page")
    report="$ROOST_DATA_DIR/bench-$page-$connections.txt"
    echo "==== $page: warming up (${WARMUP:-20s}), then wrk -t$THREADS -c$connections -d$DURATION --latency -s $script"
    wrk -t"$THREADS" -c"$connections" -d"${WARMUP:-20s}" -s "$script" "http://$ROOST_BIND" >/dev/null
    roost_before=$(roost_ticks)
    pg_before=$(pg_ticks)
    wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency -s "$script" "http://$ROOST_BIND" | tee "$report"
    roost_after=$(roost_ticks)
    pg_after=$(pg_ticks)

    requests=$(awk '/requests in/ { print $1; exit }' "$report")
    rate=$(awk '/^Requests\/sec:/ { print $2; exit }' "$report")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2; exit }' "$report")")
    errors=$(awk '/Non-2xx or 3xx responses:/ { print $5; exit }' "$report")
    line=$(awk -v page="$page" -v c="$connections" -v n="${requests:-0}" -v rate="${rate:-0}" \
      -v p99="$p99" -v errors="${errors:-0}" -v ticks="$TICKS" \
      -v roost=$((roost_after - roost_before)) -v pg=$((pg_after - pg_before)) 'BEGIN {
        per = (n > 0) ? 1000 / ticks / n : 0
        printf "%-12s %5d %10.0f %9s %9.3f %9.3f %9.3f %8d",
          page, c, rate, p99, (roost + pg) * per, roost * per, pg * per, errors
      }')
    SUMMARY+=("$line")
  done
done

echo
echo "== one run, $(date -u +%Y-%m-%dT%H:%MZ), $DURATION per page; CPU in ms per request"
printf '%-12s %5s %10s %9s %9s %9s %9s %8s\n' page conns "req/s" "p99 ms" "CPU" Roost PostgreSQL non-2xx
printf '%s\n' "${SUMMARY[@]}"
