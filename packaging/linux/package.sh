#!/usr/bin/env bash
# Packs out/linux/bin/motcua into $DIST (default dist/):
#   motcua_DEBVER_amd64.deb             Debian/Ubuntu package (dpkg-deb)
#   motcua-VERSION-linux-amd64.tar.gz   bin/ + share/ for other distributions:
#       tar -C ~/.local --strip-components=1 -xzf motcua-…tar.gz   (or /usr/local)
# Both carry the desktop entry, the hicolor icons and the AppStream metadata.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(packaging/version.sh)"
OUT=${OUT:-out/linux}
DIST=${DIST:-dist}
FILEVER=${VERSION//+/.}
MAINTAINER=${MAINTAINER:-Một Cửa <motcua@localhost>}
case $MAINTAINER in *@localhost*) echo "package.sh: MAINTAINER is the placeholder «$MAINTAINER»; set MAINTAINER='Name <address>' for a release (lintian: bogus-mail-host)" >&2 ;; esac
bin="$OUT/bin/motcua"
[ -x "$bin" ] || { echo "package.sh: $bin missing; run packaging/linux/build.sh" >&2; exit 1; }
mkdir -p "$DIST"

# tree PREFIX: lays out bin/ and share/ under PREFIX.
tree() {
  local p=$1
  install -Dm755 "$bin" "$p/bin/motcua"
  install -Dm644 packaging/linux/vn.motcua.counter.desktop "$p/share/applications/vn.motcua.counter.desktop"
  sed -e "s|@VERSION@|$VERSION|g; s|@DATE@|$(git log -1 --format=%cs 2>/dev/null || date +%F)|g" \
    packaging/linux/vn.motcua.counter.metainfo.xml.in >"$OUT/metainfo.xml"
  install -Dm644 "$OUT/metainfo.xml" "$p/share/metainfo/vn.motcua.counter.metainfo.xml"
  # The installers' guide (named so that it is not taken for build instructions).
  install -Dm644 docs/INSTALL.vi.md "$p/share/doc/motcua/installers-guide.vi.md"
  install -Dm644 docs/INSTALL.en.md "$p/share/doc/motcua/installers-guide.en.md"
  for m in "$OUT"/man/*.1; do
    gzip -9n <"$m" | install -Dm644 /dev/stdin "$p/share/man/man1/$(basename "$m").gz"
  done
  install -Dm644 "$OUT/motcua.bash" "$p/share/bash-completion/completions/motcua"
  for n in 16 24 32 48 64 128 256 512; do
    install -Dm644 "$OUT/icons/motcua-$n.png" "$p/share/icons/hicolor/${n}x$n/apps/vn.motcua.counter.png"
  done
}

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate packaging/linux/vn.motcua.counter.desktop
fi

if command -v appstreamcli >/dev/null; then
  tree "$OUT/check"
  appstreamcli validate --no-net "$OUT/check/share/metainfo/vn.motcua.counter.metainfo.xml"
  rm -rf "$OUT/check"
fi

# --- .deb
root="$OUT/deb"
rm -rf "$root" && mkdir -p "$root/DEBIAN"
tree "$root/usr"
install -Dm644 /dev/stdin "$root/usr/share/doc/motcua/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: motcua
Comment: Một Cửa $VERSION ($COMMIT).

Files: *
Copyright: $(git log -1 --format=%cd --date=format:%Y 2>/dev/null || date +%Y) ${PUBLISHER:-Dự án Một Cửa}
License: LicenseRef-proprietary
 The project has not published its licence terms yet (its AppStream metadata
 says LicenseRef-proprietary).

Files: usr/bin/motcua
Copyright: Google LLC and the Noto Project Authors (Noto Serif, embedded)
 Artifex Software, Inc. (MuPDF, statically linked through go-fitz)
License: OFL-1.1 and AGPL-3.0
 Noto Serif: SIL Open Font License 1.1. MuPDF and go-fitz: GNU Affero General
 Public License version 3 (go-fitz's COPYING; MuPDF: https://mupdf.com/licensing).
COPY
# Debian's changelog, compressed as policy wants (lintian: no-changelog).
{
  echo "motcua ($DEBVER) unstable; urgency=medium"
  echo
  echo "  * Một Cửa $VERSION ($COMMIT)."
  echo
  echo " -- $MAINTAINER  $(git log -1 --format=%aD 2>/dev/null || date -R)"
} | gzip -9n >"$root/usr/share/doc/motcua/changelog.gz" # a native package: changelog.gz
chmod 644 "$root/usr/share/doc/motcua/changelog.gz"
# Depends: what dpkg-shlibdeps derives from the libraries the program links
# (libc6, libgl1, libx11-6, with versions); without dpkg-dev, the packages
# owning the directly NEEDED libraries.
deps=""
if command -v dpkg-shlibdeps >/dev/null; then
  shl=$(mktemp -d)
  mkdir -p "$shl/debian"
  printf 'Source: motcua\n\nPackage: motcua\nArchitecture: amd64\n' >"$shl/debian/control"
  exe=$(realpath "$root/usr/bin/motcua") # OUT may be relative or absolute
  deps=$(cd "$shl" && dpkg-shlibdeps -O "$exe" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  rm -rf "$shl"
fi
if [ -z "$deps" ]; then
  deps=$(objdump -p "$bin" | awk '/NEEDED/{print $2}' | while read -r so; do
    lib=$(ldd "$bin" | awk -v so="$so" '$1 == so {print $3}')
    [ -n "$lib" ] && dpkg -S "$(readlink -f "$lib")" 2>/dev/null | cut -d: -f1
  done | sort -u | paste -sd, | sed 's/,/, /g')
fi
installed_kb=$(du -sk --apparent-size "$root/usr" | cut -f1)
cat >"$root/DEBIAN/control" <<CTRL
Package: motcua
Version: $DEBVER
Architecture: amd64
Maintainer: $MAINTAINER
Installed-Size: $installed_kb
Depends: ${deps:-libc6}
Recommends: cups-client, xdg-utils
Section: misc
Priority: optional
Description: Một Cửa — one-stop counter of a Vietnamese commune
 Phần mềm Bộ phận Một cửa cấp xã: tiếp nhận hồ sơ thủ tục hành chính, in giấy
 tiếp nhận có mã QR và ngày hẹn trả, số hóa giấy tờ, trả kết quả, và làm việc
 tiếp khi mất mạng.
 .
 Receives citizens' administrative dossiers at the commune counter, prints the
 receipt, digitises the papers and hands back results, also offline.
CTRL
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
deb="$DIST/motcua_${DEBVER}_amd64.deb"
rm -f "$DIST"/motcua_*_amd64.deb "$DIST"/motcua-*-linux-amd64.tar.gz # earlier builds' artefacts
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null

# --- tarball
tdir="$OUT/tar/motcua-$FILEVER"
rm -rf "$OUT/tar" && mkdir -p "$tdir"
tree "$tdir"
tgz="$DIST/motcua-$FILEVER-linux-amd64.tar.gz"
tar -C "$OUT/tar" --owner=0 --group=0 --sort=name -czf "$tgz" "motcua-$FILEVER"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "linux: $(basename "$deb")  $(mb "$(stat -c %s "$deb")"), installed $(mb $((installed_kb * 1024)))"
echo "linux: $(basename "$tgz")  $(mb "$(stat -c %s "$tgz")")"
echo "linux: depends: ${deps:-libc6}"
