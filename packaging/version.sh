#!/usr/bin/env bash
# Prints the version numbers of a packaged build as shell assignments:
#   VERSION  semantic version stamped into the binary and the file names
#            1.2.3 on a tag v1.2.3; 1.2.3-dev.N+gCOMMIT between releases, where
#            1.2.3 is cmd/motcua/FyneApp.toml's Version and N counts commits,
#            so every later build sorts after every earlier one.
#   WINVER   four numbers for the Windows version resource and the installer's
#            downgrade check (NSIS VersionCompare)
#   DEBVER   Debian version (1.2.3 / 1.2.3~dev.N+gCOMMIT: "~" sorts before the release)
#   COMMIT   short commit, with "-dirty" when the tree has uncommitted changes
# DIST_VERSION in the environment overrides the computed VERSION (X.Y.Z[-…]).
#
# Windows and Debian must order builds the same way as semantic versions do
# (a pilot 1.2.3-dev.N comes before the release 1.2.3, so the release installs
# over it and going back is refused), so the pre-release is one of
#   dev.N  (N 0–59999)  WINVER 1.2.3.N         DEBVER 1.2.3~dev.N
#   rc.N   (N 0–5534)   WINVER 1.2.3.(60000+N) DEBVER 1.2.3~rc.N
#   none                WINVER 1.2.3.65535     DEBVER 1.2.3
# (65535 is the largest number a Windows version field holds). Builds made
# before this scheme stamped a release 1.2.3.0 and a pilot 1.2.3.N; both are
# below this scheme's 1.2.3.65535, so a release still installs over them.
# packaging/version_test.go checks the three orders agree (`make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([0-9][0-9.]*\)".*/\1/p' cmd/motcua/FyneApp.toml | head -1)
[ -n "$base" ] || { echo "version.sh: no Version in cmd/motcua/FyneApp.toml" >&2; exit 1; }
commit=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
count=$(git rev-list --count HEAD 2>/dev/null || echo 0)
tag=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null || true)
if [ -n "${DIST_VERSION:-}" ]; then
  version=$DIST_VERSION
elif [[ $tag =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]]; then
  version=${BASH_REMATCH[1]}
else
  version="$base-dev.$count+g${commit%-dirty}"
fi
[[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9A-Za-z.-]+))?(\+[0-9A-Za-z.-]+)?$ ]] ||
  { echo "version.sh: $version is not X.Y.Z[-pre][+build]" >&2; exit 1; }
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]} pre=${BASH_REMATCH[5]} build=${BASH_REMATCH[6]}
if [ -z "$pre" ]; then
  winver="$major.$minor.$patch.65535"
  debver="$major.$minor.$patch${build:++${build#+}}"
else
  if [[ $pre =~ ^dev\.(0|[1-9][0-9]*)$ ]] && [ "${BASH_REMATCH[1]}" -le 59999 ]; then
    fourth=${BASH_REMATCH[1]}
  elif [[ $pre =~ ^rc\.(0|[1-9][0-9]*)$ ]] && [ "${BASH_REMATCH[1]}" -le 5534 ]; then
    fourth=$((60000 + BASH_REMATCH[1]))
  else
    echo "version.sh: pre-release «$pre» of $version must be dev.N (N ≤ 59999) or rc.N (N ≤ 5534)," \
      "so that Windows and Debian order it before the release (quy tắc: thứ tự phiên bản)" >&2
    exit 1
  fi
  winver="$major.$minor.$patch.$fourth"
  debver="$major.$minor.$patch~$pre${build:++${build#+}}"
fi
echo "VERSION=$version"
echo "WINVER=$winver"
echo "DEBVER=$debver"
echo "COMMIT=$commit"
