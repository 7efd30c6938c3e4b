#!/usr/bin/env bash
# The [stream] limits protect the box while a real client keeps relaying: with
# tests/interop/dturn-stream.conf (handshake_timeout 3 s, idle_timeout 10 s,
# connections_per_source 32)
#  - two TCP connections that send nothing and one that sends bytes that are neither STUN nor
#    ChannelData (0xff...) are cut off and counted (stream_cut_handshake, stream_cut_garbage),
#  - while turnutils_uclient -t relays 3 sessions x 200 ChannelData messages with nothing lost;
#  - a connection that sends one Binding request and then nothing is cut once idle
#    (stream_cut_idle), not by the handshake timeout;
#  - then 40 connections at once from the client's one IP: 32 are kept, the rest refused and
#    counted (stream_cut_per_source), and the kept ones are cut once silent.
# Counters are read from telemetry (/dturn/stats); the case waits for them with a bound, it
# does not time anything.
#
# Starts its own dturn on dturn-stream.conf (lib/stream.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
. "$(dirname "$0")/lib/stream.sh"
stream_start
start_peer

# Silent and garbage clients, each holding its connection for a while (bounded by timeout).
silent() { in_client timeout "$1" bash -c "exec 3<>/dev/tcp/$SERVER_V4/$STREAM_TCP_PORT && sleep $1" >/dev/null 2>&1 & }
silent 20
silent 20
in_client timeout 20 bash -c "exec 3<>/dev/tcp/$SERVER_V4/$STREAM_TCP_PORT && printf '\\377\\377\\377\\377\\377\\377\\377\\377' >&3 && sleep 20" >/dev/null 2>&1 &
# A Binding request (RFC 8489 header, no attributes), then silence.
in_client timeout 30 bash -c "exec 3<>/dev/tcp/$SERVER_V4/$STREAM_TCP_PORT && printf '\\000\\001\\000\\000\\041\\022\\244\\102idle-client!' >&3 && sleep 30" >/dev/null 2>&1 &

run_uclient -t -u "$TURN_USER" -w "$TURN_PASSWORD" -c -e "$PEER_V4" -r "$PEER_PORT" -m 3 -n 200 -p "$STREAM_TCP_PORT"
check_uclient 600 3

v=$(stream_wait_counter stream_cut_garbage 15 1)
[ "$v" -ge 1 ] || fail "stream_cut_garbage is $v: the garbage sender was not cut off"
v=$(stream_wait_counter stream_cut_handshake 15 2)
[ "$v" -ge 2 ] || fail "stream_cut_handshake is $v after 15 s: the two silent connections were not cut off (handshake_timeout 3)"

v=$(stream_wait_counter stream_cut_idle 25 1)
[ "$v" -ge 1 ] || fail "stream_cut_idle is $v: the connection silent after its Binding request was not cut (idle_timeout 10)"

before=$(stream_get "$(stream_stats)" stream_cut_handshake)
for _ in $(seq 40); do silent 12; done
v=$(stream_wait_counter stream_cut_per_source 15 8)
[ "$v" -ge 8 ] || fail "stream_cut_per_source is $v: 40 connections from one IP, 32 allowed, expected at least 8 refused"
v=$(stream_wait_counter stream_cut_handshake 20 $((before + 32)))
[ "$v" -ge $((before + 32)) ] || fail "stream_cut_handshake went from $before to $v: the 32 kept silent connections were not all cut"
pass
