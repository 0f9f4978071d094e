#!/usr/bin/env bash
# Contract testing of the JSON API: schemathesis (PyPI, pinned below) generates requests from
# Roost's own OpenAPI document and checks every answer against it (every check on: no server
# error, status codes, content types, headers and bodies as documented, bad input refused,
# good input accepted), first as a visitor, then signed in as the demo host (who is also a
# guest), with the session cookie and its CSRF token on every request, stateful links included.
#   e2e/api-contract.sh          build (debug), seed a fresh database, serve it, run schemathesis
# ROOST_BIN=path/to/roost skips the build; CONTRACT_SECONDS bounds each pass (default 150);
# CONTRACT_OPERATIONS limits the run to operation ids matching a regular expression.
# Output (schemathesis' JUnit report, the server's log) goes to e2e/out/contract/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${CONTRACT_SECONDS:-150}
# CONTRACT_OPERATIONS: a regular expression of operation ids to test alone (all by default).
operations=${CONTRACT_OPERATIONS:-.}
schemathesis_version=4.32.5

venv=$root/target/schemathesis-$schemathesis_version
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "== pip install schemathesis==$schemathesis_version (into $venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

if [ -z "${ROOST_BIN:-}" ]; then
  echo "== cargo build"
  cargo build --quiet
  ROOST_BIN=$root/target/debug/roost
fi
ROOST_BIN=$(realpath "$ROOST_BIN")

out=$root/e2e/out/contract
rm -rf "$out"
mkdir -p "$out"

# shellcheck source=e2e/fresh-server.sh
source "$root/e2e/fresh-server.sh"
host_email=$ROOST_E2E_HOST_EMAIL host_password=$ROOST_E2E_HOST_PASSWORD

# Operations that would end the pass's own session or account (a stateful run reads the
# session list and ends the one it finds): the tests drive them.
exclude='^(session_delete|me_delete|me_session_end|me_sessions_end_others)$'
# Each pass gets the base settings plus the credentials as schemathesis' OpenAPI-aware auth
# (the `session` cookie and `csrf` header schemes of the document), so that it also tries each
# operation without them and expects the documented refusal.
run() {
  local name=$1 session=$2 csrf=$3
  shift 3
  local config=$data/schemathesis-$name.toml
  cp "$root/e2e/schemathesis.toml" "$config"
  {
    echo
    echo "[auth.openapi.csrf]"
    echo "api_key = \"$csrf\""
    if [ -n "$session" ]; then
      echo "[auth.openapi.session]"
      echo "api_key = \"$session\""
    fi
  } >>"$config"
  echo "== schemathesis: $name ($seconds s)"
  # One worker: hypothesis' lambda introspection is not thread-safe on Python 3.11 (seen here:
  # "AST constructor recursion depth mismatch" with two).
  "$venv/bin/schemathesis" --config-file "$config" \
    run "$base/api/v1/openapi.json" --url "$base" \
    --checks all --max-time "$seconds" --workers 1 \
    --include-operation-id-regex "$operations" --exclude-operation-id-regex "$exclude" \
    --suppress-health-check too_slow,filter_too_much \
    --report junit --report-dir "$out/$name" \
    "$@"
}
token_of() { python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])'; }
cookie_of() { sed 's/^#HttpOnly_//' "$1" | awk -v name="$2" '!/^#/ && $6 == name { print $7 }'; }

status=0
# A visitor: the token of its signed `roost_csrf` cookie, which goes along as a plain cookie.
jar=$data/visitor.cookies
token=$(curl -fsS -c "$jar" "$base/api/v1/session" | token_of)
run visitor "" "$token" -H "Cookie: roost_csrf=$(cookie_of "$jar" roost_csrf)" || status=$?

# The demo host, signed in through the API itself: the session cookie and its token.
jar=$data/host.cookies
token=$(curl -fsS -c "$jar" -b "$jar" "$base/api/v1/session" | token_of)
token=$(curl -fsS -c "$jar" -b "$jar" -H "X-CSRF-Token: $token" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$host_email\", \"password\": \"$host_password\"}" "$base/api/v1/session" | token_of)
run host "$(cookie_of "$jar" roost_session)" "$token" || status=$?

if grep -q ' panicked at ' "$data/server.log"; then
  echo "== the server panicked:" >&2
  grep -A5 ' panicked at ' "$data/server.log" >&2
  status=1
fi
exit $status
