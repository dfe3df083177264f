#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned below) against a running `fgs-local serve`, driven by the
# server's own /openapi.json: no answer may be a 5xx, have an undocumented status or content
# type, or break its response schema. Not in CI's default path (needs PyPI and a few
# minutes): `fuzz/schemathesis.sh [MAX_EXAMPLES]` (default 100 per operation and phase).
#
# It makes its own venv in fuzz/.venv (git-ignored), builds fgs-local (release; honours
# CARGO_TARGET_DIR), starts it on a free loopback port, runs every phase (examples, coverage,
# fuzzing, stateful), and stops it. Exit status: schemathesis's (0 = no failure).
#
# One worker: with two, hypothesis describes strategies (`ast.parse` of their source) on two
# threads at once, and CPython 3.11's AST constructor keeps its recursion count per
# interpreter, not per thread, so runs stopped on an internal "SystemError: AST constructor
# recursion depth mismatch" (a tool error, not an answer of the server; see cpython
# gh-106905): 2 of 2 runs of the examples phase with two workers, 0 of 2 with one.
set -euo pipefail
max_examples="${1:-100}"
version="4.32.5"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$here/.venv"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$version"
fi
# FGS_LOCAL=path/to/fgs-local uses that binary instead of building one.
bin="${FGS_LOCAL:-}"
if [ -z "$bin" ]; then
    (cd "$root" && cargo build --release --locked -p fgs-cli)
    bin="${CARGO_TARGET_DIR:-$root/target}/release/fgs-local"
fi
# SCHEMA=path/to/openapi.json reads the document from a file instead of the server.
schema="${SCHEMA:-}"
if [ -n "$schema" ]; then
    schema="$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")"
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
"$bin" serve --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 300); do
    curl -fsS "$base/v2/0123456789abcdef0123456789abcdef/fgs/quotas" >/dev/null 2>&1 && break
    sleep 0.1
done
start=$(date +%s)
status=0
# From fuzz/, so that schemathesis's cache lands in fuzz/.schemathesis (git-ignored).
(cd "$here" && "$venv/bin/st" --no-color run "${schema:-$base/openapi.json}" --url "$base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing,stateful --max-examples "$max_examples" --workers 1 \
    --seed 1) || status=$?
echo "schemathesis $version: $(($(date +%s) - start)) s, exit status $status"
if ! kill -0 "$server" 2>/dev/null; then
    echo "the server died during the run:" >&2
    cat "$log" >&2
    exit 1
fi
exit "$status"
