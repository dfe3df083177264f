#!/usr/bin/env bash
# Builds the language runtime components (python.wasm, node.wasm) into the runtimes dir
# ($FGS_RUNTIMES_DIR, else ~/.cache/fgs-local/runtimes) with `fgs-local runtimes install`,
# then lists them. Idempotent: an up-to-date component is kept (no network). The first build
# needs python3 (>= 3.8) and PyPI (componentize-py, pinned in crates/fgs-lang/src/install.rs),
# node (>= 18) and npm (componentize-js, pinned in crates/fgs-lang/node/package-lock.json).
#
# The binary: $FGS_LOCAL if set, else `cargo build -p fgs-cli --locked` (debug, as
# sdk-tests/run.sh) in $CARGO_TARGET_DIR (default ./target). Arguments go to `install`
# (e.g. `python`, `node`, `--force`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "${FGS_LOCAL:-}" ]]; then
    (cd "$root" && cargo build -p fgs-cli --locked --quiet)
    FGS_LOCAL="${CARGO_TARGET_DIR:-$root/target}/debug/fgs-local"
fi
"$FGS_LOCAL" runtimes install "$@"
"$FGS_LOCAL" runtimes list
