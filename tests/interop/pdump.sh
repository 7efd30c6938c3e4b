#!/usr/bin/env bash
# Live capture of the running dturn with the standard tool (docs/metrics.md, "Live capture"):
#   dpdk-dumpcap --file-prefix=dturn-demo -i net_af_packet0 -f 'udp port 3478' -c 4 -w X.pcapng
# attaches as a DPDK secondary process while STUN Bindings go from the client namespace;
# the pcapng it writes holds exactly 4 frames, which tshark reads as Binding requests from
# the client and Binding success responses from dturn. dturn still answers afterwards
# (the capture callbacks were removed cleanly).
#
# A secondary process can only attach to a primary whose memory is in hugepages: when
# dturn fell back to --no-huge (telemetry /eal/params shows it), this case
# prints "SKIP pdump: ..." and exits 0 (run-all.sh counts it neither way).
#
# Environment: DTURN_FILE_PREFIX (default dturn-demo), DTURN_CAPTURE_PORT (default
# net_af_packet0, the client-side port of config/dturn-demo.conf).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"
command -v dpdk-dumpcap >/dev/null || fail "dpdk-dumpcap not installed (Debian package dpdk)"
command -v dpdk-telemetry.py >/dev/null || fail "dpdk-telemetry.py not installed (Debian package dpdk)"
command -v tshark >/dev/null || fail "tshark not installed"
PREFIX=${DTURN_FILE_PREFIX:-dturn-demo}
PORT_NAME=${DTURN_CAPTURE_PORT:-net_af_packet0}
RUNDIR=/var/run/dpdk/$PREFIX
PACKETS=4

[ -S "$RUNDIR/mp_socket" ] || fail "no DPDK primary with file prefix $PREFIX ($RUNDIR/mp_socket missing): is dturn running?"
# The primary's own EAL arguments say whether it runs in hugepages.
params=$(echo /eal/params | timeout 10 dpdk-telemetry.py -f "$PREFIX" 2>&1 || true)
grep -q '"/eal/params"' <<<"$params" || fail "telemetry /eal/params of $PREFIX not answered: $(tr '\n' ' ' <<<"$params" | cut -c1-200)"
if grep -q -- '--no-huge' <<<"$params"; then
	echo "SKIP $NAME: dturn runs without hugepages (--no-huge in /eal/params): a DPDK secondary process such as dpdk-dumpcap cannot attach to it"
	exit 0
fi
# An ASan-built primary cannot be attached to reliably: ASan's shadow memory covers EAL's
# base address (4 GB), so the primary's memory lands wherever mmap puts it, and a secondary
# must map it at the same address, which its own random layout may already hold (CI saw
# dpdk-dumpcap fail "is primary process running?" and crash). The capture is tested
# against the release build in the same run.
pid=$(tr -dc '0-9' </run/dturn-demo.pid 2>/dev/null || true)
if [ -n "$pid" ] && grep -q 'libasan' "/proc/$pid/maps" 2>/dev/null; then
	echo "SKIP $NAME: dturn (pid $pid) is built with AddressSanitizer, whose shadow memory takes EAL's base address: a secondary process cannot reliably map its memory (tested against the release build)"
	exit 0
fi

tmp=$(mktemp -d /tmp/dturn-pdump.XXXXXX)
cap=$tmp/capture.pcapng
dpid=
cleanup() {
	if [ -n "$dpid" ] && [ -d "/proc/$dpid" ]; then kill -INT "$dpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# -c bounds the capture; timeout bounds it if the packets never come.
timeout --signal=INT --kill-after=5 40 dpdk-dumpcap --file-prefix="$PREFIX" -i "$PORT_NAME" \
	-f "udp port $STUN_PORT" -c "$PACKETS" -w "$cap" >"$tmp/dumpcap.out" 2>&1 &
dpid=$!

# Send Bindings until dumpcap has its packets and exits: it installs its callbacks a
# moment after it starts, and the Bindings sent before that are simply not captured.
sent=0
for _ in $(seq 40); do
	[ -d "/proc/$dpid" ] || break
	in_client timeout 5 python3 "$INTEROP_DIR/lib/stun_binding.py" -p "$STUN_PORT" --tries 1 \
		"$SERVER_V4" >/dev/null 2>&1 && sent=$((sent + 1))
	sleep 0.25
done
rc=0
wait "$dpid" || rc=$?
dpid=
[ "$rc" -eq 0 ] || fail "dpdk-dumpcap exited $rc: $(grep -vE '^EAL: (Requested device|Device) .* (cannot be used|not driven)' "$tmp/dumpcap.out" | tail -n 4 | tr '\n' ' ')"
[ -s "$cap" ] || fail "dpdk-dumpcap wrote no file: $(tail -n 4 "$tmp/dumpcap.out" | tr '\n' ' ')"
[ "$sent" -ge 2 ] || fail "only $sent Binding(s) answered while capturing"

count() { tshark -r "$cap" -Y "$1" 2>/dev/null | wc -l; }
total=$(count "frame")
requests=$(count "ip.src == $CLIENT_V4 && ip.dst == $SERVER_V4 && stun.type == 0x0001")
responses=$(count "ip.src == $SERVER_V4 && ip.dst == $CLIENT_V4 && stun.type == 0x0101")
[ "$total" -eq "$PACKETS" ] || fail "capture has $total frames, expected $PACKETS (-c $PACKETS)"
[ "$requests" -ge 1 ] && [ "$responses" -ge 1 ] ||
	fail "capture has $requests Binding request(s) and $responses success response(s): $(tshark -r "$cap" 2>/dev/null | head -n 4 | tr -s ' ' | tr '\n' ';')"
[ $((requests + responses)) -eq "$total" ] ||
	fail "capture has frames other than the Binding exchange: $(tshark -r "$cap" 2>/dev/null | tr -s ' ' | tr '\n' ';')"

in_client timeout 10 python3 "$INTEROP_DIR/lib/stun_binding.py" -p "$STUN_PORT" "$SERVER_V4" >/dev/null 2>&1 ||
	fail "dturn did not answer a Binding after the capture ended"
pass
