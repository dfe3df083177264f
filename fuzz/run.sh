#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, with cargo fuzz on nightly, in its own
# target dir (FUZZ_TARGET_DIR, default target/fuzz beside the workspace's). Corpora grow in
# fuzz/corpus/<target> (git-ignored), crashes land in fuzz/artifacts/<target> (git-ignored)
# and stop the run. Prints one line per target: executions, corpus size, crashes.
# Needs: rustup toolchain nightly, `cargo install cargo-fuzz --locked` (0.13).
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
target_dir="${FUZZ_TARGET_DIR:-$here/../target/fuzz}"
targets=(urn request_bodies code_package schedule)
cargo +nightly fuzz build -O --target-dir "$target_dir"
summary=()
status=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log="fuzz/artifacts/$t/last-run.log"
    if ! cargo +nightly fuzz run -O --target-dir "$target_dir" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1; then
        status=1
        echo "$t: CRASH, see $log and fuzz/artifacts/$t/" >&2
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    corpus="$(find "fuzz/corpus/$t" -type f | wc -l)"
    summary+=("$t: ${seconds}s, ${runs:-?} executions, corpus ${corpus} files")
done
printf '%s\n' "${summary[@]}"
exit "$status"
