# shellcheck shell=bash disable=SC2034
# Shared settings for the interop cases (sourced, not run).
# Defaults are the fixed topology of docs/testing.md; the DTURN_* variables let the
# cases be pointed at another server (e.g. coturn on the client's own address) to check
# the cases themselves.
CLIENT_NS=${DTURN_CLIENT_NS:-dturn-client}
PEER_NS=${DTURN_PEER_NS:-dturn-peer}
SERVER_V4=${DTURN_SERVER_V4:-198.18.0.1}
SERVER_V6=${DTURN_SERVER_V6:-2001:db8:18::1}
PEER_SERVER_V4=${DTURN_PEER_SERVER_V4:-198.19.0.1}
PEER_SERVER_V6=${DTURN_PEER_SERVER_V6:-2001:db8:19::1}
CLIENT_V4=198.18.0.2
CLIENT_V6=2001:db8:18::2
STUN_PORT=${DTURN_STUN_PORT:-3478}
CAPTURE_IF=${DTURN_CAPTURE_IF:-eth0}
# TURN: the echo peer (turnutils_peer) and where dturn relays from. With a stand-in server
# that has no peer-side address, DTURN_PEER_NS / DTURN_PEER_V4 / DTURN_RELAY_V4 move them.
PEER_V4=${DTURN_PEER_V4:-198.19.0.2}
PEER_V6=${DTURN_PEER_V6:-2001:db8:19::2}
PEER_PORT=${DTURN_PEER_PORT:-3480}
RELAY_V4=${DTURN_RELAY_V4:-198.19.0.1}
RELAY_V6=${DTURN_RELAY_V6:-2001:db8:19::1}
RELAY_PORT_MIN=49152
RELAY_PORT_MAX=65535
REST_PORT=${DTURN_REST_PORT:-$STUN_PORT}
TURN_USER=alice
TURN_PASSWORD=secret123
TURN_REALM=dturn.test
REST_SECRET=dturn-test-secret
INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=$(basename "$0" .sh)

pass() { echo "PASS $NAME"; exit 0; }
fail() { echo "FAIL $NAME: $*"; exit 1; }

in_client() { ip netns exec "$CLIENT_NS" "$@"; }
in_peer() { ip netns exec "$PEER_NS" "$@"; }

# Telemetry command $2 (e.g. /dturn/stats,0) of the DPDK process with file prefix $1: the
# dictionary it answers as "name value" lines (nothing if it does not answer).
telemetry_kv() {
	printf '%s\n' "$2" | timeout 10 dpdk-telemetry.py -f "$1" 2>/dev/null |
		python3 -c 'import json, sys
cmd = sys.argv[1].split(",")[0]
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        continue
    s = d.get(cmd) if isinstance(d, dict) else None
    if isinstance(s, dict):
        for k, v in s.items():
            print(k, v)' "$2" || true
}

# What the machine was doing, as one line for a failure message: load, the CPUs' use over
# the next second (st: time the hypervisor gave to others), CPU pressure, the busiest
# processes in that second and, with $1, that process's threads (CPU, state, lifetime
# share). A case that timed out says with it whether the machine was starved or the
# process was stuck.
machine_state() {
	local frame out
	frame=$(top -b -n 2 -d 1 -w 200 2>/dev/null | awk '/^top -/ { f++ } f == 2')
	out="load $(cut -d' ' -f1-3 /proc/loadavg); last second: $(grep -m1 '^%Cpu' <<<"$frame" | sed 's/^%Cpu(s): *//; s/ *$//')"
	[ -r /proc/pressure/cpu ] && out+="; cpu pressure $(head -n1 /proc/pressure/cpu | cut -d' ' -f2-3)"
	out+="; busiest (pid %cpu name): $(awk '$1 == "PID" { t = 1; next } t && NF >= 12 { print $1, $9, $12 }' <<<"$frame" | head -n 4 | tr '\n' ',')"
	if [ -n "${1:-}" ] && [ -d "/proc/$1" ]; then
		out+=" threads of $1 (tid cpu state %cpu name): $(ps -L -o tid=,psr=,stat=,pcpu=,comm= -p "$1" | tr -s ' ' | tr '\n' ',')"
	elif [ -n "${1:-}" ]; then
		out+=" pid $1 is gone"
	fi
	echo "$out"
}

require_ns() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" true 2>/dev/null ||
			fail "namespace $ns missing (run scripts/netns.sh up / scripts/run.sh --serve N)"
	done
}

# Brackets for an IPv6 literal in host:port text.
hostport() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }
