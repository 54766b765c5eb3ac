#!/usr/bin/env bash
# Cross-compiles the Windows programs into out/windows/bin (unsigned):
#   motcua.exe   the application (console subsystem: CLI output, exit codes
#                and Ctrl+C behave in cmd.exe; the window opens without args)
#   motcuaw.exe  a small (~70 kB) launcher that starts motcua.exe without a console,
#                for the shortcuts (launcher.c)
# both with the icon, the version resource and the manifest. cgo is on for
# Fyne's GLFW/OpenGL driver and for MuPDF (go-fitz); this file is the ONE
# place that knows the Windows link flags.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(packaging/version.sh)"
OUT=${OUT:-out/windows}
CC=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}
PUBLISHER=${PUBLISHER:-Dự án Một Cửa}

# go-fitz's bundled Windows MuPDF was built with a newer mingw-w64 than
# Debian 12's: -static links libgcc/winpthread into the exe (no DLLs to
# ship); __intrinsic_setjmpex is aliased to msvcrt's own _setjmpex so
# MuPDF's fz_try/fz_catch keep working; libssp supplies the fortify
# __*_chk functions. (Measured: ../shared/PLATFORM.md.)
WIN_EXTLDFLAGS="-static -Wl,--defsym,__intrinsic_setjmpex=_setjmpex -lssp"

work="$OUT/obj"
mkdir -p "$OUT/bin" "$work"
go run ./packaging/icon "$OUT/icons" >/dev/null
cp "$OUT/icons/motcua.ico" "$work/motcua.ico"

IFS=. read -r V1 V2 V3 V4 <<<"$WINVER"
resource() { # name description
  local name=$1 desc=$2
  for f in motcua.rc motcua.manifest; do
    sed -e "s|@V1@|$V1|g; s|@V2@|$V2|g; s|@V3@|$V3|g; s|@V4@|$V4|g" \
        -e "s|@VERSION@|$VERSION|g; s|@COMMIT@|$COMMIT|g; s|@NAME@|$name|g" \
        -e "s|@PUBLISHER@|$PUBLISHER|g; s|@DESCRIPTION@|$desc|g; s|@YEAR@|$(date +%Y)|g" \
        "packaging/windows/$f.in" >"$work/$name.${f#motcua.}"
  done
  sed -i "s|\"motcua.manifest\"|\"$name.manifest\"|" "$work/$name.rc"
  (cd "$work" && "$WINDRES" -O coff -o "$name-rsrc.o" "$name.rc")
}
resource motcua "Một Cửa — bộ phận tiếp nhận và trả kết quả cấp xã"
resource motcuaw "Một Cửa — khởi động cửa sổ quầy"

echo "windows: go build motcua.exe $VERSION ($COMMIT)"
start=$(date +%s)
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC="$CC" CXX="${CC%gcc}g++" \
  go build -trimpath \
  -ldflags "-s -w -X main.Version=$VERSION -X main.Commit=$COMMIT -extldflags '$WIN_EXTLDFLAGS $PWD/$work/motcua-rsrc.o'" \
  -o "$OUT/bin/motcua.exe" ./cmd/motcua
echo "windows: motcua.exe built in $(( $(date +%s) - start )) s"
"$CC" -municode -mwindows -Os -s -static -o "$OUT/bin/motcuaw.exe" packaging/windows/launcher.c "$work/motcuaw-rsrc.o"
ls -l "$OUT/bin"
