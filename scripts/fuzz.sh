#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for a set time, then prints a table
# of executions, executions per second and crashes. Exits non-zero when any target crashed
# (or failed to run); the crashing inputs stay in fuzz/artifacts/<target>/.
#
# Usage: scripts/fuzz.sh [seconds-per-target]        (default 60)
#   FUZZ_TARGETS="redactor upn_csv"  only these targets (default: all of them)
#   FUZZ_SANITIZER=none              build without AddressSanitizer (about twice as fast;
#                                    default: address, as cargo fuzz does)
#   FUZZ_NO_BUILD=1                  run the targets already built
#   CARGO_TARGET_DIR                 honoured (default: fuzz/target)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Each target's working corpus is fuzz/corpus/<target>/, started from the committed seeds in
# fuzz/seeds/<target>/ and kept under ~2 MB on disk (set-cover merge, then the largest
# inputs dropped, when a run leaves it bigger);
# libFuzzer's output is in fuzz/logs/<target>.log. Corpus, artifacts and logs are gitignored.
set -euo pipefail

secs=${1:-60}
case $secs in '' | *[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/fuzz"
sanitizer=${FUZZ_SANITIZER:-address}
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-$fuzz/target}
corpus_cap_kb=2048

# target:max_len. The decoder reads 64 KiB, so its inputs may be longer to cross the cut.
all_targets="registry:65536 thunderbird:16384 evolution:16384
new_outlook:16384 outlook_mac:65536 disabled_items:4096 command_output:16384
graph_json:16384 oauth_json:8192 upn_csv:65536 error_decoder:70000 redactor:8192
report_json:65536"

selected=()
for t in $all_targets; do
  name=${t%%:*}
  if [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $name "* ]]; then
    selected+=("$t")
  fi
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "no target matches FUZZ_TARGETS=$FUZZ_TARGETS" >&2
  exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

# Same dependency versions as the workspace.
[ -f "$fuzz/Cargo.lock" ] || cp "$root/Cargo.lock" "$fuzz/Cargo.lock"

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  echo "== building ${#selected[@]} targets (sanitizer: $sanitizer)"
  (cd "$root" && cargo +nightly fuzz build -O -a -s "$sanitizer" --target-dir "$target_dir")
fi

# Scratch homes of the targets that read files (see fuzz/src/lib.rs), removed at the end.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  scratch=$(mktemp -d /dev/shm/session-doctor-fuzz.XXXXXX)
else
  scratch=$(mktemp -d)
fi
trap 'rm -rf "$scratch"' EXIT
export SESSION_DOCTOR_FUZZ_TMP=$scratch

mkdir -p "$fuzz/logs"
rows=()
total_runs=0
total_secs=0
failed=0
for t in "${selected[@]}"; do
  name=${t%%:*}
  max_len=${t##*:}
  bin="$target_dir/$triple/release/$name"
  corpus="$fuzz/corpus/$name"
  artifacts="$fuzz/artifacts/$name"
  log="$fuzz/logs/$name.log"
  mkdir -p "$corpus" "$artifacts"
  cp -n "$fuzz/seeds/$name"/* "$corpus/" 2>/dev/null || true
  before=$(find "$artifacts" -type f | wc -l)
  echo "== $name: ${secs}s, -max_len=$max_len"
  start=$(date +%s)
  set +e
  "$bin" "$corpus" -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  if [ -z "$runs" ]; then
    # Killed before the final stats (a crash): the last status line's #N.
    runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  fi
  runs=${runs:-0}
  crashes=$(($(find "$artifacts" -type f | wc -l) - before))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1 # it failed without writing an input: see the log
  fi
  [ "$crashes" -gt 0 ] && failed=1
  # Keep the working corpus small (disk use, which counts a block per file): past the cap,
  # keep a set cover of its coverage, then drop the largest inputs until it fits.
  if [ "$(du -sk "$corpus" | cut -f1)" -gt "$corpus_cap_kb" ]; then
    merged=$(mktemp -d "$fuzz/corpus/.$name.XXXXXX")
    if "$bin" -set_cover_merge=1 -max_len="$max_len" -rss_limit_mb=2048 "$merged" "$corpus" \
      >>"$log" 2>&1; then
      rm -rf "$corpus" && mv "$merged" "$corpus"
    else
      rm -rf "$merged"
    fi
    while [ "$(du -sk "$corpus" | cut -f1)" -gt "$corpus_cap_kb" ]; do
      n=$(find "$corpus" -type f | wc -l)
      step=$((n / 10 > 10 ? n / 10 : 10))
      (set +o pipefail; cd "$corpus" && ls -S | head -n "$step" | xargs -r rm -f --)
    done
  fi
  files=$(find "$corpus" -type f | wc -l)
  rate=$((runs / (elapsed > 0 ? elapsed : 1)))
  rows+=("$(printf '%-16s %14s %10s %8s %8s %8s' "$name" "$runs" "$rate" "$elapsed" "$files" "$crashes")")
  total_runs=$((total_runs + runs))
  total_secs=$((total_secs + elapsed))
  [ "$crashes" -gt 0 ] && echo "   CRASH: see $log and $artifacts/"
done

echo
printf '%-16s %14s %10s %8s %8s %8s\n' target executions exec/s seconds corpus crashes
printf '%s\n' "${rows[@]}"
printf '%-16s %14s %10s %8s\n' TOTAL "$total_runs" "$((total_runs / (total_secs > 0 ? total_secs : 1)))" "$total_secs"
exit $failed
