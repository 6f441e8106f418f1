#!/usr/bin/env bash
# Runs the Windows-target tests of the given packages under Wine, in a private Wine prefix
# under target/ (never ~/.wine). Usage: scripts/wine-test.sh -p session-doctor-doctor ...
# Extra arguments after `--` go to the test binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Export before anything runs a Wine tool, or Wine silently creates ~/.wine.
export WINEPREFIX="${WINEPREFIX:-$root/target/wine-prefix}"
export WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko install prompts; prefer our ProcessPrng stand-in over Wine's builtin DLL.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
target=x86_64-pc-windows-gnu
ready="$WINEPREFIX/.session-doctor-ready"

if [ ! -f "$ready" ]; then
  echo "wine-test: creating the Wine prefix at $WINEPREFIX"
  mkdir -p "$WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || true
  wineserver -w
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/bcryptprimitives.dll" \
    "$root/scripts/wine/processprng.c" "$root/scripts/wine/processprng.def" -lbcrypt
  cp "$WINEPREFIX/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  touch "$ready"
fi

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
status=0
cargo test --target "$target" "$@" || status=$?
wineserver -k 2>/dev/null || true
exit $status
