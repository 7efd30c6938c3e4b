#!/usr/bin/env bash
# TURN over TCP (turnutils_uclient -t), channel mode (the default: ChannelBind, then ChannelData, padded to
# 4 bytes on the stream; -c: no RTCP allocations): 5 sessions x 200 messages go over
# TCP connections to dturn, are relayed as UDP to turnutils_peer (the echo peer) in
# dturn-peer and every one comes back through the client's stream; the relayed addresses are
# dturn's peer side, as for UDP clients.
#
#   turnutils_uclient -v -t -u alice -w secret123 -c -e 198.19.0.2 -r 3480 -m 5 -n 200 \
#       -p 3478 198.18.0.1
#
# Starts its own dturn on dturn-stream.conf (lib/stream.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
. "$(dirname "$0")/lib/stream.sh"
stream_start
start_peer
run_uclient -t -u "$TURN_USER" -w "$TURN_PASSWORD" -c -e "$PEER_V4" -r "$PEER_PORT" -m 5 -n 200 -p "$STREAM_TCP_PORT"
check_uclient 1000 5
stats=$(stream_stats)
[ "$(stream_get "$stats" stream_accepted)" -ge 5 ] || fail "stream_accepted $(stream_get "$stats" stream_accepted), expected at least 5 connections"
[ "$(stream_get "$stats" stream_rx_messages)" -ge 1000 ] || fail "stream_rx_messages $(stream_get "$stats" stream_rx_messages), expected the 1000 messages at least"
pass
