#!/usr/bin/env bash
# Malformed-datagram flood during a live relay session: while turnutils_uclient relays
#   turnutils_uclient -v -u alice -w secret123 -c -e 198.19.0.2 -r 3480 -m 2 -n 2400 -z 25 \
#       -p 3478 198.18.0.1            (channel mode, no RTCP, about 60 s)
# tests/interop/flood_gen.c (compiled here with cc into a temp dir) sends 1,000,000 bad
# datagrams, paced over 55 s: 800,000 from dturn-client to 198.18.0.1:3478 (random bytes,
# truncations, bit flips, a wrong cookie, lying lengths, attributes past the end, 200
# attributes, Refresh with a wrong MESSAGE-INTEGRITY, ChannelData on unbound channels) and
# 200,000 from dturn-peer to 198.19.0.1 (relayed ports 49152-65535 without the session's
# allocations, and ports 20000-29999). Then:
#  - the uclient session lost nothing (check_uclient 4800 2);
#  - dturn still answers a Binding request (turnutils_stunclient);
#  - every frame the worker(s) received in the window ended in exactly one outcome
#    counter of /dturn/stats (drops by reason, answers, relays: the same outcome set as
#    tests/fuzz/fuzz_world.h), i.e. delta(rx_packets) == sum of outcome deltas;
#  - each flood category moved its own counter by at most what was sent, and the
#    categories together account for at least 98% of the flood (the rest is counted as
#    lost before dturn: veth backlog or the af_packet socket, see /ethdev/stats imissed).
# Telemetry: /var/run/dpdk/<file_prefix>/dpdk_telemetry.v2 (SOCK_SEQPACKET), file prefix
# DTURN_FILE_PREFIX (default dturn-demo). FLOOD_CLIENT / FLOOD_PEER / FLOOD_SECONDS change
# the sizes and the pace.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"

PREFIX=${DTURN_FILE_PREFIX:-dturn-demo}
SOCK=/var/run/dpdk/$PREFIX/dpdk_telemetry.v2
FLOOD_CLIENT=${FLOOD_CLIENT:-800000}
FLOOD_PEER=${FLOOD_PEER:-200000}
FLOOD_SECONDS=${FLOOD_SECONDS:-55}
SEED=${FLOOD_SEED:-20261126}
UC_N=2400
UC_M=2
UC_PAUSE_MS=25

require_ns "$CLIENT_NS" "$PEER_NS"
[ -S "$SOCK" ] || fail "no telemetry socket $SOCK (is dturn running with file_prefix $PREFIX?)"
command -v cc >/dev/null || fail "no C compiler (cc) to build flood_gen"

gen_pids=()
uc_pid=
flood_cleanup() {
	local p
	for p in "${gen_pids[@]}" $uc_pid; do
		if [ -n "$p" ] && [ -d "/proc/$p" ]; then kill -TERM "$p" 2>/dev/null || true; fi
	done
	uclient_cleanup
}
uclient_setup
trap flood_cleanup EXIT

cc -O2 -o "$UC_TMP/flood_gen" "$INTEROP_DIR/flood_gen.c" 2>"$UC_TMP/cc.log" ||
	fail "cannot build flood_gen: $(head -n 3 "$UC_TMP/cc.log" | tr '\n' ' ')"

# Every /dturn/stats block as "index name value" lines; the last index is the control
# lcore's, the others the workers'. Also "ethdev <port> <name> <value>" for the ports.
snapshot() {
	timeout 20 python3 - "$SOCK" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(sys.argv[1])
info = json.loads(s.recv(65536).decode())
maxlen = int(info.get("max_output_len", 16384))
def q(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(maxlen + 1024).decode())
for i in range(64):
    d = q("/dturn/stats,%d" % i).get("/dturn/stats")
    if not isinstance(d, dict):
        break
    for k, v in d.items():
        print(i, k, v)
ports = q("/ethdev/list").get("/ethdev/list") or []
for p in ports:
    d = q("/ethdev/stats,%d" % p).get("/ethdev/stats") or {}
    for k in ("ipackets", "imissed", "ierrors", "rx_nombuf", "opackets", "oerrors"):
        if k in d:
            print("ethdev", p, k, d[k])
PY
}

