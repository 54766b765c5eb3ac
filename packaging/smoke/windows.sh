#!/usr/bin/env bash
# Smoke test of the Windows installer without a Windows machine: Wine + Xvfb
# in a throwaway prefix. Needs dist/motcua-*-setup.exe (make dist-windows).
#
#  1. the province's key and a station profile, made by the Windows build itself
#  2. silent install with /PROFILE= of an "older release" (the same programs in
#     an installer numbered 0.0.1): files, shortcuts, uninstall entry, profile applied
#  3. motcua.exe version, init + intake on a fresh data directory, intake on the
#     provisioned one, audit verify
#  4. the window, opened through the shortcut's launcher; screenshot
#  5. upgrade to this release while the window is open: the installer asks it
#     to close (WM_CLOSE) and waits; database copied to backups\before-upgrade
#     first, dossiers still there, audit verify; going back to 0.0.1 is refused
#  5b. an upgrade killed half-way (a power cut while unpacking) leaves the
#     installed version working; running the installer again completes it
#  5c. a drive without room (a 12 MB tmpfs as D:, when mount is allowed):
#     exit 2 with the free and needed sizes, nothing written
#  6. a tampered profile: installed, profile refused, exit code 3; a missing
#     profile: nothing installed, exit code 2
#  6b. a pilot build (99.0.0-dev.265), then the real release 99.0.0 over it
#     without /DOWNGRADE, then the pilot again: refused (exit 2)
#  7. silent uninstall: program gone, data directory kept; /PURGE removes it
#
# Go >= 1.24 needs ProcessPrng from bcryptprimitives.dll, which Wine 8 lacks:
# prngshim.c stands in for it, in the throwaway prefix only.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(packaging/version.sh)"
FILEVER=${VERSION//+/.}
DIST=${DIST:-dist}
setup="$DIST/motcua-$FILEVER-setup.exe"
[ -f "$setup" ] || { echo "smoke: $setup missing; run make dist-windows" >&2; exit 1; }
portable=out/windows/bin/motcua.exe
[ -f "$portable" ] || { echo "smoke: $portable missing; run make dist-windows" >&2; exit 1; }

WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
work=$(mktemp -d /tmp/motcua-smoke.XXXXXX)
shots=${SHOTS:-out/smoke}
mkdir -p "$shots"
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n;mscoree,mshtml="
export LANG=C.UTF-8

xvfb_pid=""
cleanup() {
  "$WINESERVER" -k 2>/dev/null || true
  mountpoint -q "$work/tiny" 2>/dev/null && umount "$work/tiny"
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT

pass=0
ok() { pass=$((pass + 1)); echo "  ok  $*"; }
fail() { echo "  FAIL $*" >&2; exit 1; }
win() { "$WINE" "$@"; }
# wpath prints the Windows form of a Unix path (Wine maps / to Z:).
wpath() { echo "Z:${1//\//\\}"; }

echo "smoke: an older release's installer (0.0.1, same programs) for the upgrade"
mkdir -p "$work/old-out"
cp -r out/windows/bin out/windows/icons "$work/old-out/"
DIST_VERSION=0.0.1 DIST="$work/old" OUT="$work/old-out" packaging/windows/package.sh >/dev/null
old_setup=$(ls "$work"/old/*-setup.exe)
echo "smoke: a pilot build and its release (99.0.0-dev.265, 99.0.0, same programs)"
for v in 99.0.0-dev.265 99.0.0; do
  DIST_VERSION=$v DIST="$work/v$v" OUT="$work/old-out" packaging/windows/package.sh >/dev/null
done
pilot_setup=$(ls "$work"/v99.0.0-dev.265/*-setup.exe)
release_setup=$(ls "$work"/v99.0.0/*-setup.exe)

echo "smoke: Wine prefix in $work"
win wineboot -i >/dev/null 2>&1
win winecfg /v win10 # Debian's Wine 8 says Windows 7; the installer wants 10 or 11
"$WINESERVER" -w
drive_c="$WINEPREFIX/drive_c"
x86_64-w64-mingw32-gcc -shared -Os -s -o "$drive_c/windows/system32/bcryptprimitives.dll" \
  packaging/smoke/prngshim.c packaging/smoke/prngshim.def -ladvapi32
ok "prefix ready ($(win cmd /c ver | tr -d '\r' | grep -o 'Windows.*')), ProcessPrng shim in system32"

for d in $(seq 90 140); do
  [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ] || { display=":$d"; break; }
done
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
sleep 1

progdir="$drive_c/Program Files/MotCua"
datadir="$drive_c/ProgramData/MotCua"
exe='C:\Program Files\MotCua\motcua.exe'

# 1. The province side, done with the Windows build.
mkdir -p "$work/usb"
win "$portable" provision keygen --out "$(wpath "$work/usb/key")" >/dev/null
printf 'agency_id,agency_name,stations\n000.00.06.H56,UBND xã Quảng Phú,2\n' >"$work/usb/communes.csv"
win "$portable" provision create --communes "$(wpath "$work/usb/communes.csv")" --key "$(wpath "$work/usb/key/province.key")" \
  --out "$(wpath "$work/usb/profiles")" --province-url https://motcua.tinh.example/api >/dev/null
profile="$work/usb/profiles/000.00.06.H56-may1.mcprofile"
[ -f "$profile" ] && ok "profiles made by motcua.exe provision create"

# 2. Silent install (of the "older release") with the profile.
code=0
win "$old_setup" /S "/PROFILE=$(wpath "$profile")" /OFFICERS=lan.nt,binh.tv || code=$?
"$WINESERVER" -w
[ $code -eq 0 ] || { cat "$datadir/logs/install.log" >&2 || true; fail "silent install exit $code"; }
for f in motcua.exe motcuaw.exe README.txt uninstall.exe; do
  [ -f "$progdir/$f" ] || fail "$f not installed"
done
[ ! -e "$progdir/.new" ] || fail "staging folder left behind"
ok "silent install: $(du -sh "$progdir" | cut -f1) in Program Files\\MotCua"
lnk_desktop="$drive_c/users/Public/Desktop/Một Cửa.lnk"
lnk_menu="$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Một Cửa.lnk"
[ -f "$lnk_desktop" ] || fail "no desktop shortcut ($lnk_desktop)"
[ -f "$lnk_menu" ] || fail "no Start-menu shortcut ($lnk_menu)"
ok "desktop and Start-menu shortcuts"
displayversion() {
  win reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\MotCua' /v DisplayVersion 2>/dev/null |
    tr -d '\r' | awk '/DisplayVersion/{print $NF}'
}
[ "$(displayversion)" = 0.0.1 ] || fail "uninstall entry shows DisplayVersion «$(displayversion)», want 0.0.1"
ok "uninstall entry (DisplayVersion 0.0.1)"
grep -q "profile applied" "$datadir/logs/install.log" || { cat "$datadir/logs/install.log" >&2; fail "profile not applied"; }
ok "profile applied by the installer: $(grep -a 'Đã áp dụng' "$datadir/logs/install.log" | tail -1)"
# The data folder's ACL. Wine's net.exe has no "localgroup" and its files
# carry no Windows ACL, so here the installer can only take its fallback
# (Users keep modify, logged as a WARNING); on Windows the log line says
# SYSTEM, Administrators, MotCuaOfficers only. Wine cannot show that another
# account is refused: check it on a real Windows PC (docs/INSTALL, 5.2).
if grep -aq "SYSTEM, Administrators, MotCuaOfficers only" "$datadir/logs/install.log"; then
  ok "data folder restricted to SYSTEM, Administrators, MotCuaOfficers"
elif grep -aq "WARNING: no group MotCuaOfficers" "$datadir/logs/install.log"; then
  ok "no local groups under Wine: the installer fell back to Users modify and logged it"
else
  fail "the install log says nothing about the data folder's permissions"
fi

# 3. The command line.
out=$(win "$exe" version)
[[ $out == *"$VERSION"* && $out == *"${COMMIT%-dirty}"* ]] || fail "version printed «$out»"
ok "motcua.exe version: $out"
fresh='C:\smoke-data'
win "$exe" --data "$fresh" init --agency-id 000.00.07.H56 --agency-name "UBND phường Đông Sơn" --station 1/1 >/dev/null
code1=$(win "$exe" --data "$fresh" intake --procedure 2.000815 --name "Nguyễn Thị Ánh Tuyết" --id-number 001190123456 | cut -f1)
[[ $code1 == 000.00.07.H56-* ]] || fail "intake on a fresh data directory gave «$code1»"
ok "init + intake on a fresh data directory: $code1"
code2=$(win "$exe" intake --procedure 2.000815 --name "Trần Văn Bình" --id-number 038085001234 | cut -f1)
[[ $code2 == 000.00.06.H56-*-0001 ]] || fail "intake on the provisioned station gave «$code2»"
ok "intake on the provisioned station (1/2, odd numbers): $code2"
win "$exe" audit verify >/dev/null || fail "audit verify"
ok "audit verify"

# 4. The window, through the launcher the shortcuts use.
win "C:\\Program Files\\MotCua\\motcuaw.exe" &
for _ in $(seq 1 60); do
  sleep 1
  xwininfo -root -tree 2>/dev/null | grep -q "Một Cửa\|M\\\\341\\\\273\\\\231t" && break
done
sleep 4
shot="$shots/windows-window.png"
import -window root "$shot"
colours=$(convert "$shot" -format %k info:)
[ "$colours" -gt 50 ] || fail "screenshot is blank ($colours colours): $shot"
ok "window open under Wine; screenshot $shot ($colours colours)"

# 5. Upgrade with the window still open, then try to go back.
code=0
win "$setup" /S || code=$?
[ $code -eq 0 ] || { tail -5 "$datadir/logs/install.log" >&2; fail "upgrade over a running program: exit $code"; }
[ "$(displayversion)" = "$VERSION" ] || fail "after the upgrade DisplayVersion is «$(displayversion)»"
[ -f "$datadir/backups/before-upgrade/motcua.db" ] || fail "no database copy in backups\\before-upgrade"
win "$exe" show "$code2" >/dev/null || fail "dossier $code2 lost by the upgrade"
win "$exe" audit verify >/dev/null || fail "audit verify after the upgrade"
ok "upgrade 0.0.1 → $VERSION with the window open: database copied first, $code2 still there, audit verify"
if grep -aq "the running program closed after" "$datadir/logs/install.log"; then
  xwininfo -root -tree 2>/dev/null | grep -q "Một Cửa\|M\\\\341\\\\273\\\\231t" && fail "the installer says the window closed, but it is still on screen"
  ok "the open window was asked to close and closed before the files were swapped ($(grep -a 'closed after' "$datadir/logs/install.log" | tail -1))"
elif grep -aq "motcua.exe is running" "$datadir/logs/install.log"; then
  fail "the installer found the running window but the log does not say it closed"
else
  # Wine's tasklist may not list the process: then the installer cannot
  # see it and swaps the files under it, as before (renamed, not overwritten).
  echo "  note: the installer did not see the running motcua.exe under Wine (tasklist); closing it is unchecked here"
fi
"$WINESERVER" -k 2>/dev/null || true
sleep 1
code=0
win "$old_setup" /S || code=$?
[ $code -eq 2 ] && [ "$(displayversion)" = "$VERSION" ] || fail "downgrade to 0.0.1: exit $code, DisplayVersion «$(displayversion)»"
ok "going back to 0.0.1 refused (exit 2): $(grep -a 'newer than' "$datadir/logs/install.log" | tail -1)"

# 5b. Power cut while unpacking an upgrade: kill everything as soon as the
# staging folder appears, before the swap.
caught=""
for attempt in 1 2 3 4 5; do
  win "$setup" /S &
  setup_pid=$!
  for _ in $(seq 1 400); do
    [ -e "$progdir/.new/motcua.exe" ] && break
    sleep 0.02
  done
  "$WINESERVER" -k 2>/dev/null || true
  wait "$setup_pid" 2>/dev/null || true
  if [ -e "$progdir/.new" ]; then caught=$attempt; break; fi
done
[ -n "$caught" ] || fail "could not interrupt the installer while it was unpacking"
out=$(win "$exe" version) || fail "the installed version does not start after an interrupted upgrade"
win "$exe" show "$code2" >/dev/null || fail "dossier $code2 unreadable after an interrupted upgrade"
ok "upgrade killed while unpacking (attempt $caught, $(du -sh "$progdir/.new" | cut -f1) unpacked): installed version still runs ($out)"
code=0
win "$setup" /S || code=$?
"$WINESERVER" -w
[ $code -eq 0 ] && [ ! -e "$progdir/.new" ] || fail "installing again after the interruption: exit $code"
ok "running the installer again completes it"

# 5c. No room on the target drive.
mkdir -p "$work/tiny"
if mount -t tmpfs -o size=12m tmpfs "$work/tiny" 2>/dev/null; then
  ln -s "$work/tiny" "$WINEPREFIX/dosdevices/d:"
  code=0
  win "$setup" /S '/D=D:\MotCua' || code=$?
  "$WINESERVER" -w
  [ $code -eq 2 ] || fail "install on a 12 MB drive: exit $code, want 2"
  [ ! -e "$work/tiny/MotCua/motcua.exe" ] || fail "files written to a drive without room"
  ok "no room on D: (12 MB): exit 2, «$(grep -a 'MB free' "$datadir/logs/install.log" | tail -1)»"
  umount "$work/tiny"
else
  echo "  skip no-room test: cannot mount a small tmpfs here (needs root)"
fi

# 6. Bad profiles.
tampered="$work/usb/profiles/tampered.mcprofile"
sed 's/"payload": "e/"payload": "f/' "$profile" >"$tampered"
code=0
win "$setup" /S "/PROFILE=$(wpath "$tampered")" || code=$?
"$WINESERVER" -w
[ $code -eq 3 ] || fail "tampered profile: exit $code, want 3"
grep -aq "quy tắc" "$datadir/logs/install.log" || fail "the log does not say which rule refused the profile"
ok "tampered profile refused (exit 3): $(grep -a '^lỗi' "$datadir/logs/install.log" | tail -1)"
code=0
win "$setup" /S "/PROFILE=C:\\no\\such.mcprofile" || code=$?
[ $code -eq 2 ] || fail "missing profile: exit $code, want 2"
ok "missing profile: nothing done (exit 2)"

# 6b. The release installs over its pilot build; going back is refused.
code=0
win "$pilot_setup" /S || code=$?
"$WINESERVER" -w
[ $code -eq 0 ] && [ "$(displayversion)" = 99.0.0-dev.265 ] || fail "pilot 99.0.0-dev.265 over $VERSION: exit $code, DisplayVersion «$(displayversion)»"
code=0
win "$release_setup" /S || code=$?
"$WINESERVER" -w
[ $code -eq 0 ] && [ "$(displayversion)" = 99.0.0 ] || { tail -3 "$datadir/logs/install.log" >&2; fail "release 99.0.0 over its pilot: exit $code, DisplayVersion «$(displayversion)»"; }
win "$exe" show "$code2" >/dev/null || fail "dossier $code2 lost going from the pilot to the release"
ok "release 99.0.0 installed over the pilot 99.0.0-dev.265 without /DOWNGRADE ($(win reg query 'HKLM\Software\MotCua' /v WinVersion | tr -d '\r' | awk '/WinVersion/{print $NF}'))"
code=0
win "$pilot_setup" /S || code=$?
"$WINESERVER" -w
[ $code -eq 2 ] && [ "$(displayversion)" = 99.0.0 ] || fail "pilot over the release: exit $code, DisplayVersion «$(displayversion)», want exit 2"
ok "the pilot over the release refused (exit 2): $(grep -a 'newer than' "$datadir/logs/install.log" | tail -1)"

# 7. Uninstall keeps the data; /PURGE removes them.
win "C:\\Program Files\\MotCua\\uninstall.exe" /S
"$WINESERVER" -w
[ ! -e "$progdir/motcua.exe" ] || fail "motcua.exe still there after uninstall"
[ ! -e "$lnk_desktop" ] || fail "desktop shortcut left behind"
[ -f "$datadir/motcua.db" ] || fail "the data directory did not survive the uninstall"
out=$(win "$portable" --data 'C:\ProgramData\MotCua' show "$code2" | head -1)
ok "uninstalled; data kept: $out"
win "$setup" /S && "$WINESERVER" -w
win "C:\\Program Files\\MotCua\\uninstall.exe" /S /PURGE
"$WINESERVER" -w
[ ! -e "$datadir/motcua.db" ] || fail "/PURGE left the database"
ok "uninstall /PURGE removes the data"

echo "smoke-windows: $pass checks passed"
