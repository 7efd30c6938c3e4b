#!/usr/bin/env bash
# One dual-stack allocation (RFC 8656 §7.2 ADDITIONAL-ADDRESS-FAMILY) used towards both
# families: lib/turn_dual.py allocates an IPv4 and an IPv6 relayed address, relays 50
# Send indications and 50 ChannelData messages to each of turnutils_peer's addresses
# (198.19.0.2 and 2001:db8:19::2, port 3480) and gets every echo back from the right peer,
# then deletes the IPv6 half (Refresh with REQUESTED-ADDRESS-FAMILY, LIFETIME 0): the IPv6
# peer gets nothing more, CreatePermission for it is 443, the IPv4 half keeps relaying.
# Run twice: the client reaching dturn over IPv4 (198.18.0.1), then over IPv6
# (2001:db8:18::1).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
UC_PEER_ADDRS="$PEER_V4 $PEER_V6"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer
for server in "$SERVER_V4" "$SERVER_V6"; do
	out=$(in_client timeout 60 python3 "$INTEROP_DIR/lib/turn_dual.py" -p "$STUN_PORT" \
		--user "$TURN_USER" --password "$TURN_PASSWORD" --peer4 "$PEER_V4:$PEER_PORT" \
		--peer6 "[$PEER_V6]:$PEER_PORT" "$server" 2>&1) && rc=0 || rc=$?
	[ $rc -eq 0 ] || fail "dual allocation over $server (exit $rc): $(grep -E '^(FAIL|error)' <<<"$out" | head -n 3 | tr '\n' ' ')"
	grep -q "^relayed $RELAY_V4 " <<<"$out" && grep -q "^relayed $RELAY_V6 " <<<"$out" ||
		fail "relayed addresses over $server are not $RELAY_V4 and $RELAY_V6: $(grep '^relayed' <<<"$out" | tr '\n' ' ')"
	echo "over $server: $(grep -c '^ok' <<<"$out") checks held"
done
pass
