#!/usr/bin/env bash
# Builds the Linux program into out/linux/bin/motcua (cgo: Fyne needs the
# X11/GL headers, `make deps-build`), stamped with version and commit;
# position-independent (PIE), as Debian hardening expects.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(packaging/version.sh)"
OUT=${OUT:-out/linux}
mkdir -p "$OUT/bin"
echo "linux: go build motcua $VERSION ($COMMIT)"
CGO_ENABLED=1 go build -trimpath -buildmode=pie -ldflags "-s -w -X main.Version=$VERSION -X main.Commit=$COMMIT" \
  -o "$OUT/bin/motcua" ./cmd/motcua
go run ./packaging/icon "$OUT/icons" >/dev/null
# Man pages and the bash completion, from the command tree.
rm -rf "$OUT/man"
go run ./cmd/motcua/internal/mangen -out "$OUT/man" -version "$VERSION" >/dev/null
"$OUT/bin/motcua" completion bash >"$OUT/motcua.bash"
