#!/usr/bin/env bash
# dturn answers ICMP echo on its IPv4 addresses, from both namespaces.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS" "$PEER_NS"
for side in "$CLIENT_NS $SERVER_V4" "$PEER_NS $PEER_SERVER_V4"; do
	set -- $side
	if ! out=$(ip netns exec "$1" timeout 15 ping -c 3 -W 1 "$2" 2>&1); then
		fail "no echo reply from $2 in $1: $(grep -E 'packet loss|unreachable' <<<"$out" | head -n1)"
	fi
done
pass
