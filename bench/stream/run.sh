#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# TURN over TCP and TLS beside UDP: the same turnutils_uclient load through one dturn, in
# one run, over UDP, TCP (-t) and TLS (-t -S), and the "stream" section of
# docs/benchmarks.md. What it shows is the cost of the exception path: the kernel's TCP
# (and OpenSSL) on the tap, the stream thread's framing and copies, the link's rings.
#
#   bench/stream/run.sh
#
# dturn: tests/interop/dturn-stream.conf with connections_per_source raised to 1024 (a
# copy in the output directory; uclient over TLS holds more connections than sessions while
# its TLS 1.0/1.1 attempts are refused) on the fixed topology (scripts/run.sh --serve, a
# throwaway self-signed certificate in /run/dturn-stream). Per load (sessions x messages,
# channel mode) and transport: turnutils_peer echoes on 198.19.0.2:3480 and
# turnutils_uclient -c -z 0 runs in dturn-client; relayed pps = the peer namespace's eth0
# packets (rx + tx, each a relayed datagram, sampled every 0.1 s from /proc/PID/net/dev)
# over the window in which they grew (each message is relayed twice: to the peer and back). The worker's busy_cycles per relayed
# packet come from /dturn/stats, and the stream thread's CPU time from its schedstat.
#
# Environment: STREAM_LOADS ("5x1000 10x5000 20x5000"), STREAM_TRANSPORTS ("udp tcp tls"),
#   STREAM_UCLIENT_TIMEOUT (60 s a run), STREAM_OUT (/tmp/dturn-bench-stream),
#   DTURN_BIN (build/app/dturn/dturn), NO_DOC=1 (do not write docs/benchmarks.md).
# Run it under 'flock /tmp/dturn-topology.lock' when others share the topology.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOC=$ROOT/docs/benchmarks.md
LOADS=${STREAM_LOADS:-"5x1000 10x5000 20x5000"}
TRANSPORTS=${STREAM_TRANSPORTS:-"udp tcp tls"}
UC_TIMEOUT=${STREAM_UCLIENT_TIMEOUT:-60}
OUT=${STREAM_OUT:-/tmp/dturn-bench-stream}
CONF=$ROOT/tests/interop/dturn-stream.conf
PREFIX=dturn-stream
CERT_DIR=/run/dturn-stream
SERVER_V4=198.18.0.1 PEER_V4=198.19.0.2 PEER_PORT=3480
T0=$SECONDS
PEER_PID=
SERVED=0

