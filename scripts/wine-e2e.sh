#!/usr/bin/env bash
# The backend as a Windows program, end to end (tests/wine/e2e.mjs): builds the Windows
# CLI, an idle program to run as OUTLOOK.EXE and olk.exe, and the native sandbox, then
# drives them in a fresh private Wine prefix under target/ (never ~/.wine).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=x86_64-pc-windows-gnu
cargo build -q -p session-doctor-cli --target "$target"
cargo build -q -p session-doctor-sandbox --bin session-doctor-sandbox
out="$root/target/wine-e2e"
rm -rf "$out" && mkdir -p "$out"
x86_64-w64-mingw32-gcc -O2 -o "$out/idle.exe" tests/wine/idle.c

source "$root/scripts/wine/prefix.sh"
prefix="$root/target/wine-e2e-prefix"
# A fresh prefix each run: the registry and Credential Manager start empty, like a new PC.
rm -rf "$prefix"
wine_prefix "$prefix"
status=0
CLI_EXE="$root/target/$target/debug/session-doctor-cli.exe" \
SANDBOX="$root/target/debug/session-doctor-sandbox" \
IDLE_EXE="$out/idle.exe" FIXTURE="$root/tests/wine/outlook.reg" OUT="$out" \
  node tests/wine/e2e.mjs || status=$?
wineserver -k 2>/dev/null || true
exit $status
