#!/usr/bin/env bash
# Installs what is missing, and only that: safe to run again and again.
#   scripts/deps.sh app    what building and running the app needs
#   scripts/deps.sh test   plus what the test suite needs (WebDriver, Xvfb, Wine, targets)
#   scripts/deps.sh windows  plus what `make windows` needs (mingw-w64, NSIS, zip, the target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-app}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

apt_app=(build-essential pkg-config file libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libssl-dev libdbus-1-dev)
apt_windows=(gcc-mingw-w64-x86-64 nsis zip)
apt_test=(webkit2gtk-driver xvfb xauth dbus-x11 "${apt_windows[@]}" wine wine64 keyutils
  gnome-keyring imagemagick)

want=("${apt_app[@]}")
[ "$what" = "test" ] && want+=("${apt_test[@]}")
[ "$what" = "windows" ] && want+=("${apt_windows[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies, exactly as locked; reinstalled only when the lock file changed.
npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "deps: npm ci in ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci "$root/ui"

add_targets() {
  local installed t
  installed=$(rustup target list --installed)
  for t in "$@"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
  done
}
[ "$what" = "windows" ] && add_targets x86_64-pc-windows-gnu

if [ "$what" = "test" ]; then
  npm_ci "$root/tests/e2e"
  add_targets x86_64-pc-windows-gnu x86_64-apple-darwin
  command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --locked
fi
