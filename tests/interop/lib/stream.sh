# shellcheck shell=bash disable=SC2034
# TURN over TCP and TLS cases (uclient-tcp*.sh, uclient-tls*.sh, stream-*.sh), sourced after
# common.sh and uclient.sh. Each case starts its own dturn on tests/interop/dturn-stream.conf
# (scripts/run.sh --serve; [stream] with TCP 3478 and TLS 5349) with a throwaway self-signed
# certificate made here (openssl req into /run/dturn-stream; no key is ever committed), and
# stops it again, so run-all.sh runs them after the shared instance (its OWN list).

ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
STREAM_CONF=${DTURN_STREAM_CONF:-$INTEROP_DIR/dturn-stream.conf}
STREAM_PREFIX=$(sed -n 's/^[[:space:]]*file_prefix[[:space:]]*=[[:space:]]*\([A-Za-z0-9_-]*\).*/\1/p' "$STREAM_CONF" | head -n1)
STREAM_CERT_DIR=/run/dturn-stream
STREAM_CERT_CN=dturn-stream.test
STREAM_TCP_PORT=3478
STREAM_TLS_PORT=5349
STREAM_STARTED=0

stream_cleanup() {
	uclient_cleanup
	if [ "$STREAM_STARTED" -eq 1 ]; then
		"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
	fi
	rm -rf "$STREAM_CERT_DIR"
}

stream_start() {
	local pid
	command -v dpdk-telemetry.py >/dev/null || fail "dpdk-telemetry.py not installed (Debian package dpdk)"
	command -v openssl >/dev/null || fail "openssl not installed"
	[ -c /dev/net/tun ] || fail "/dev/net/tun missing: the exception path needs a tap"
	if [ -f /run/dturn-demo.pid ]; then
		pid=$(tr -dc '0-9' </run/dturn-demo.pid)
		if [ -n "$pid" ] && grep -qa dturn "/proc/$pid/cmdline" 2>/dev/null; then
			fail "a dturn is already running (pid $pid): this case starts its own; stop it first (scripts/run.sh --stop) or use run-all.sh"
		fi
	fi
	uclient_setup
	trap stream_cleanup EXIT
	mkdir -p "$STREAM_CERT_DIR"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$STREAM_CERT_CN" \
		-keyout "$STREAM_CERT_DIR/key.pem" -out "$STREAM_CERT_DIR/cert.pem" >/dev/null 2>&1 ||
		fail "openssl req could not make the test certificate"
	STREAM_STARTED=1
	if ! "$ROOT/scripts/run.sh" --serve 100 --config "$STREAM_CONF" >"$UC_TMP/serve.log" 2>&1; then
		fail "scripts/run.sh --serve --config $(basename "$STREAM_CONF") did not bring dturn up: $(grep -E 'error|ERR' "$UC_TMP/serve.log" | tail -n 2 | tr '\n' ' ')"
	fi
}

# The counters summed over every lcore and the stream thread, as "name value" lines.
stream_stats() { telemetry_kv "$STREAM_PREFIX" /dturn/stats; }
stream_get() { awk -v k="$2" '$1 == k { print $2 }' <<<"$1"; }

# Wait up to $2 seconds for counter $1 to reach at least $3; prints its last value.
stream_wait_counter() {
	local name=$1 secs=$2 want=$3 v=0
	for _ in $(seq $((secs * 2))); do
		v=$(stream_get "$(stream_stats)" "$name")
		v=${v:-0}
		[ "$v" -ge "$want" ] && break
		sleep 0.5
	done
	echo "$v"
}