start_peer
probe_allocate -p "$STUN_PORT" --password "$TURN_PASSWORD"
before=$(snapshot) || fail "telemetry $SOCK did not answer /dturn/stats"
nblocks=$(awk '$1 != "ethdev" { print $1 }' <<<"$before" | sort -n | tail -n1)
[ -n "$nblocks" ] && [ "$nblocks" -ge 1 ] || fail "telemetry gave no worker block (blocks: $(awk '{print $1}' <<<"$before" | sort -u | tr '\n' ' '))"
workers=$nblocks # indexes 0..nblocks-1 are workers, nblocks is the control lcore

# The relay session, in the background (its exit status read by wait).
in_client timeout "$UCLIENT_SECONDS" turnutils_uclient -v -u "$TURN_USER" -w "$TURN_PASSWORD" \
	-e "$PEER_V4" -r "$PEER_PORT" -c -m $UC_M -n $UC_N -z $UC_PAUSE_MS -p "$STUN_PORT" "$SERVER_V4" \
	>"$UC_TMP/uclient.log" 2>&1 &
uc_pid=$!
UC_ARGS="-u $TURN_USER -w ... -c -e $PEER_V4 -r $PEER_PORT -m $UC_M -n $UC_N -z $UC_PAUSE_MS -p $STUN_PORT"

# The session's relayed ports: the peer-side flood must not hit them (the peer has a
# permission, so its garbage would be relayed into the session, as it should be).
excl=
for _ in $(seq 100); do
	excl=$(sed -n 's/.*Received relay addr: [0-9.]*:\([0-9]*\)$/\1/p' "$UC_TMP/uclient.log" | sort -u | paste -sd, -)
	[ "$(tr ',' '\n' <<<"$excl" | grep -c .)" -ge $UC_M ] && break
	[ -d "/proc/$uc_pid" ] || break
	sleep 0.1
done
[ "$(tr ',' '\n' <<<"$excl" | grep -c .)" -ge $UC_M ] ||
	fail "uclient reported no relayed addresses within 10 s: $(tail -n 2 "$UC_TMP/uclient.log" | tr '\n' ' ')"
sleep 1

rate_c=$((FLOOD_CLIENT / FLOOD_SECONDS))
rate_p=$((FLOOD_PEER / FLOOD_SECONDS))
ip netns exec "$CLIENT_NS" timeout 100 "$UC_TMP/flood_gen" client "$SERVER_V4" "$STUN_PORT" \
	"$FLOOD_CLIENT" "$rate_c" "$SEED" >"$UC_TMP/gen-client.log" 2>&1 &
gen_pids+=($!)
ip netns exec "$PEER_NS" timeout 100 "$UC_TMP/flood_gen" peer "$PEER_SERVER_V4" \
	"$RELAY_PORT_MIN-$RELAY_PORT_MAX" "$FLOOD_PEER" "$rate_p" "$((SEED + 1))" "$excl" \
	>"$UC_TMP/gen-peer.log" 2>&1 &
gen_pids+=($!)
gen_rc=0
for p in "${gen_pids[@]}"; do wait "$p" || gen_rc=$?; done
gen_pids=()
[ $gen_rc -eq 0 ] || fail "flood_gen failed (exit $gen_rc): $(cat "$UC_TMP"/gen-*.log | tail -n 3 | tr '\n' ' ')"
UC_RC=0
wait "$uc_pid" || UC_RC=$?
uc_pid=
sleep 1
after=$(snapshot) || fail "telemetry stopped answering after the flood"

cat "$UC_TMP/gen-client.log" "$UC_TMP/gen-peer.log" >"$UC_TMP/gen.log"

