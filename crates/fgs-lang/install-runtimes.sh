#!/usr/bin/env bash
# Builds the language runtime components (python.wasm, node.wasm) into the runtimes dir
# ($FGS_RUNTIMES_DIR, else ~/.cache/fgs-local/runtimes) with `fgs-local runtimes install`.
# Idempotent: an up-to-date component is kept (no network). Needs python3 (>= 3.8) and pip
# access to PyPI for the first build (componentize-py, pinned in crates/fgs-lang/src/install.rs),
# node (>= 18) and npm for node.wasm (componentize-js, pinned in crates/fgs-lang/node/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --locked --quiet -p fgs-cli --bin fgs-local -- runtimes install "$@"
cargo run --locked --quiet -p fgs-cli --bin fgs-local -- runtimes list
