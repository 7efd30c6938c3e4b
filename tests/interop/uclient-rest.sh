#!/usr/bin/env bash
# turnutils_uclient with TURN REST API credentials (-W secret: it builds the username
# "<unix-expiry>:alice" and the password base64(HMAC-SHA1(secret, username)) itself) in
# channel mode relays 10 sessions x 1000 messages to turnutils_peer and gets every one back.
#
#   turnutils_uclient -v -u alice -W dturn-test-secret -c -e 198.19.0.2 -r 3480 -m 10 \
#       -n 1000 -p 3478 198.18.0.1
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
start_peer
probe_allocate -p "$REST_PORT" --rest-secret "$REST_SECRET" --rest-expiry 3600
run_uclient -u "$TURN_USER" -W "$REST_SECRET" -c -e "$PEER_V4" -r "$PEER_PORT" -m 10 -n 1000 -p "$REST_PORT"
check_uclient 10000 10
pass
