#!/usr/bin/env bash
# [stream] tap_name: two dturn instances on one host need taps of their own names.
# With tap_name = dt-edge7-tcp (dturn-stream.conf plus that line):
#  1. while an interface dt-edge7-tcp0 already exists (one end of a veth pair made here,
#     standing for another instance's tap), dturn refuses to start and its log names the
#     interface and the key, rather than take it over;
#  2. once it is gone, dturn starts with the tap dt-edge7-tcp0 (and no dturn-tcp0), and
#     turnutils_uclient -t relays 2 x 50 messages over TCP through it, every one back.
#
# Starts its own dturn on a copy of dturn-stream.conf (lib/stream.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
CONF_COPY=$(mktemp /tmp/dturn-stream-tap.XXXXXX.conf)
sed 's/^\[stream\]$/[stream]\ntap_name = dt-edge7-tcp/' "$INTEROP_DIR/dturn-stream.conf" >"$CONF_COPY"
DTURN_STREAM_CONF=$CONF_COPY
. "$(dirname "$0")/lib/uclient.sh"
. "$(dirname "$0")/lib/stream.sh"
TAP=dt-edge7-tcp0
grep -q '^tap_name = dt-edge7-tcp$' "$CONF_COPY" || fail "could not add tap_name to a copy of dturn-stream.conf"
command -v dpdk-telemetry.py >/dev/null || fail "dpdk-telemetry.py not installed (Debian package dpdk)"
[ ! -e "/sys/class/net/$TAP" ] || fail "an interface $TAP exists before the case (a stray dturn?)"

cleanup_tap() {
	[ ! -e "/sys/class/net/$TAP" ] || ip link del "$TAP" 2>/dev/null || true
	rm -f "$CONF_COPY"
	stream_cleanup
}

# 1. The name is taken: start-up stops with the reason.
ip link add "$TAP" type veth peer name dt-edge7-peer || fail "ip link add $TAP type veth failed"
trap cleanup_tap EXIT
log=${DTURN_LOG:-/tmp/dturn-demo.log}
if "$ROOT/scripts/run.sh" --serve 40 --config "$CONF_COPY" >/tmp/dturn-stream-tap.serve.log 2>&1; then
	"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
	fail "dturn started although an interface $TAP existed"
fi
grep -q "interface $TAP already exists .*stream.tap_name" "$log" ||
	fail "dturn did not say that $TAP exists: $(grep -E 'stream|ERR' "$log" | tail -n 3 | tr '\n' ' ' | cut -c1-300)"
ip link del "$TAP"

# 2. Free again: the tap has the configured name and carries TURN over TCP.
stream_start
trap cleanup_tap EXIT
[ -e "/sys/class/net/$TAP" ] || fail "no interface $TAP while dturn serves [stream] (links: $(ls /sys/class/net | tr '\n' ' '))"
[ ! -e /sys/class/net/dturn-tcp0 ] || fail "the default dturn-tcp0 exists too"
grep -q "stream: $TAP (port [0-9]*) is the kernel's side of port 0" "$log" ||
	fail "the log does not name $TAP as port 0's tap: $(grep 'stream:' "$log" | tail -n 2 | tr '\n' ' ')"
start_peer
run_uclient -t -u "$TURN_USER" -w "$TURN_PASSWORD" -c -e "$PEER_V4" -r "$PEER_PORT" -m 2 -n 50 -p "$STREAM_TCP_PORT"
check_uclient 100 2
pass
