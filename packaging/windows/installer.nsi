; Session Doctor's Windows installer: per user, no administrator rights.
; Built by scripts/windows.sh (`make windows`) with Debian's makensis and only the plugins and
; headers NSIS itself ships; nothing is downloaded. Tested by scripts/wine-installer-test.sh.
;
;   makensis -DVERSION=0.1.0 -DVERSION_NUMERIC=0.1.0.0 -DSRCDIR=<folder with the exe and
;            WebView2Loader.dll> -DICON=icons/icon.ico -DOUTFILE=<setup.exe> installer.nsi
;
; What it does:
;   - copies session-doctor.exe and WebView2Loader.dll into $LOCALAPPDATA\Programs\Session Doctor
;     (or the folder given with /D=...), writes uninstall.exe beside them;
;   - a Start menu shortcut "Session Doctor" (the user's Start Menu\Programs), with the exe's icon;
;   - an entry in Settings > Apps (HKCU\...\Uninstall\app.sessiondoctor.desktop);
;   - /S installs silently; "uninstall.exe /S" (the entry's QuietUninstallString) removes it all
;     silently. The app's own data (settings, the repair journal and its backups under
;     %APPDATA%\app.sessiondoctor.desktop, WebView2 data under %LOCALAPPDATA%) is kept: it
;     holds what undoes a repair.

; A 64-bit installer for a 64-bit app (it also runs under a 64-bit-only Wine, which the
; test uses); 32-bit Windows could not run the app anyway.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!macro REQUIRE NAME
  !ifndef ${NAME}
    !error "define ${NAME} (makensis -D${NAME}=...): VERSION, VERSION_NUMERIC, SRCDIR, ICON, OUTFILE"
  !endif
!macroend
!insertmacro REQUIRE VERSION
!insertmacro REQUIRE VERSION_NUMERIC
!insertmacro REQUIRE SRCDIR
!insertmacro REQUIRE ICON
!insertmacro REQUIRE OUTFILE

!define APP_NAME "Session Doctor"
; The Tauri identifier (src-tauri/tauri.conf.json): the uninstall key's name.
!define APP_ID "app.sessiondoctor.desktop"
!define PUBLISHER "Session Doctor"
!define EXE "session-doctor.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define SHORTCUT "$SMPROGRAMS\${APP_NAME}.lnk"
; The WebView2 runtime's client GUID (Microsoft's "detect if a WebView2 Runtime is installed"):
; per machine under WOW6432Node on 64-bit Windows, or per user.
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; A reinstall or an update goes where the last install went.
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION_NUMERIC}"
VIFileVersion "${VERSION_NUMERIC}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} ${VERSION} setup"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT License"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; The app must not be running while its files are replaced or removed: Windows refuses to open
; a running exe for writing.
!macro ABORT_IF_RUNNING
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      MessageBox MB_ICONEXCLAMATION "Close ${APP_NAME} first, then try again." /SD IDOK
      SetErrorLevel 2
      Abort "${APP_NAME} is running"
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Session Doctor" SecMain
  SectionIn RO
  !insertmacro ABORT_IF_RUNNING
  SetOutPath "$INSTDIR"

  File "${SRCDIR}/${EXE}"
  File "${SRCDIR}/WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" \
    "Fixes Outlook's $\"exceeded the maximum number of allowed sessions$\" error"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$\"$INSTDIR\${EXE}$\",0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" "$\"$INSTDIR\${UNINSTALLER}$\""
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" "$\"$INSTDIR\${UNINSTALLER}$\" /S"
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"

  ; Windows 10 and 11 come with the WebView2 runtime; say so where it is missing, but install.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "The Microsoft Edge WebView2 Runtime was not found."
    MessageBox MB_ICONINFORMATION "${APP_NAME} needs the Microsoft Edge WebView2 Runtime, which this PC does not seem to have. Install the Evergreen runtime from https://developer.microsoft.com/microsoft-edge/webview2/ before starting it." /SD IDOK
  ${Else}
    DetailPrint "WebView2 Runtime $0 found."
  ${EndIf}
SectionEnd

Section "Uninstall"
  !insertmacro ABORT_IF_RUNNING
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\${UNINSTALLER}"
  ; Only if empty: never remove files the installer did not put there.
  RMDir "$INSTDIR"
  Delete "${SHORTCUT}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
