#!/usr/bin/env bash
# Tests what `make windows` wrote, under Wine: installs session-doctor_<version>_x64-setup.exe
# silently (/S) in a fresh private Wine prefix, checks the files, the Start menu shortcut and the
# Apps & features entry, runs the entry's QuietUninstallString and checks that all of it is gone.
# Also checks the portable zip's contents and that every DLL the exe imports is either shipped
# beside it or part of Windows. Builds nothing. Never starts the app itself (Wine has no
# WebView2: it would hang).
#   scripts/wine-installer-test.sh [folder]     default: target/windows
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/target/windows}
# Export before any Wine tool runs, or Wine silently creates ~/.wine. winemenubuilder is off:
# it would turn the Start menu shortcut into ~/.local/share/applications entries on this machine.
export WINEPREFIX="$root/target/wine-installer-prefix"
export WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
start=$(date +%s)
passed=0 failed=0
pass() { echo "PASS  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
not() { ! "$@"; }
check() { # check "description" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
finish() {
  wineserver -k >/dev/null 2>&1 || true
  echo "wine-installer-test: $(( $(date +%s) - start )) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

shopt -s nullglob
setups=("$dir"/session-doctor_*_x64-setup.exe)
zips=("$dir"/session-doctor_*_x64-portable.zip)
if [ ${#setups[@]} -ne 1 ] || [ ${#zips[@]} -ne 1 ]; then
  fail "exactly one installer and one portable zip in $dir (run make windows first)"
  finish
fi
setup=${setups[0]} zip=${zips[0]}
version=${setup##*/session-doctor_}; version=${version%_x64-setup.exe}
exe_built=$dir/session-doctor/session-doctor.exe
loader_built=$dir/session-doctor/WebView2Loader.dll
echo "wine-installer-test: $setup (version $version)"

# The portable zip: the exe, the loader and the README in one folder, the exe the one built.
listing=$(unzip -Z1 "$zip" | sort | tr '\n' ' ')
check "zip holds session-doctor/{README.txt,WebView2Loader.dll,session-doctor.exe} ($listing)" \
  test "$listing" = "session-doctor/ session-doctor/README.txt session-doctor/WebView2Loader.dll session-doctor/session-doctor.exe "
check "zip's exe is the one built" cmp <(unzip -p "$zip" session-doctor/session-doctor.exe) "$exe_built"
check "zip's README.txt names WebView2" grep -q WebView2 <(unzip -p "$zip" session-doctor/README.txt)

template="$root/target/wine-installer-prefix.template"
# A pristine prefix is made once (wineboot takes a while) and copied for every run, so that
# nothing a previous run left can make this one pass.
if [ ! -f "$template/.session-doctor-ready" ]; then
  echo "wine-installer-test: creating the Wine prefix template at $template"
  rm -rf "$template"
  mkdir -p "$template"
  WINEPREFIX=$template wineboot --init >/dev/null 2>&1 || true
  WINEPREFIX=$template wineserver -w
  touch "$template/.session-doctor-ready"
fi
wineserver -k >/dev/null 2>&1 || true
rm -rf "$WINEPREFIX"
cp -a "$template" "$WINEPREFIX"

# Where the user's folders are in this prefix, as Windows and as Unix paths.
winenv() { wine cmd.exe /c echo "%$1%" 2>/dev/null | tr -d '\r'; }
localappdata=$(winenv LOCALAPPDATA) appdata=$(winenv APPDATA)
instdir_win="$localappdata\\Programs\\Session Doctor"
instdir=$(winepath -u "$instdir_win" 2>/dev/null)
programs=$(winepath -u "$appdata\\Microsoft\\Windows\\Start Menu\\Programs" 2>/dev/null)
shortcut="$programs/Session Doctor.lnk"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\app.sessiondoctor.desktop'
if [ -z "$localappdata" ] || [ -z "$instdir" ] || [ -z "$programs" ]; then
  fail "Wine reports the user's LOCALAPPDATA and APPDATA ('$localappdata', '$appdata')"
  finish
fi

# The exe's imports: Windows DLLs (in Wine's system32) or the loader we ship. A mingw build
# could also need libgcc_s/libwinpthread DLLs, which Windows does not have. Two that Rust's std
# imports are part of Windows 8 and later but missing from Wine 8's system32: bcryptprimitives.dll
# (ProcessPrng; scripts/wine-test.sh supplies a stand-in) and the synch API set (WaitOnAddress).
windows_only="bcryptprimitives.dll api-ms-win-core-synch-l1-2-0.dll"
imports=$(x86_64-w64-mingw32-objdump -p "$exe_built" 2>&1 | sed -n 's/^\s*DLL Name: //p')
check "the exe is a PE file with imports" test -n "$imports"
missing=()
while read -r dll; do
  [ -n "$dll" ] || continue
  [ "${dll,,}" = "webview2loader.dll" ] && continue
  [[ " $windows_only " == *" ${dll,,} "* ]] && continue
  [ -n "$(find "$WINEPREFIX/drive_c/windows/system32" -maxdepth 1 -iname "$dll" -print -quit)" ] ||
    missing+=("$dll")
done <<<"$imports"
check "every DLL the exe imports is a system DLL or WebView2Loader.dll (missing: ${missing[*]:-none})" \
  test ${#missing[@]} -eq 0
check "the exe imports WebView2Loader.dll" grep -qix 'WebView2Loader.dll' <<<"$imports"
# tauri-build's version resource (the icon is in the same .rsrc; Explorer shows both).
resource_strings=$(strings -a -el "$exe_built" | tr '\n' ' ')
check "the exe's version resource says Session Doctor $version" \
  grep -q "ProductName Session Doctor ProductVersion $version" <<<"$resource_strings"

# --- silent install -----------------------------------------------------------------------
t=$(date +%s)
wine "$setup" /S >/dev/null 2>&1
status=$?
wineserver -w
check "silent install exits 0 (got $status, $(( $(date +%s) - t )) s)" test "$status" -eq 0
check "session-doctor.exe installed in $instdir_win and identical to the build" cmp "$instdir/session-doctor.exe" "$exe_built"
check "WebView2Loader.dll installed beside it" cmp "$instdir/WebView2Loader.dll" "$loader_built"
check "uninstall.exe written" test -s "$instdir/uninstall.exe"
check "Start menu shortcut $shortcut" test -s "$shortcut"
check "the shortcut points at the installed exe" grep -qi 'Session Doctor\\session-doctor.exe' \
  <(strings -a -el "$shortcut"; strings -a "$shortcut")
check "nothing in Program Files (no admin rights used)" \
  test ! -e "$WINEPREFIX/drive_c/Program Files/Session Doctor" -a ! -e "$WINEPREFIX/drive_c/Program Files (x86)/Session Doctor"

reg=$(wine reg query "$key" 2>/dev/null | tr -d '\r') || reg=""
value() { sed -n "s/^ *$1 *REG_[A-Z_]* *//p" <<<"$reg"; }
check "Uninstall key $key exists" test -n "$reg"
check "DisplayName is 'Session Doctor' ('$(value DisplayName)')" test "$(value DisplayName)" = "Session Doctor"
check "DisplayVersion is $version ('$(value DisplayVersion)')" test "$(value DisplayVersion)" = "$version"
check "Publisher is set ('$(value Publisher)')" test -n "$(value Publisher)"
check "DisplayIcon is the installed exe ('$(value DisplayIcon)')" \
  test "$(value DisplayIcon)" = "\"$instdir_win\\session-doctor.exe\",0"
check "InstallLocation is $instdir_win ('$(value InstallLocation)')" test "$(value InstallLocation)" = "$instdir_win"
check "UninstallString is the uninstaller ('$(value UninstallString)')" \
  test "$(value UninstallString)" = "\"$instdir_win\\uninstall.exe\""
quiet=$(value QuietUninstallString)
check "QuietUninstallString is the uninstaller with /S ('$quiet')" test "$quiet" = "\"$instdir_win\\uninstall.exe\" /S"
size_kb=$(( $(value EstimatedSize) ))
files_kb=$(stat -c %s "$instdir"/* | awk '{ s += $1 } END { print int((s + 1023) / 1024) }')
check "EstimatedSize is the installed size ($size_kb KiB, files $files_kb KiB)" \
  test "$size_kb" -ge $((files_kb * 9 / 10)) -a "$size_kb" -le $((files_kb * 11 / 10 + 4))
check "NoModify is 1 ('$(value NoModify)')" test "$(value NoModify)" = "0x1"
check "NoRepair is 1 ('$(value NoRepair)')" test "$(value NoRepair)" = "0x1"
check "nothing under HKLM (per-user install)" \
  not wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\app.sessiondoctor.desktop'

# An update: the same setup again over the installed copy.
wine "$setup" /S >/dev/null 2>&1
status=$?
wineserver -w
check "installing again over the installed copy (an update) exits 0 (got $status)" test "$status" -eq 0
check "still exactly one exe, the loader and the uninstaller after the update ($(ls "$instdir" | tr '\n' ' '))" \
  test "$(ls "$instdir" | tr '\n' ' ')" = "WebView2Loader.dll session-doctor.exe uninstall.exe "

# While the app runs, neither the setup nor the uninstaller may touch it. The app itself cannot
# run under Wine (no WebView2): a small program that only waits stands in for it.
sleeper=$root/target/wine-installer-sleeper.exe
x86_64-w64-mingw32-gcc -O2 -o "$sleeper" "$root/scripts/wine/sleeper.c"
cp "$sleeper" "$instdir/session-doctor.exe"
# 25 s: long enough for both attempts below, after which wineserver -w returns.
wine "$instdir_win\session-doctor.exe" 25 >/dev/null 2>&1 &
sleep 3
wine "$setup" /S >/dev/null 2>&1
status=$?
check "the setup refuses to replace the running app (exit $status, not 0)" test "$status" -ne 0
check "the running app's exe was left alone by the setup" cmp "$instdir/session-doctor.exe" "$sleeper"
wine "$instdir_win\uninstall.exe" /S >/dev/null 2>&1
wineserver -w
wait
check "the uninstaller, run while the app runs, removed nothing (files, shortcut, entry)" \
  test -e "$instdir/session-doctor.exe" -a -e "$instdir/WebView2Loader.dll" -a -e "$instdir/uninstall.exe" \
  -a -e "$shortcut" -a -n "$(wine reg query "$key" 2>/dev/null)"
# Put the real exe back: the setup once more, now that nothing runs.
wine "$setup" /S >/dev/null 2>&1
status=$?
wineserver -w
check "the setup succeeds once the app has exited (got $status)" \
  test "$status" -eq 0 -a "$(cmp "$instdir/session-doctor.exe" "$exe_built" >/dev/null 2>&1 && echo same)" = same

# --- silent uninstall, as Settings > Apps would run it -----------------------------------
# The NSIS uninstaller copies itself to %TEMP% and returns at once: wineserver -w waits for it.
t=$(date +%s)
uninstaller=${quiet%\" /S}; uninstaller=${uninstaller#\"}
wine "${uninstaller:-$instdir_win\\uninstall.exe}" /S >/dev/null 2>&1
status=$?
wineserver -w
check "silent uninstall exits 0 (got $status, $(( $(date +%s) - t )) s)" test "$status" -eq 0
check "session-doctor.exe removed" test ! -e "$instdir/session-doctor.exe"
check "WebView2Loader.dll removed" test ! -e "$instdir/WebView2Loader.dll"
check "uninstall.exe removed" test ! -e "$instdir/uninstall.exe"
check "install folder removed" test ! -e "$instdir"
check "Start menu shortcut removed" test ! -e "$shortcut"
check "Uninstall key removed" not wine reg query "$key"
check "no leftovers named Session Doctor in the user's profile" \
  test -z "$(find "$WINEPREFIX/drive_c/users" -iname '*session doctor*' -print -quit)"

finish
