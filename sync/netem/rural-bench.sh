#!/bin/sh
# Emulated rural link benchmark: the reference provincial server in one
# network namespace, the commune's sync worker in another, joined by a veth
# pair shaped with tc netem (default 1 Mbit/s, 150 ms delay, 1 % loss on
# each direction). Prints the link utilisation (target ≥ 80 %).
#
# Needs root (ip netns, tc). Cleans up after itself, also on failure.
#   sudo sync/netem/rural-bench.sh            # from the module root
#   RATE=2mbit DELAY=80ms LOSS=0.5% N=40 sudo -E sync/netem/rural-bench.sh
set -eu

RATE=${RATE:-1mbit}
DELAY=${DELAY:-150ms}
LOSS=${LOSS:-1%}
N=${N:-24}
FILE=${FILE:-98304}
PROV=mc-prov-$$
XA=mc-xa-$$
WORK=$(mktemp -d)

cleanup() {
	[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
	ip netns del "$PROV" 2>/dev/null || true
	ip netns del "$XA" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "rural-bench: needs root (ip netns, tc)" >&2
	exit 2
fi

case "$RATE" in
*gbit) BPS=$(( ${RATE%gbit} * 1000000000 ));;
*mbit) BPS=$(( ${RATE%mbit} * 1000000 ));;
*kbit) BPS=$(( ${RATE%kbit} * 1000 ));;
*) echo "rural-bench: RATE must end in kbit, mbit or gbit" >&2; exit 2;;
esac

echo "building…"
go build -o "$WORK/motcua-province" ./cmd/motcua-province
go test -c -o "$WORK/outbox.test" ./sync/outbox

ip netns add "$PROV"
ip netns add "$XA"
ip link add mcv-p-$$ type veth peer name mcv-x-$$
ip link set mcv-p-$$ netns "$PROV"
ip link set mcv-x-$$ netns "$XA"
ip -n "$PROV" addr add 10.77.0.1/24 dev mcv-p-$$
ip -n "$XA" addr add 10.77.0.2/24 dev mcv-x-$$
for ns in "$PROV" "$XA"; do ip -n "$ns" link set lo up; done
ip -n "$PROV" link set mcv-p-$$ up
ip -n "$XA" link set mcv-x-$$ up
SHAPE="netem rate $RATE delay $DELAY loss $LOSS limit 1000"
if ! ip netns exec "$PROV" tc qdisc add dev mcv-p-$$ root $SHAPE 2>/dev/null; then
	# Kernels without sch_netem (some containers): shape the rate only.
	echo "rural-bench: WARNING: netem unavailable in this kernel; shaping the rate only (no delay, no loss)" >&2
	SHAPE="tbf rate $RATE burst 32kbit latency 400ms"
	DELAY=0ms LOSS=0%
	ip netns exec "$PROV" tc qdisc add dev mcv-p-$$ root $SHAPE
fi
ip netns exec "$XA" tc qdisc add dev mcv-x-$$ root $SHAPE

ip netns exec "$PROV" "$WORK/motcua-province" serve -addr 10.77.0.1:8686 -db "$WORK/province.db" \
	-agency 000.00.06.H56 -user xa-quangphu:mat-khau-thu >"$WORK/server.log" 2>&1 &
SERVER=$!
sleep 1

echo "link: $RATE, delay $DELAY, loss $LOSS each way; $N dossiers with $FILE-byte scans"
ip netns exec "$XA" env MOTCUA_RURAL_URL=http://10.77.0.1:8686 MOTCUA_RURAL_N="$N" MOTCUA_RURAL_FILE="$FILE" \
	MOTCUA_RURAL_RATE_BPS="$BPS" "$WORK/outbox.test" -test.run '^TestRuralLink$' -test.v -test.timeout 30m
