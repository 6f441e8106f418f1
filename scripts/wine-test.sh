#!/usr/bin/env bash
# Runs the Windows-target tests of the given packages under Wine, in a private Wine prefix
# under target/ (never ~/.wine). Usage: scripts/wine-test.sh -p session-doctor-doctor ...
# Extra arguments after `--` go to the test binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/wine/prefix.sh"
wine_prefix "${WINEPREFIX:-$root/target/wine-prefix}"
target=x86_64-pc-windows-gnu

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
status=0
cargo test --target "$target" "$@" || status=$?
wineserver -k 2>/dev/null || true
exit $status
