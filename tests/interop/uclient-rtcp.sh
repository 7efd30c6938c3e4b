#!/usr/bin/env bash
# turnutils_uclient in its default RTP/RTCP mode: every RTP allocation asks for an even
# port with the next one reserved (EVEN-PORT with the R bit, RFC 8656 §7.2) and the RTCP
# allocation claims that port with the RESERVATION-TOKEN it got back. 10 sessions x 1000
# messages through channels to turnutils_peer; every one comes back.
#
#   turnutils_uclient -v -u alice -w secret123 -e 198.19.0.2 -r 3480 -m 10 -n 1000 \
#       -p 3478 198.18.0.1
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer
probe_allocate -p "$STUN_PORT" --password "$TURN_PASSWORD"
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -e "$PEER_V4" -r "$PEER_PORT" -m 10 -n 1000 -p "$STUN_PORT"
# uclient prints only some of the relayed addresses it gets (not always both of a
# session's); among those printed there must be RTP/RTCP pairs: an even port and the
# reserved port above it.
check_uclient 10000 2
ports=$(sed -n 's/.*IPv4\. Received relay addr: [0-9.]*:\([0-9]*\)$/\1/p' "$UC_TMP/uclient.log")
pairs=0
for p in $(awk '$1 % 2 == 0' <<<"$ports"); do
	if grep -qx "$((p + 1))" <<<"$ports"; then pairs=$((pairs + 1)); fi
done
[ "$pairs" -ge 1 ] || fail "no even relayed port with its RTCP port above it among: $(tr '\n' ' ' <<<"$ports")"
pass
