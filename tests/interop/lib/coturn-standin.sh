#!/usr/bin/env bash
# coturn's turnserver as a stand-in for dturn, to check the TURN cases themselves.
#
#   tests/interop/lib/coturn-standin.sh start [SECONDS]   (default 900)
#   tests/interop/lib/coturn-standin.sh stop
#   tests/interop/lib/coturn-standin.sh env               the DTURN_* overrides to export
#
# Starts two instances in namespace $DTURN_STANDIN_NS (default dturn-client) on
# 198.18.0.2, each bounded by timeout, pids in /tmp/dturn-coturn-standin/:
#   UDP 3478  long-term credentials alice / secret123, realm dturn.test
#   UDP 3479  TURN REST API secret dturn-test-secret (with --use-auth-secret coturn no
#             longer accepts static users, so this needs its own instance)
# Both relay from 198.18.0.2, 49152-65535, and have no peer-side address: the echo peer
# runs in the same namespace on 198.18.0.2 (see 'env'). 'stop' signals the recorded
# timeout processes only. Any namespace in which 198.18.0.2 is local works, e.g. one made
# with 'ip netns add X; ip -n X link set lo up; ip -n X addr add 198.18.0.2/32 dev lo'
# (then capture on lo, DTURN_CAPTURE_IF=lo DTURN_CAPTURE_CHECKSUMS=0).
set -euo pipefail
NS=${DTURN_STANDIN_NS:-dturn-client}
DIR=/tmp/dturn-coturn-standin
ADDR=198.18.0.2

stop() {
	local f pid
	for f in "$DIR"/long-term.pid "$DIR"/rest.pid; do
		[ -f "$f" ] || continue
		pid=$(tr -dc '0-9' <"$f")
		if [ -n "$pid" ] && grep -qa turnserver "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
}

start() { # seconds
	local seconds=${1:-900} name port extra
	command -v turnserver >/dev/null || { echo "coturn (turnserver) not installed" >&2; exit 1; }
	ip netns exec "$NS" true || { echo "namespace $NS missing" >&2; exit 1; }
	stop
	mkdir -p "$DIR"
	for name in long-term rest; do
		if [ $name = long-term ]; then
			port=3478 extra=(--user=alice:secret123)
		else
			port=3479 extra=(--use-auth-secret --static-auth-secret=dturn-test-secret)
		fi
		rm -f "$DIR/$name.db"
		ip netns exec "$NS" timeout "$seconds" turnserver -n --no-tls --no-dtls --no-cli \
			--no-rfc5780 --listening-ip=$ADDR --relay-ip=$ADDR --listening-port=$port \
			--min-port=49152 --max-port=65535 --lt-cred-mech --realm=dturn.test "${extra[@]}" \
			--userdb="$DIR/$name.db" --pidfile="$DIR/$name.turnserver.pid" \
			--log-file=stdout --simple-log >"$DIR/$name.log" 2>&1 &
		echo $! >"$DIR/$name.pid"
	done
	for _ in $(seq 50); do
		if ip netns exec "$NS" ss -Hlun "sport = :3478" | grep -q . &&
			ip netns exec "$NS" ss -Hlun "sport = :3479" | grep -q .; then
			echo "coturn stand-in up in $NS on $ADDR:3478 (long-term) and $ADDR:3479 (REST) for ${seconds}s"
			return 0
		fi
		sleep 0.1
	done
	echo "coturn stand-in did not start; see $DIR/*.log" >&2
	stop
	exit 1
}

case "${1:-}" in
start) start "${2:-900}" ;;
stop) stop ;;
env)
	cat <<EOF
export DTURN_CLIENT_NS=$NS DTURN_PEER_NS=$NS DTURN_SERVER_V4=$ADDR DTURN_PEER_V4=$ADDR \\
	DTURN_RELAY_V4=$ADDR DTURN_REST_PORT=3479 DTURN_CAPTURE_IF=lo DTURN_CAPTURE_CHECKSUMS=0
EOF
	;;
*) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
