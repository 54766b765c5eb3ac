#!/usr/bin/env bash
# Builds every release artefact into dist/ (see packaging/README.md):
#   dist.sh [windows] [linux]     (default: both)
# then writes dist/SHA256SUMS over what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(packaging/version.sh)"
echo "dist: Một Cửa $VERSION ($COMMIT)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(windows linux)
DIST=${DIST:-dist}
mkdir -p "$DIST"
for t in "${targets[@]}"; do
  case $t in
    windows) packaging/windows/build.sh && packaging/windows/package.sh ;;
    linux) packaging/linux/build.sh && packaging/linux/package.sh ;;
    *) echo "dist.sh: unknown target $t (windows, linux)" >&2; exit 2 ;;
  esac
done
(cd "$DIST" && rm -f SHA256SUMS && sha256sum -- *.exe *.zip *.deb *.tar.gz 2>/dev/null >SHA256SUMS || true)
echo "dist: $(wc -l <"$DIST/SHA256SUMS") artefacts in $DIST/, checksums in $DIST/SHA256SUMS"
ls -l "$DIST"
