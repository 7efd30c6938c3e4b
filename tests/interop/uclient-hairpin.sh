#!/usr/bin/env bash
# turnutils_uclient in client-to-client mode (-y): the sessions allocate on dturn in
# pairs, bind a channel to each other's relayed address and send through the relay to the
# relay (the hairpin path: 198.19.0.1:X -> 198.19.0.1:Y never leaves dturn). 10 sessions
# x 1000 messages, every one comes back; no turnutils_peer involved.
#
#   turnutils_uclient -v -y -u alice -w secret123 -c -m 10 -n 1000 -p 3478 198.18.0.1
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
uclient_setup
probe_allocate -p "$STUN_PORT" --password "$TURN_PASSWORD"
run_uclient -y -u "$TURN_USER" -w "$TURN_PASSWORD" -c -m 10 -n 1000 -p "$STUN_PORT"
check_uclient 10000 10
pass
