#!/usr/bin/env bash
# Builds the language runtime components (python.wasm) into the runtimes dir
# ($FGS_RUNTIMES_DIR, else ~/.cache/fgs-local/runtimes) with `fgs-local runtimes install`,
# then lists them. Idempotent: an up-to-date component is kept (no network). The first build
# needs python3 (>= 3.8) and PyPI (componentize-py, pinned in crates/fgs-lang/src/install.rs)
# and takes about a minute.
#
# The binary: $FGS_LOCAL if set, else `cargo build -p fgs-cli --locked` (debug, as
# sdk-tests/run.sh) in $CARGO_TARGET_DIR (default ./target). Arguments go to `install`
# (e.g. `python`, `--force`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "${FGS_LOCAL:-}" ]]; then
    (cd "$root" && cargo build -p fgs-cli --locked --quiet)
    FGS_LOCAL="${CARGO_TARGET_DIR:-$root/target}/debug/fgs-local"
fi
"$FGS_LOCAL" runtimes install "$@"
"$FGS_LOCAL" runtimes list
