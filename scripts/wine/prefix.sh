# Sourced by the Wine scripts: one way to make a private Wine prefix under target/ (never
# ~/.wine). Usage: `source scripts/wine/prefix.sh; wine_prefix DIR`.
# Exports WINEPREFIX and friends; creates the prefix once, with the ProcessPrng stand-in
# Wine 8 lacks (Rust's std imports it: without it every program exits with status 53).
wine_prefix() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  # Export before anything runs a Wine tool, or Wine silently creates ~/.wine.
  export WINEPREFIX="$1"
  export WINEARCH=win64 WINEDEBUG=-all
  # No Mono/Gecko install prompts; prefer our ProcessPrng stand-in over Wine's builtin DLL.
  export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
  local ready="$WINEPREFIX/.session-doctor-ready"
  [ -f "$ready" ] && return 0
  echo "wine: creating the Wine prefix at $WINEPREFIX"
  mkdir -p "$WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || true
  wineserver -w
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/bcryptprimitives.dll" \
    "$root/scripts/wine/processprng.c" "$root/scripts/wine/processprng.def" -lbcrypt
  cp "$WINEPREFIX/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  touch "$ready"
}
