#!/usr/bin/env bash
# Builds the release app and its Linux packages, then prints their sizes.
# The .deb is required. The AppImage needs linuxdeploy, which Tauri's bundler downloads
# from GitHub: where that cannot be reached the AppImage is reported as skipped, not faked.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tauri=ui/node_modules/.bin/tauri
out=${CARGO_TARGET_DIR:-$root/target}/release

$tauri build --bundles deb
appimage_status="built"
if ! $tauri build --bundles appimage >"$out/appimage.log" 2>&1; then
  appimage_status="not built: $(grep -m1 -iE 'error|failed' "$out/appimage.log" || echo 'see appimage.log')"
fi

size() { stat -c %s "$1" | numfmt --to=iec-i --suffix=B; }
echo
echo "Release binary:  $(size "$out/session-doctor")  $out/session-doctor"
for deb in "$out"/bundle/deb/*.deb; do echo "Debian package:  $(size "$deb")  $deb"; done
shopt -s nullglob
images=("$out"/bundle/appimage/*.AppImage)
if [ ${#images[@]} -gt 0 ]; then
  for img in "${images[@]}"; do echo "AppImage:        $(size "$img")  $img"; done
else
  echo "AppImage:        $appimage_status (log: $out/appimage.log)"
fi
