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

# shellcheck source=e2e/fresh-server.sh
source "$root/e2e/fresh-server.sh"

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
