#!/usr/bin/env bash
# The mixed-family paths (RFC 8656 §7.2 REQUESTED-ADDRESS-FAMILY), each in channel mode
# and in indication mode (-s), with every message echoed back by turnutils_peer:
#   - an IPv4 client with an IPv6 relayed address (-x) and an IPv6 peer:
#       turnutils_uclient -v -u alice -w secret123 -x -c -e 2001:db8:19::2 -r 3480 \
#           -m 5 -n 500 -p 3478 198.18.0.1
#   - an IPv6 client with an IPv4 relayed address (the default) and an IPv4 peer:
#       turnutils_uclient -v -u alice -w secret123 -c -e 198.19.0.2 -r 3480 \
#           -m 5 -n 500 -p 3478 2001:db8:18::1
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
UC_PEER_ADDRS="$PEER_V4 $PEER_V6"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer

UC_SERVER=$SERVER_V4 UC_RELAY=$RELAY_V6
for mode in "" -s; do
	# shellcheck disable=SC2086 # mode is empty or one flag
	run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -x -c $mode -e "$PEER_V6" -r "$PEER_PORT" -m 5 -n 500 -p "$STUN_PORT"
	check_uclient 2500 5
done

UC_SERVER=$SERVER_V6 UC_RELAY=$RELAY_V4
for mode in "" -s; do
	# shellcheck disable=SC2086
	run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -c $mode -e "$PEER_V4" -r "$PEER_PORT" -m 5 -n 500 -p "$STUN_PORT"
	check_uclient 2500 5
done
pass
