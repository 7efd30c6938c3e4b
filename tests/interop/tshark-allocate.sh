#!/usr/bin/env bash
# tshark dissects the TURN exchange of real clients with dturn: captured on the client's
# eth0 (UDP 3478) and on the peer's eth0 (UDP to the echo peer) while
#   turnutils_uclient -v -u alice -w secret123 -c -e 198.19.0.2 -r 3480 -m 1 -n 5 \
#       -p 3478 198.18.0.1        (Allocate, Refresh, ChannelBind, ChannelData)
#   turnutils_uclient -v -u alice -w secret123 -c -s -e 198.19.0.2 -r 3480 -m 1 -n 5 \
#       -p 3478 198.18.0.1        (CreatePermission, Send and Data indications)
# run against turnutils_peer. Required: no malformed frame and no expert warning or error
# on either side (IP and UDP checksums verified, the veth offloads are off), no wrong
# FINGERPRINT anywhere, a verified FINGERPRINT on every response from the server
# (uclient puts FINGERPRINT in each request), and in the capture: the 401 challenge, an
# Allocate success, a ChannelBind success, a CreatePermission success, ChannelData and a
# Data indication from the server, and relayed datagrams from 198.19.0.1 to the peer.
#
# DTURN_TSHARK_FAMILY=6 (tshark-allocate-v6.sh) does the same over IPv6: the client talks
# to 2001:db8:18::1, asks for an IPv6 relayed address (-x) and relays to 2001:db8:19::2.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
FAMILY=${DTURN_TSHARK_FAMILY:-4}
if [ "$FAMILY" = 6 ]; then
	NAME=$NAME-v6
	UC_SERVER=$SERVER_V6 UC_RELAY=$RELAY_V6 UC_PEER_ADDRS=$PEER_V6
	SERVER=$SERVER_V6 RELAY=$RELAY_V6 PEER=$PEER_V6 IP=ipv6 V6FLAG=-x
else
	SERVER=$SERVER_V4 RELAY=$RELAY_V4 PEER=$PEER_V4 IP=ip V6FLAG=
fi
. "$(dirname "$0")/lib/uclient.sh"
PEER_CAPTURE_IF=${DTURN_PEER_CAPTURE_IF:-$CAPTURE_IF}
require_ns "$CLIENT_NS" "$PEER_NS"
command -v tshark >/dev/null || fail "tshark not installed"

uclient_setup
cap=$UC_TMP/client.pcapng
pcap=$UC_TMP/peer.pcapng
tpid=
ppid_=
cleanup() {
	local p
	for p in $tpid $ppid_; do
		if [ -d "/proc/$p" ]; then kill -TERM "$p" 2>/dev/null || true; fi
	done
	uclient_cleanup
}
trap cleanup EXIT

# tshark writes as root into a root-owned directory; -a bounds it even if the stop is
# missed. $! is the timeout process ('ip netns exec' execs it), which passes SIGTERM on.
ip netns exec "$CLIENT_NS" timeout 90 tshark -i "$CAPTURE_IF" -f "udp port $STUN_PORT" -a duration:80 \
	-w "$cap" >"$UC_TMP/tshark.out" 2>&1 &
tpid=$!
ip netns exec "$PEER_NS" timeout 90 tshark -i "$PEER_CAPTURE_IF" -f "udp port $PEER_PORT" -a duration:80 \
	-w "$pcap" >"$UC_TMP/tshark-peer.out" 2>&1 &
ppid_=$!
for _ in $(seq 100); do
	grep -q "Capturing on" "$UC_TMP/tshark.out" 2>/dev/null &&
		grep -q "Capturing on" "$UC_TMP/tshark-peer.out" 2>/dev/null && break
	[ -d "/proc/$tpid" ] || fail "tshark (client side) did not start: $(tr '\n' ' ' <"$UC_TMP/tshark.out")"
	[ -d "/proc/$ppid_" ] || fail "tshark (peer side) did not start: $(tr '\n' ' ' <"$UC_TMP/tshark-peer.out")"
	sleep 0.1
