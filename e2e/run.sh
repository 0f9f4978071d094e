#!/usr/bin/env bash
# The browser journeys and accessibility checks against a fresh Roost:
#   e2e/run.sh                       build (debug), seed a new database, serve it, run every journey
#   e2e/run.sh --update-screenshots  the same, then copy the README's screenshots to docs/screenshots
# ROOST_BIN=path/to/roost skips the build. Output (screenshots, axe summary, server log) goes to
# e2e/out/. Needs: cargo, node + npm, PostgreSQL server binaries, Chromium (Debian's `chromium`;
# installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
update_screenshots=false
for arg in "$@"; do
  case $arg in
    --update-screenshots) update_screenshots=true ;;
    *) echo "e2e/run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Chromium (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "e2e/run.sh: Chromium is missing: apt-get install chromium (or set CHROMIUM=/path/to/chrome)" >&2
    exit 1
  fi
fi
if ! command -v psql >/dev/null; then
  echo "e2e/run.sh: psql is missing (Debian: apt-get install postgresql-client)" >&2
  exit 1
fi

echo "== npm ci (e2e/)"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)

if [ -z "${ROOST_BIN:-}" ]; then
  echo "== cargo build"
  cargo build --quiet
  ROOST_BIN=$root/target/debug/roost
fi
ROOST_BIN=$(realpath "$ROOST_BIN")

out=$root/e2e/out
rm -rf "$out"
mkdir -p "$out"

# A fresh database every run: the embedded cluster in a new directory that the postgres user
# can reach (not under /root), removed afterwards.
data=$(mktemp -d "${TMPDIR:-/var/tmp}/roost-e2e.XXXXXX")
chmod 755 "$data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export ROOST_DATA_DIR=$data ROOST_BIND=127.0.0.1:$port ROOST_BASE_URL=http://127.0.0.1:$port
export ROOST_ENV=development RUST_LOG=${RUST_LOG:-warn}
unset DATABASE_URL ROOST_SMTP_URL ROOST_PAYMENTS REDIS_URL

server_pid=
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  # Roost stops its cluster when it stops; make sure of it if Roost had to be killed.
  if [ -f "$data/postgres/postmaster.pid" ]; then
    pg_pid=$(head -1 "$data/postgres/postmaster.pid")
    kill -TERM "$pg_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  cp "$data/server.log" "$data/seed.log" "$out/" 2>/dev/null || true
  rm -rf "$data"
  exit $status
}
trap cleanup EXIT INT TERM

echo "== roost seed (fresh database in $data)"
# Run from the data directory so that no .env of the checkout is read.
(cd "$data" && "$ROOST_BIN" seed) >"$data/seed.log" 2>&1 || { cat "$data/seed.log"; exit 1; }
password_of() { awk -v who="$1" '$1 == who && $3 == "password:" { print $4 }' "$data/seed.log"; }
export ROOST_E2E_GUEST_PASSWORD=$(password_of guest) ROOST_E2E_HOST_PASSWORD=$(password_of host)
export ROOST_E2E_ADMIN_PASSWORD=$(password_of admin)
grep -E '^Created' "$data/seed.log" || true

echo "== roost serve on 127.0.0.1:$port"
# A session of its own, as a service runs, so that Ctrl-C here reaches only this script.
(cd "$data" && exec setsid "$ROOST_BIN" serve) >"$data/server.log" 2>&1 &
server_pid=$!
for i in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "Roost stopped before it was ready:" >&2
    cat "$data/server.log" >&2
    exit 1
  fi
  if [ "$i" = 240 ]; then echo "Roost was not ready after 120 s" >&2; tail -50 "$data/server.log" >&2; exit 1; fi
  sleep 0.5
done

echo "== browser journeys (Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
export ROOST_E2E_URL=http://127.0.0.1:$port ROOST_E2E_OUT=$out
status=0
(cd e2e && node --test --test-concurrency=1 --test-reporter=spec journeys.test.mjs) || status=$?
if [ "$status" != 0 ]; then
  echo "== the journeys failed; the server's last lines:" >&2
  tail -40 "$data/server.log" >&2
  exit "$status"
fi

if $update_screenshots; then
  # The README's screenshots (name in docs/screenshots, then the journey's screenshot), at both
  # widths, made smaller by pngquant when it is installed (Debian: pngquant).
  mkdir -p docs/screenshots
  for pair in home:guest-WIDTH-home search:guest-WIDTH-search-filtered listing:guest-WIDTH-listing-quote \
      trip:guest-WIDTH-trip host-calendar:host-WIDTH-calendar-booked; do
    for width in desktop phone; do
      source="$out/screenshots/${pair#*:}.png"
      source=${source/WIDTH/$width}
      target="docs/screenshots/${pair%%:*}-$width.png"
      if command -v pngquant >/dev/null; then
        pngquant --force --quality=70-95 --output "$target" "$source"
      else
        cp "$source" "$target"
      fi
    done
  done
  echo "== docs/screenshots updated"
fi
