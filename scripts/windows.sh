#!/usr/bin/env bash
# Builds the Windows release from Linux: session-doctor.exe for x86_64-pc-windows-gnu (Debian's
# mingw-w64), the UI embedded, then in target/windows/
#   session-doctor_<version>_x64-portable.zip   the exe, WebView2Loader.dll and a README.txt
#   session-doctor_<version>_x64-setup.exe      a per-user NSIS installer (packaging/windows/installer.nsi)
# and prints their sizes. Needs ui/dist (`make ui`), the Rust target, x86_64-w64-mingw32-gcc,
# makensis and zip (`scripts/deps.sh windows` installs them). Nothing is downloaded here
# beyond the crates Cargo.lock names: Tauri's bundler is not used (it fetches NSIS plugins).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=x86_64-pc-windows-gnu
cargo_target=${CARGO_TARGET_DIR:-$root/target}
release=$cargo_target/$target/release
out=$root/target/windows

die() { echo "windows: $*" >&2; exit 1; }

# One version for the exe, the file names and the installer: the workspace's, which
# tauri.conf.json must repeat (the release workflow names its installers after the latter).
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$version" ] || die "no [workspace.package] version in Cargo.toml"
conf_version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
[ "$version" = "$conf_version" ] ||
  die "Cargo.toml says version $version but src-tauri/tauri.conf.json says $conf_version"
# Windows version resources want four numbers: 1.2.3-beta.1 becomes 1.2.3.0.
numeric=${version%%[-+]*}.0

for tool in x86_64-w64-mingw32-gcc makensis zip; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh windows installs it)"
done
rustup target list --installed 2>/dev/null | grep -qx "$target" ||
  die "the Rust target $target is missing (rustup target add $target)"
[ -f ui/dist/index.html ] || die "ui/dist is not built (make ui)"

echo "windows: building session-doctor $version for $target"
cargo build --release --locked --target "$target" -p session-doctor \
  --features session-doctor/custom-protocol

exe=$release/session-doctor.exe
[ -f "$exe" ] || die "cargo did not write $exe"
# webview2-com-sys copies Microsoft's loader into its build output; the exe imports it.
loader=$(ls -t "$release"/build/webview2-com-sys-*/out/x64/WebView2Loader.dll 2>/dev/null | head -n1 || true)
[ -n "$loader" ] || die "no WebView2Loader.dll under $release/build/webview2-com-sys-*/out/x64/"

rm -rf "$out"
stage=$out/session-doctor
mkdir -p "$stage"
cp "$exe" "$loader" "$stage/"
sed "s/@VERSION@/$version/" packaging/windows/README.txt | sed 's/$/\r/' >"$stage/README.txt"

zipfile=$out/session-doctor_${version}_x64-portable.zip
(cd "$out" && zip -q -9 -r "$zipfile" session-doctor)

setup=$out/session-doctor_${version}_x64-setup.exe
makensis -V2 -WX -INPUTCHARSET UTF8 \
  -DVERSION="$version" -DVERSION_NUMERIC="$numeric" \
  -DSRCDIR="$stage" -DICON="$root/icons/icon.ico" -DOUTFILE="$setup" \
  packaging/windows/installer.nsi

size() { stat -c %s "$1" | numfmt --to=iec-i --suffix=B; }
echo
echo "Windows exe:        $(size "$exe")  $exe"
echo "WebView2Loader.dll: $(size "$loader")"
echo "Portable zip:       $(size "$zipfile")  $zipfile"
echo "Installer:          $(size "$setup")  $setup"
