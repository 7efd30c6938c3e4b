#!/usr/bin/env bash
# turnutils_uclient with long-term credentials in Send/Data indication mode (-s:
# CreatePermission, then Send indications out and Data indications back) relays 10
# sessions x 1000 messages to turnutils_peer in dturn-peer and gets every one back.
#
#   turnutils_uclient -v -u alice -w secret123 -c -s -e 198.19.0.2 -r 3480 -m 10 -n 1000 \
#       -p 3478 198.18.0.1
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer
probe_allocate -p "$STUN_PORT" --password "$TURN_PASSWORD"
run_uclient -u "$TURN_USER" -w "$TURN_PASSWORD" -c -s -e "$PEER_V4" -r "$PEER_PORT" -m 10 -n 1000 -p "$STUN_PORT"
check_uclient 10000 10
pass
