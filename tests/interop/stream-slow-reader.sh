#!/usr/bin/env bash
# A TURN-over-TCP client that stops reading costs dturn at most stream.max_buffered_bytes
# (65536 in dturn-stream.conf) and is then cut: lib/turn_stream_slow.py allocates over TCP
# with a 4 KB receive buffer, permits the peer 198.19.0.2 and then reads nothing; the peer
# sends 20000 datagrams of 1000 bytes to its relayed address, which dturn relays to it as
# Data indications until the kernel's buffers and then the connection's own are full. The
# connection is cut and counted (stream_cut_buffer), its allocation deleted with it
# (stream_alloc_closed), the client sees the connection closed, and turnutils_uclient -t
# relays 2 x 50 messages afterwards with every one back.
#
# Starts its own dturn on dturn-stream.conf (lib/stream.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
. "$(dirname "$0")/lib/stream.sh"
stream_start

before=$(stream_stats)
[ -n "$before" ] || fail "telemetry /dturn/stats did not answer (file prefix $STREAM_PREFIX)"
cut0=$(stream_get "$before" stream_cut_buffer)
closed0=$(stream_get "$before" stream_alloc_closed)

in_client timeout 60 python3 "$INTEROP_DIR/lib/turn_stream_slow.py" -p "$STREAM_TCP_PORT" \
	--user "$TURN_USER" --password "$TURN_PASSWORD" --peer "$PEER_V4" --hold 15 \
	"$SERVER_V4" >"$UC_TMP/slow.log" 2>&1 &
slow=$!
relayed=
for _ in $(seq 100); do
	relayed=$(sed -n 's/^relayed \([0-9.]*\) \([0-9]*\)$/\1 \2/p' "$UC_TMP/slow.log")
	[ -n "$relayed" ] && break
	[ -d "/proc/$slow" ] || break
	sleep 0.1
done
[ -n "$relayed" ] || fail "the slow client did not allocate over TCP: $(tr '\n' ' ' <"$UC_TMP/slow.log" | cut -c1-300)"
read -r rip rport <<<"$relayed"

# The peer floods the relayed address (bounded: 20000 datagrams, 30 s).
in_peer timeout 30 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[3], 0))
data = b"x" * 1000
for _ in range(20000):
    s.sendto(data, (sys.argv[1], int(sys.argv[2])))' "$rip" "$rport" "$PEER_V4" ||
	fail "the peer could not send to $rip:$rport"

cut=$(stream_wait_counter stream_cut_buffer 10 $((${cut0:-0} + 1)))
[ "$cut" -gt "${cut0:-0}" ] || fail "stream_cut_buffer stayed at ${cut0:-0} after 20 MB to a client that reads nothing ($(stream_stats | grep -E '^(stream_|relay_to_client_data|drop_stream)' | tr '\n' ' ' | cut -c1-300))"
closed=$(stream_wait_counter stream_alloc_closed 10 $((${closed0:-0} + 1)))
[ "$closed" -gt "${closed0:-0}" ] || fail "the slow client's allocation was not deleted with its connection (stream_alloc_closed ${closed0:-0})"
wait "$slow" || fail "the slow client failed: $(tr '\n' ' ' <"$UC_TMP/slow.log" | cut -c1-300)"
grep -q '^closed by server$' "$UC_TMP/slow.log" || fail "the slow client's connection was not closed: $(tail -n 1 "$UC_TMP/slow.log")"

start_peer
run_uclient -t -u "$TURN_USER" -w "$TURN_PASSWORD" -c -e "$PEER_V4" -r "$PEER_PORT" -m 2 -n 50 -p "$STREAM_TCP_PORT"
check_uclient 100 2
echo "stream_cut_buffer +$((cut - ${cut0:-0})), stream_alloc_closed +$((closed - ${closed0:-0}))"
pass
