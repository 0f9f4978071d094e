# Sourced by the benchmark scripts (bench/search.sh, bench/pages.sh), from the repository's
# root: installs wrk if missing, builds the release binary (BUILD=1), seeds the data set on first
# use (or SEED=1), starts Roost on 127.0.0.1:$PORT in a session of its own and waits until it is
# ready. Leaves SERVER (the pid started) and a trap that stops it on exit, and exports a
# visitor's CSRF cookie and token (ROOST_BENCH_COOKIE, ROOST_BENCH_CSRF) for scripts that POST.
#
# Variables: PORT (8089), ROOST_DATA_DIR (target/roost-bench: an embedded cluster of its own,
# not your dev data), BUILD (1; 0 runs the release binary already in target/release), SEED.

PORT=${PORT:-8089}
export ROOST_DATA_DIR=${ROOST_DATA_DIR:-$PWD/target/roost-bench}
export ROOST_BIND=127.0.0.1:$PORT
export RUST_LOG=${RUST_LOG:-warn}
unset DATABASE_URL

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y wrk >/dev/null; }
fi

if [ "${BUILD:-1}" = 1 ]; then
  echo "== cargo build --release"
  cargo build --release --quiet
fi
mkdir -p "$ROOST_DATA_DIR"

# A data directory without a cluster yet gets the full data set (otherwise the first start
# would make only the small demo set).
if [ "${SEED:-0}" = 1 ] || [ ! -f "$ROOST_DATA_DIR/postgres/PG_VERSION" ]; then
  echo "== seeding 100 000 listings and 1 000 000 bookings (a few minutes)"
  target/release/roost seed --listings 100000 --bookings 1000000
fi

echo "== starting roost on $ROOST_BIND (data in $ROOST_DATA_DIR)"
# In a session of its own, as a service runs (and as PostgreSQL does: pg_ctl starts it so).
# With the kernel's autogroup scheduling, CPU time is shared between sessions first: without
# this, Roost and wrk would share one group while PostgreSQL had another.
setsid target/release/roost serve > "$ROOST_DATA_DIR/bench-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://$ROOST_BIND/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$ROOST_DATA_DIR/bench-server.log"; exit 1; fi
  sleep 1
done

# A visitor's CSRF cookie and token, for scripts that POST (bench/graphql.lua).
jar=$(mktemp)
ROOST_BENCH_CSRF=$(curl -fsS -c "$jar" "http://$ROOST_BIND/api/v1/session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
ROOST_BENCH_COOKIE=$(awk '($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
export ROOST_BENCH_CSRF ROOST_BENCH_COOKIE
rm -f "$jar"
