#!/usr/bin/env bash
# Runs the reg_parser fuzz target with libFuzzer on the stable toolchain (no nightly, no
# cargo-fuzz): the same SanitizerCoverage flags cargo-fuzz passes, minus -Zsanitizer (safe
# Rust; an out-of-bounds access panics and libFuzzer reports the panic as a crash).
# `--target` keeps the flags off build scripts and proc macros, as cargo-fuzz does.
# Usage: crates/scan/fuzz/run-stable.sh [seconds]   (default 300)
# With nightly and cargo-fuzz installed, `cargo fuzz run reg_parser` works as usual.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-300}
target_dir=${CARGO_TARGET_DIR:-$here/target}
export CARGO_TARGET_DIR=$target_dir
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
triple=$(rustc -vV | sed -n 's/^host: //p')
(cd "$here" && cargo build --release --target "$triple" --bin reg_parser)
mkdir -p "$here/corpus" "$here/artifacts"
cp -n "$here"/seeds/*.reg "$here"/../tests/fixtures/*.reg "$here/corpus/" 2>/dev/null || true
"$target_dir/$triple/release/reg_parser" "$here/corpus" -max_total_time="$secs" -max_len=65536 \
  -artifact_prefix="$here/artifacts/" -print_final_stats=1