done
grep -q "Capturing on" "$UC_TMP/tshark.out" && grep -q "Capturing on" "$UC_TMP/tshark-peer.out" ||
	fail "tshark did not start capturing within 10 s"
sleep 0.3

start_peer
probe_allocate -p "$STUN_PORT" --password "$TURN_PASSWORD"
# shellcheck disable=SC2086 # V6FLAG is empty or -x
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" $V6FLAG -c -e "$PEER" -r "$PEER_PORT" -m 1 -n 5 -p "$STUN_PORT"
check_uclient 5 1
# shellcheck disable=SC2086
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" $V6FLAG -c -s -e "$PEER" -r "$PEER_PORT" -m 1 -n 5 -p "$STUN_PORT"
check_uclient 5 1
sleep 0.5
for p in $tpid $ppid_; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
tpid=
ppid_=
[ -s "$cap" ] || fail "no client-side capture written: $(tr '\n' ' ' <"$UC_TMP/tshark.out")"
[ -s "$pcap" ] || fail "no peer-side capture written: $(tr '\n' ' ' <"$UC_TMP/tshark-peer.out")"

opts=()
if [ "${DTURN_CAPTURE_CHECKSUMS:-1}" = 1 ]; then
	opts=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)
fi
# A display filter tshark rejects must not read as "0 frames": count prints "invalid".
count() {
	if tshark -r "$1" "${opts[@]}" -Y "$2" >"$UC_TMP/filtered" 2>/dev/null; then
		wc -l <"$UC_TMP/filtered"
	else
		echo invalid
	fi
}
is_zero() { [ "$1" = 0 ]; }
at_least() { [ "$1" != invalid ] && [ "$1" -ge "$2" ]; }
frames() { tshark -r "$1" "${opts[@]}" -Y "$2" 2>/dev/null | head -n 5 | tr -s ' ' | tr '\n' ';'; }

broken='_ws.malformed || _ws.expert.severity >= warning'
for f in "$cap" "$pcap"; do
	bad=$(count "$f" "$broken")
	is_zero "$bad" || fail "$bad frame(s) in the $(basename "$f" .pcapng)-side capture malformed or with expert warnings/errors: $(frames "$f" "$broken")"
done
badfp=$(count "$cap" 'stun.att.crc32.bad || stun.att.crc32.status == 0')
is_zero "$badfp" || fail "$badfp frame(s) with a wrong FINGERPRINT: $(frames "$cap" 'stun.att.crc32.bad || stun.att.crc32.status == 0')"

from_server="$IP.src == $SERVER && udp.srcport == $STUN_PORT"
responses="$from_server && (stun.type & 0x0100)"
nofp=$(count "$cap" "$responses && !(stun.att.crc32.status == 1)")
is_zero "$nofp" || fail "$nofp response(s) from the server without a verified FINGERPRINT: $(frames "$cap" "$responses && !(stun.att.crc32.status == 1)")"
for want in "0x0113 && stun.att.error.class == 4 && stun.att.error == 1:Allocate 401 challenge" "0x0103:Allocate success" \
	"0x0109:ChannelBind success" "0x0108:CreatePermission success" "0x0017:Data indication"; do
	what=${want#*:}
	filter="$from_server && stun.type == ${want%%:*}"
	at_least "$(count "$cap" "$filter")" 1 || fail "no $what from the server in the capture ($(count "$cap" udp) UDP frames)"
done
at_least "$(count "$cap" "$from_server && stun.channel")" 5 || fail "fewer than 5 ChannelData messages from the server in the capture"
to_peer="$IP.src == $RELAY && $IP.dst == $PEER && udp.dstport == $PEER_PORT"
at_least "$(count "$pcap" "$to_peer")" 10 || fail "fewer than 10 relayed datagrams $RELAY -> $PEER:$PEER_PORT in the peer-side capture ($(count "$pcap" udp) UDP frames)"
pass
