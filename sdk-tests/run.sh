#!/usr/bin/env bash
# Runs the official-SDK scenario against a fresh `fgs-local serve` on a free loopback port.
#
# The binary: $FGS_LOCAL if set, else `cargo build -p fgs-cli --locked` (the debug profile,
# the one `cargo test --workspace` in .ci/run already compiled, so nothing is built twice)
# in $CARGO_TARGET_DIR (default ./target). The server runs with `--auth-key AK:SK`, so every
# SDK request is verified. Needs the venv of install.sh (sdk-tests/.venv or $SDK_VENV).
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

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log="$(mktemp -t fgs-local-sdk.XXXXXX.log)"
"$FGS_LOCAL" serve --port "$port" --auth-key "$ak:$sk" >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

# Wait (at most 30 s) until the port accepts connections.
if ! "$venv/bin/python" - "$port" "$server" <<'PY'
import os, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("fgs-local exited before listening")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("fgs-local did not listen within 30 s")
PY
then
    echo "sdk-tests: server log ($log):" >&2
    cat "$log" >&2
    exit 1
fi

echo "sdk-tests: $FGS_LOCAL serve on 127.0.0.1:$port (log $log)"
status=0
"$venv/bin/python" "$here/scenario.py" --endpoint "http://127.0.0.1:$port" --ak "$ak" --sk "$sk" \
    || status=$?
if [[ $status -ne 0 ]]; then
    echo "sdk-tests: server log tail:" >&2
    tail -n 40 "$log" >&2
fi
exit $status