log() { echo "stream-bench: $*"; }
die() { echo "stream-bench: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, a tap)"
for t in turnutils_uclient turnutils_peer openssl dpdk-telemetry.py python3; do
	command -v "$t" >/dev/null || die "$t not found"
done

cleanup() {
	if [ -n "$PEER_PID" ] && [ -d "/proc/$PEER_PID" ]; then kill -TERM "$PEER_PID" 2>/dev/null; wait "$PEER_PID" 2>/dev/null; fi
	[ "$SERVED" -eq 0 ] || "$ROOT/scripts/run.sh" --stop >/dev/null 2>&1 || true
	rm -rf "$CERT_DIR"
}
trap cleanup EXIT

rm -rf "$OUT"
mkdir -p "$OUT" "$CERT_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=dturn-stream.test" \
	-keyout "$CERT_DIR/key.pem" -out "$CERT_DIR/cert.pem" >/dev/null 2>&1 || die "openssl req failed"
sed 's/^connections_per_source *=.*/connections_per_source = 1024/; s/^idle_timeout *=.*/idle_timeout = 300/' \
	"$CONF" >"$OUT/dturn-stream.conf"
SERVED=1
DTURN_LOG=$OUT/dturn.log "$ROOT/scripts/run.sh" --serve 600 --config "$OUT/dturn-stream.conf" >"$OUT/serve.log" 2>&1 ||
	die "dturn did not come up (see $OUT/serve.log, $OUT/dturn.log)"
DPID=$(tr -dc '0-9' </run/dturn-demo.pid)
STID=$(grep -l '^dturn-stream$' /proc/"$DPID"/task/*/comm 2>/dev/null | head -n1 | cut -d/ -f5)
[ -n "$STID" ] || die "no dturn-stream thread in dturn $DPID"

ip netns exec dturn-peer timeout 900 turnutils_peer -L "$PEER_V4" -p "$PEER_PORT" >"$OUT/peer.log" 2>&1 &
PEER_PID=$!
sleep 1

counter() { # name: summed over lcores
	printf '/dturn/stats\n' | timeout 10 dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        continue
    s = d.get("/dturn/stats") if isinstance(d, dict) else None
    if isinstance(s, dict):
        print(s.get(sys.argv[1], 0))' "$1"
}
missed() { # frames the wire ports' RX rings overflowed (net_af_packet: its ring is full)
	local t=0 p v
	for p in 0 1; do
		v=$(printf '/ethdev/stats,%s\n' "$p" | timeout 10 dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        continue
    s = d.get("/ethdev/stats") if isinstance(d, dict) else None
    if isinstance(s, dict):
        print(s.get("imissed", 0))')
		t=$((t + ${v:-0}))
	done
	echo "$t"
}
# Packets the peer namespace's eth0 received plus sent: each is one datagram dturn relayed
# (client to peer, or the echo on its way back), whatever the client's transport.
peer_packets() {
	local l f
	while read -r l; do
		case $l in
		eth0:*)
			read -r -a f <<<"${l#eth0:}"
			echo $((f[1] + f[9]))
			return
			;;
		esac
	done <"/proc/$PEER_PID/net/dev"
	echo 0
}
thread_ns() { cut -d' ' -f1 "/proc/$DPID/task/$STID/schedstat"; }

: >"$OUT/results.txt"
for load in $LOADS; do
	m=${load%x*} n=${load#*x}
	for tr in $TRANSPORTS; do
		case $tr in
		udp) flags=() port=3478 ;;
		tcp) flags=(-t) port=3478 ;;
		tls) flags=(-t -S) port=5349 ;;
		*) die "unknown transport $tr" ;;
		esac
		b0=$(counter busy_cycles) r0=$(counter rx_packets) s0=$(thread_ns) i0=$(missed)
		t0=$(date +%s.%N)
		ip netns exec dturn-client timeout "$UC_TIMEOUT" turnutils_uclient "${flags[@]}" -u alice \
			-w secret123 -c -z 0 -e "$PEER_V4" -r "$PEER_PORT" -m "$m" -n "$n" -p "$port" \
			"$SERVER_V4" >"$OUT/uclient-$tr-$load.log" 2>&1 &
		ucpid=$!
		# The peer's packets (every relayed datagram, either way) while uclient runs, read
		# from /proc without starting a process: the rate over the window in which they grew.
		: >"$OUT/samples-$tr-$load.txt"
		while [ -d "/proc/$ucpid" ]; do
			echo "$EPOCHREALTIME $(peer_packets)" >>"$OUT/samples-$tr-$load.txt"
			sleep 0.1
		done
		wait "$ucpid"
		rc=$?
		t1=$(date +%s.%N)
		window=$(awk '{ t[NR] = $1; c[NR] = $2 }
			END {
				if (NR < 2) { print "-"; exit }
				s = 1; while (s < NR && c[s + 1] == c[1]) s++      # last sample before it grew
				e = NR; while (e > 1 && c[e - 1] == c[NR]) e--     # first sample at its end value
				if (c[NR] > c[1] && t[e] > t[s]) printf "%.0f", (c[NR] - c[1]) / (t[e] - t[s]); else print "-"
			}' "$OUT/samples-$tr-$load.txt")
		b1=$(counter busy_cycles) r1=$(counter rx_packets) s1=$(thread_ns) i1=$(missed)
		sent=$(sed -n 's/.*tot_send_msgs=\([0-9]*\), tot_recv_msgs=\([0-9]*\)$/\1 \2/p' "$OUT/uclient-$tr-$load.log" | tail -n1)
		lost=$(sed -n 's/.*Total lost packets \([0-9]*\) .*/\1/p' "$OUT/uclient-$tr-$load.log" | tail -n1)
		echo "$load $tr rc=$rc sent_recv=${sent// /,} lost=${lost:--} t0=$t0 t1=$t1 busy=$((b1 - b0)) rx=$((r1 - r0)) stream_ns=$((s1 - s0)) missed=$((i1 - i0)) rate=$window" | tee -a "$OUT/results.txt"
	done
done
log "done in $((SECONDS - T0)) s; results in $OUT/results.txt"
[ "${NO_DOC:-0}" = 1 ] && exit 0

# ---------------------------------------------------------------- docs/benchmarks.md
mhz=$(awk -F: '/cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)
sec=$OUT/section.md
{
	echo "<!-- BEGIN stream: written by bench/stream/run.sh -->"
	echo "## TURN over TCP and TLS beside UDP (the exception path's cost)"
	echo
	echo "One dturn (tests/interop/dturn-stream.conf, 1024 connections per source), one run: the same \`turnutils_uclient -c -z 0\`"
	echo "load over UDP, TCP (\`-t\`) and TLS (\`-t -S\`) to \`turnutils_peer\`, which echoes, so each"
	echo "message is relayed twice. Relayed pps is the peer namespace's eth0 packets (received"
	echo "plus sent: each one a datagram dturn relayed, either way), sampled every 0.1 s from"
	echo "\`/proc/<pid>/net/dev\`, over the window in which they grew (uclient's set-up and its"
	echo "wait at the end left out; at the smallest load that window is a few samples, so that"
	echo "row is coarse); worker cycles are \`busy_cycles\` per frame"
	echo "the worker received (wire, tap and stream link frames alike); stream thread is its CPU"
	echo "time per relayed message from its schedstat; wire RX missed is what the wire ports'"
	echo "receive rings overflowed during the run (\`imissed\`, /ethdev/stats): losses there are"
	echo "net_af_packet's, before dturn sees a frame."
	echo
	echo "| load (sessions x messages) | transport | relayed pps | lost | wire RX missed | worker busy cycles / rx frame | stream thread ns / message |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	while read -r load tr rc sr lost t0 t1 busy rx sns miss rate; do
		sr=${sr#sent_recv=} lost=${lost#lost=} t0=${t0#t0=} t1=${t1#t1=} busy=${busy#busy=} rx=${rx#rx=} sns=${sns#stream_ns=} miss=${miss#missed=} rate=${rate#rate=}
		sent=${sr%,*}
		pps=$(awk -v r="$rate" 'BEGIN { if (r == "" || r == "-") print "-"; else printf "%.1f k", r / 1000 }')
		cpf=$(awk -v c="$busy" -v p="$rx" 'BEGIN { if (p > 0) printf "%.0f", c / p; else print "-" }')
		nspm=$(awk -v t="$sns" -v s="$sent" -v tr="$tr" 'BEGIN { if (tr == "udp" || s == "" || s == 0) print "-"; else printf "%.0f", t / (2 * s) }')
		[ "${rc#rc=}" = 0 ] || pps="$pps (uclient exit ${rc#rc=})"
		echo "| ${load/x/ x } | $tr | $pps | ${lost:--} of $((2 * ${sent:-0})) | ${miss:--} | $cpf | $nspm |"
	done <"$OUT/results.txt"
	echo
	echo "**Like the e2e section, these are the kernel path's figures.** The wire port is"
	echo "\`net_af_packet\` on a veth (about 0.15 Mpps at most here), and one single-threaded"
	echo "uclient on a 2-CPU machine is the load. What the stream rows add is the exception"
	echo "path: each TCP segment crosses the tap twice (in and, for ACKs and data, out), the"
	echo "kernel's TCP (and for TLS, OpenSSL in the stream thread), and a copy from the socket"
	echo "into an mbuf on the stream link and back; UDP rows pay none of it, and the worker's"
	echo "UDP path is unchanged by it (one check per burst for the tap)."
	echo
	echo "Where a row lost messages, the run's counters (\`$OUT/dturn.log\`, at exit) tell where:"
	echo "in the run this section was written from, \`relay_to_peer\` counted every message the"
	echo "clients sent, no drop counter moved, and \`relay_to_client_channel\` came out short by"
	echo "the loss: the peer's echoes of those messages never reached dturn. TCP hands the stream"
	echo "thread many messages per read, and they leave as bursts of datagrams towards the peer"
	echo "(a UDP client sends one at a time); the veth, net_af_packet and the peer's socket do"
	echo "not carry all of such bursts at this rate. Nothing is lost on the streams themselves."
	echo
	echo "- Machine: \`nproc\` = $(nproc), cpu MHz $mhz; kernel $(uname -r); dturn $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') (+ working tree)."
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Reproduce: \`bench/stream/run.sh\` (root; raw results in \`$OUT/\`)."
	echo "<!-- END stream -->"
} >"$sec"
if [ -f "$DOC" ] && grep -q '^<!-- BEGIN stream' "$DOC"; then
	awk -v sec="$sec" '
		/^<!-- BEGIN stream/ { while ((getline l < sec) > 0) print l; skip = 1; next }
		/^<!-- END stream -->/ { skip = 0; next }
		!skip { print }' "$DOC" >"$DOC.stream.tmp" && mv "$DOC.stream.tmp" "$DOC"
else
	{ cat "$DOC"; echo; cat "$sec"; } >"$DOC.stream.tmp" && mv "$DOC.stream.tmp" "$DOC"
fi
log "wrote the stream section of $DOC"
