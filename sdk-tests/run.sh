#!/usr/bin/env bash
# Runs the official-SDK scenario against a fresh `fgs-local serve` on a free loopback port.
#
# The binary: $FGS_LOCAL if set, else `cargo build -p fgs-cli --locked` (the debug profile,
# the one `cargo test --workspace` in .ci/run already compiled, so nothing is built twice)
# in $CARGO_TARGET_DIR (default ./target). The server runs with `--auth-key AK:SK`, so every
# SDK request is verified. It listens on a port of its choosing (`--port 0`), read from its
# first line. Needs the venv of install.sh (sdk-tests/.venv or $SDK_VENV).
# Exit status: the scenario's (non-zero on any failed check, or if the server never came up).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${SDK_VENV:-$here/.venv}"
ak="${FGS_AK:-fgs-sdk-ak}"
sk="${FGS_SK:-fgs-sdk-secret-key}"

if [[ -z "${FGS_LOCAL:-}" ]]; then
    (cd "$root" && cargo build -p fgs-cli --locked --quiet)
    FGS_LOCAL="${CARGO_TARGET_DIR:-$root/target}/debug/fgs-local"
fi
[[ -x "$FGS_LOCAL" ]] || { echo "sdk-tests: no fgs-local binary at $FGS_LOCAL" >&2; exit 1; }
[[ -x "$venv/bin/python" ]] || { echo "sdk-tests: no venv at $venv (run install.sh)" >&2; exit 1; }

log="$(mktemp -t fgs-local-sdk.XXXXXX.log)"
# Port 0: the server picks a free port and prints `fgs-local: listening on http://ADDR ...`.
"$FGS_LOCAL" serve --port 0 --auth-key "$ak:$sk" >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

# Wait (at most 30 s) for the address line (printed once the server listens).
endpoint=""
for _ in $(seq 300); do
    endpoint="$(sed -n 's|^fgs-local: listening on \(http://[0-9.:]*\).*|\1|p' "$log" | head -n 1)"
    [[ -n "$endpoint" ]] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$endpoint" ]]; then
    echo "sdk-tests: fgs-local did not print its address within 30 s; its log ($log):" >&2
    cat "$log" >&2
    exit 1
fi

echo "sdk-tests: $FGS_LOCAL serve on $endpoint (log $log)"
status=0
"$venv/bin/python" "$here/scenario.py" --endpoint "$endpoint" --ak "$ak" --sk "$sk" \
    || status=$?
if [[ $status -ne 0 ]]; then
    echo "sdk-tests: server log tail:" >&2
    tail -n 40 "$log" >&2
fi
exit $status
