#!/usr/bin/env bash
# IPv6 end to end: turnutils_uclient reaches dturn over IPv6, asks for an IPv6 relayed
# address (-x: REQUESTED-ADDRESS-FAMILY IPv6) and relays to turnutils_peer on the peer's
# IPv6 address, in channel mode and in indication mode (-s), getting every message back:
#
#   turnutils_uclient -v -u alice -w secret123 -x -c -e 2001:db8:19::2 -r 3480 -m 5 -n 500 \
#       -p 3478 2001:db8:18::1          (and the same with -s)
#
# Every relayed address reported is 2001:db8:19::1 on a relay port.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
UC_SERVER=$SERVER_V6 UC_RELAY=$RELAY_V6 UC_PEER_ADDRS=$PEER_V6
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -x -c -e "$PEER_V6" -r "$PEER_PORT" -m 5 -n 500 -p "$STUN_PORT"
check_uclient 2500 5
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -x -c -s -e "$PEER_V6" -r "$PEER_PORT" -m 5 -n 500 -p "$STUN_PORT"
check_uclient 2500 5
pass