# The accounting.
verdict=$(python3 - "$workers" "$UC_TMP/gen.log" <(echo "$before") <(echo "$after") <<'PY'
import collections, sys
workers = int(sys.argv[1])
def load(path):
    w, eth = collections.Counter(), collections.Counter()
    for line in open(path):
        f = line.split()
        if len(f) == 4 and f[0] == "ethdev":
            eth[(int(f[1]), f[2])] = int(f[3])
        elif len(f) == 3 and int(f[0]) < workers:
            w[f[1]] += int(f[2])
    return w, eth
(b, be), (a, ae) = load(sys.argv[3]), load(sys.argv[4])
d = {k: a[k] - b[k] for k in a}
# Not outcomes (tests/fuzz/fuzz_world.h fw_is_outcome): bookkeeping, probes, held packets.
not_outcome = {"rx_packets", "tx_packets", "tx_dropped", "busy_cycles", "busy_io_cycles",
               "busy_passes", "flow_cache_hits", "flow_cache_misses", "udp_received",
               "arp_requested", "ndp_solicited", "neigh_pending", "neigh_held_sent",
               "drop_neigh_unresolved"}
outcomes = {k: v for k, v in d.items() if k not in not_outcome and not k.startswith("stun_decode_")}
total_out = sum(outcomes.values())
rx = d.get("rx_packets", 0)
sent, cats = 0, []
for line in open(sys.argv[2]):
    f = line.split()
    if f and f[0] == "category":
        cats.append((f[1], int(f[2]), f[3]))
        sent += int(f[2])
expect = collections.Counter()
for name, n, counter in cats:
    expect[counter] += n
problems = []
msgs = []
if rx != total_out:
    problems.append("rx_packets moved %d but the outcome counters %d" % (rx, total_out))
flood_seen = 0
for counter, n in sorted(expect.items()):
    got = sum(d.get(c, 0) for c in counter.split("+"))
    slack = 200 if "turn_to_control" in counter else 0  # the session's own requests
    flood_seen += min(got, n)
    msgs.append("%s %d/%d" % (counter, got, n))
    if got > n + slack:
        problems.append("%s moved %d for %d sent" % (counter, got, n))
# A source that keeps failing authentication lands in the penalty box (turn_limits.c):
# its STUN messages are then dropped undecoded as drop_source_blocked, whichever
# category they were sent as, so those count toward the STUN categories' shortfall.
stun_counters = [c for c in expect if any(x in c for x in
                 ("drop_stun_decode", "drop_stun_fingerprint", "turn_to_control"))]
shortfall = sum(max(expect[c] - sum(d.get(x, 0) for x in c.split("+")), 0) for c in stun_counters)
blocked = d.get("drop_source_blocked", 0)
flood_seen += min(blocked, shortfall)
msgs.append("drop_source_blocked %d" % blocked)
if flood_seen < 0.98 * sent:
    problems.append("only %d of %d flood datagrams accounted for" % (flood_seen, sent))
imissed = sum(ae[k] - be[k] for k in ae if k[1] == "imissed")
reasons = " ".join("%s=%d" % (k[len("stun_decode_"):], v) for k, v in sorted(d.items())
                   if k.startswith("stun_decode_") and v)
legit = {k: v for k, v in outcomes.items() if v and k not in
         {c for cc in expect for c in cc.split("+")}}
print("sent %d, rx %d, outcomes %d, flood accounted %d (%.2f%%), lost before dturn %d "
      "(imissed %d); per reason: %s; stun_decode: %s; other outcomes: %s" % (
      sent, rx, total_out, flood_seen, 100.0 * flood_seen / max(sent, 1), sent - flood_seen,
      imissed, ", ".join(msgs), reasons,
      " ".join("%s=%d" % kv for kv in sorted(legit.items()))))
if problems:
    print("PROBLEMS: " + "; ".join(problems))
PY
)
echo "$verdict"
# A loss says with it where the flood went (lost before dturn: the veth or the af_packet
# socket) and what else the machine was doing.
if ! (check_uclient $((UC_M * UC_N)) $UC_M) >"$UC_TMP/check.out"; then
	fail "$(sed 's/^FAIL [^:]*: //' "$UC_TMP/check.out"); during $(head -n1 <<<"$verdict" | cut -c1-240); $(machine_state)"
fi

# dturn still answers.
out=$(in_client timeout 10 turnutils_stunclient -p "$STUN_PORT" "$SERVER_V4" 2>&1) || true
grep -q "UDP reflexive addr: $CLIENT_V4:" <<<"$out" ||
	fail "no Binding answer after the flood: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
grep -q '^PROBLEMS: ' <<<"$verdict" && fail "$(sed -n 's/^PROBLEMS: //p' <<<"$verdict")"
sent=$(sed -n 's/^sent \([0-9]*\),.*/\1/p' <<<"$verdict")
[ "${sent:-0}" -ge 1000000 ] || [ $((FLOOD_CLIENT + FLOOD_PEER)) -lt 1000000 ] ||
	fail "only ${sent:-0} datagrams sent"
echo "PASS $NAME: $(head -n1 <<<"$verdict" | cut -d';' -f1)"
exit 0
