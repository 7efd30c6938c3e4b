#!/usr/bin/env bash
# dturn answers NDP and ICMPv6 echo on its IPv6 addresses, from both namespaces.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS" "$PEER_NS"
for side in "$CLIENT_NS $SERVER_V6" "$PEER_NS $PEER_SERVER_V6"; do
	set -- $side
	if ! out=$(ip netns exec "$1" timeout 15 ping -6 -c 3 -W 1 "$2" 2>&1); then
		neigh=$(ip -n "$1" -6 neigh show "$2" 2>/dev/null | head -n1)
		fail "no echo reply from $2 in $1: $(grep -E 'packet loss|unreachable' <<<"$out" | head -n1) (neighbour: ${neigh:-none})"
	fi
done
pass
