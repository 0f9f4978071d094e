# Sourced by e2e/run.sh and e2e/api-contract.sh: a fresh Roost on a free port. Expects $ROOST_BIN
# and $out; sets $data, $port, $base, $server_pid and the trap that stops Roost and its cluster
# and removes the data at exit (copying the server's and the seed's logs to $out); exports the
# demo users' passwords as ROOST_E2E_{GUEST,HOST,ADMIN}_PASSWORD and their addresses as
# ROOST_E2E_{GUEST,HOST,ADMIN}_EMAIL.
# shellcheck shell=bash
# A fresh database every run: the embedded cluster in a new directory that the postgres user
# can reach (not under /root), removed afterwards.
data=$(mktemp -d "${TMPDIR:-/var/tmp}/roost-e2e.XXXXXX")
chmod 755 "$data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
export ROOST_DATA_DIR=$data ROOST_BIND=127.0.0.1:$port ROOST_BASE_URL=$base
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
email_of() { awk -v who="$1" '$1 == who && $3 == "password:" { print $2 }' "$data/seed.log"; }
export ROOST_E2E_GUEST_PASSWORD=$(password_of guest) ROOST_E2E_HOST_PASSWORD=$(password_of host)
export ROOST_E2E_ADMIN_PASSWORD=$(password_of admin)
export ROOST_E2E_GUEST_EMAIL=$(email_of guest) ROOST_E2E_HOST_EMAIL=$(email_of host)
export ROOST_E2E_ADMIN_EMAIL=$(email_of admin)
grep -E '^Created' "$data/seed.log" || true

echo "== roost serve on 127.0.0.1:$port"
# A session of its own, as a service runs, so that Ctrl-C here reaches only this script.
(cd "$data" && exec setsid "$ROOST_BIN" serve) >"$data/server.log" 2>&1 &
server_pid=$!
for i in $(seq 1 240); do
  if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "Roost stopped before it was ready:" >&2
    cat "$data/server.log" >&2
    exit 1
  fi
  if [ "$i" = 240 ]; then echo "Roost was not ready after 120 s" >&2; tail -50 "$data/server.log" >&2; exit 1; fi
  sleep 0.5
done

