#!/usr/bin/env bash
# Upgrade test: a database written by an earlier build opens in this one.
#   packaging/smoke/upgrade.sh [PREV]     (make upgrade-check PREV=v0.1.0)
# PREV is a tag or commit; default: the latest v* tag. The earlier build
# (linux, from a temporary git worktree) makes a database with dossiers in
# every kind of state; this build must open it (running the migrations it
# needs), list the same dossiers in the same states, pass `audit verify`,
# and carry on issuing codes without collision. Then the other direction:
# a database stamped with a schema newer than this build knows is refused
# with exit 2 and a clear message, and its bytes are left as they were.
set -euo pipefail
cd "$(dirname "$0")/../.."
prev=${1:-$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)}
[ -n "$prev" ] || { echo "upgrade: no v* tag yet; give an earlier commit: make upgrade-check PREV=<commit>" >&2; exit 2; }
git rev-parse --verify -q "$prev^{commit}" >/dev/null || { echo "upgrade: $prev is not a commit" >&2; exit 2; }

work=$(mktemp -d /tmp/motcua-upgrade.XXXXXX)
cleanup() {
  git worktree remove --force "$work/src" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export LANG=vi_VN.UTF-8 MOTCUA_OFFICER=kiemthu

echo "upgrade: building $prev ($(git log -1 --format='%h %cs %s' "$prev" | cut -c1-70))"
git worktree add -q --detach "$work/src" "$prev"
(cd "$work/src" && go build -o "$work/old" ./cmd/motcua)
go build -o "$work/new" ./cmd/motcua
data="$work/data"
old() { "$work/old" --data "$data" "$@"; }
new() { "$work/new" --data "$data" "$@"; }

old init --agency-id 000.00.06.H56 --agency-name "UBND xã Quảng Phú" --station 1/2 >/dev/null
codes=()
i=0
for day in 16 17 18 19 20 20; do # working days of a past week
  i=$((i + 1))
  codes+=("$(old intake --procedure 2.000815 --name "Người nộp $i" --id-number "03808500100$i" \
    --at "2026-11-${day}T09:0${i}:00+07:00" | cut -f1)")
done
old advance "${codes[1]}" --to 4 >/dev/null
old refuse "${codes[2]}" --reason "Hồ sơ không thuộc thẩm quyền" >/dev/null
old supplement "${codes[3]}" --reason "Thiếu giấy tờ" --missing "Bản sao CCCD; Tờ khai" >/dev/null
old advance "${codes[4]}" --to 4 >/dev/null
old extend "${codes[4]}" --reason "Chờ xác minh" --due 2026-12-30T17:00:00+07:00 >/dev/null
old advance "${codes[5]}" --to 9 >/dev/null
old return "${codes[5]}" >/dev/null
old audit verify >/dev/null
before=$(old list --json | tr -d ' \n')
echo "  ok  $prev wrote ${#codes[@]} dossiers (statuses 2, 4, 3, 5, 4 extended, 10)"

after=$(new list --json | tr -d ' \n')
[ "$before" = "$after" ] || { echo "upgrade: the dossiers differ after opening with this build" >&2; diff <(echo "$before" | fold -w 120) <(echo "$after" | fold -w 120) >&2 || true; exit 1; }
for c in "${codes[@]}"; do new show "$c" >/dev/null; done
echo "  ok  this build opens it: every dossier, state, history and due date the same"
new audit verify
next=$(new intake --procedure 2.000815 --name "Người nộp mới" --id-number 038085009999 --at 2026-11-20T10:00:00+07:00 | cut -f1)
[ "$next" = "000.00.06.H56-261120-0005" ] || { echo "upgrade: next code $next, want 000.00.06.H56-261120-0005" >&2; exit 1; }
echo "  ok  next code after the upgrade continues the station's sequence: $next"

schema=$(sqlite3 "$data/motcua.db" 'PRAGMA user_version')
sqlite3 "$data/motcua.db" "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = $((schema + 1));" >/dev/null
sum=$(sha256sum <"$data/motcua.db")
code=0
msg=$(new list 2>&1) || code=$?
[ $code -eq 2 ] || { echo "upgrade: a newer schema gave exit $code: $msg" >&2; exit 1; }
[ "$sum" = "$(sha256sum <"$data/motcua.db")" ] || { echo "upgrade: the newer database was modified" >&2; exit 1; }
echo "  ok  a database from a newer build (schema $((schema + 1)) > $schema) is refused, unchanged: ${msg%%$'\n'*}"
echo "upgrade: passed ($prev → $(git rev-parse --short HEAD), schema $schema)"
