#!/usr/bin/env bash
# Packs the programs built by build.sh into $DIST (default dist/):
#   motcua-VERSION-setup.exe           the NSIS installer (per machine, /S, /PROFILE=)
#   motcua-VERSION-windows-amd64.zip   the portable build
# signing the programs, the uninstaller and the installer when a certificate
# is configured (see sign.sh). Prints the installer and installed sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(packaging/version.sh)"
OUT=${OUT:-out/windows}
DIST=${DIST:-dist}
FILEVER=${VERSION//+/.}
bin="$OUT/bin"
for f in motcua.exe motcuaw.exe; do
  [ -f "$bin/$f" ] || { echo "package.sh: $bin/$f missing; run packaging/windows/build.sh" >&2; exit 1; }
done

stage="$OUT/stage"
rm -rf "$stage" && mkdir -p "$stage" "$DIST"
cp "$bin/motcua.exe" "$bin/motcuaw.exe" "$stage/"
# Notepad and every editor read UTF-8 with a BOM; CRLF for Windows.
{ printf '\xef\xbb\xbf'; sed -e "s|@VERSION@|$VERSION|g; s|@COMMIT@|$COMMIT|g" packaging/windows/README.txt.in; } |
  sed 's/$/\r/' >"$stage/README.txt"
# The installers' guide travels with the program: the sites have no network.
cp docs/INSTALL.vi.md docs/INSTALL.en.md "$stage/"
packaging/windows/sign.sh "$stage/motcua.exe" "$stage/motcuaw.exe"

# The installer swaps files in this order: motcua.exe last.
files=(README.txt INSTALL.vi.md INSTALL.en.md motcuaw.exe motcua.exe)
[ "$(ls "$stage" | sort)" = "$(printf '%s\n' "${files[@]}" | sort)" ] ||
  { echo "package.sh: stage holds $(ls "$stage" | xargs) but the installer lists ${files[*]}" >&2; exit 1; }
nsh="$OUT/files.nsh"
{
  echo '!macro SwapAll'; for f in "${files[@]}"; do echo "  !insertmacro Swap \"$f\""; done; echo '!macroend'
  echo '!macro DeleteOld'; for f in "${files[@]}"; do echo "  Delete /REBOOTOK \"\$INSTDIR\\$f.old\""; done; echo '!macroend'
  echo '!macro DeleteInstalled'
  for f in "${files[@]}"; do echo "  Delete /REBOOTOK \"\$INSTDIR\\$f\""; echo "  Delete \"\$INSTDIR\\$f.old\""; done
  echo '!macroend'
} >"$nsh"

installed_kb=$(du -sk --apparent-size "$stage" | cut -f1)
rm -f "$DIST"/motcua-*-setup.exe "$DIST"/motcua-*-windows-amd64.zip # earlier builds' artefacts
setup="$DIST/motcua-$FILEVER-setup.exe"
abs() { realpath -m "$1"; }
defs=(-DVERSION="$VERSION" -DWINVER="$WINVER" -DCOMMIT="$COMMIT" -DSTAGE="$(abs "$stage")"
      -DFILES_NSH="$(abs "$nsh")" -DOUTFILE="$(abs "$setup")" -DICON="$(abs "$OUT/icons/motcua.ico")"
      -DINSTALLED_KB="$installed_kb")
[ -n "${MOTCUA_SIGN_PKCS12:-}" ] && defs+=(-DSIGN="$PWD/packaging/windows/sign.sh")
[ -n "${PUBLISHER:-}" ] && defs+=(-DPUBLISHER="$PUBLISHER")
makensis -V2 -INPUTCHARSET UTF8 "${defs[@]}" packaging/windows/motcua.nsi
packaging/windows/sign.sh "$setup"

zipdir="$OUT/zip/motcua-$FILEVER"
rm -rf "$OUT/zip" && mkdir -p "$zipdir"
cp "$stage"/* "$zipdir/"
sed 's/$/\r/' packaging/windows/portable.cmd >"$zipdir/portable.cmd"
zip="$DIST/motcua-$FILEVER-windows-amd64.zip"
rm -f "$zip"
zip=$(abs "$zip")
(cd "$OUT/zip" && zip -q -9 -r "$zip" "motcua-$FILEVER")

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "windows: installer $(basename "$setup")  $(mb "$(stat -c %s "$setup")")  (target ≤ 30 MB)"
echo "windows: installed size            $(mb $((installed_kb * 1024)))  (motcua.exe $(mb "$(stat -c %s "$stage/motcua.exe")"))"
echo "windows: portable $(basename "$zip")  $(mb "$(stat -c %s "$zip")")"
