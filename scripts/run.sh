#!/usr/bin/env bash
# Run dturn on the fixed namespace topology (docs/testing.md).
#
#   scripts/run.sh                 demo: deps, build, hugepages, topology, start dturn for at
#                                  most 60 s, show real clients (ping, turnutils_stunclient,
#                                  stun), stop dturn, remove the topology. Exit 1 if the client
#                                  got no mapped address.
#   scripts/run.sh --serve N       start dturn for N seconds (it then stops by itself), return
#                                  once it answers a STUN Binding; pid in /run/dturn-demo.pid
#   scripts/run.sh --stop          stop a --serve'd dturn early and remove the topology
#   scripts/run.sh --status        show whether a --serve'd dturn is running
#
# Options (before or after the command):
#   --config FILE    dturn config to use (default config/dturn-demo.conf)
#   --build          with --serve: run ninja even if the binary exists
#   --keep-netns     with --stop / demo: leave the topology in place
#
# Environment (for testing the scripts themselves; defaults are the promised topology):
#   DTURN_BIN        daemon binary (default build/app/dturn/dturn)
#   DTURN_SERVER_V4 / DTURN_SERVER_V6   client-side service address to probe
#   DTURN_LOG        log file (default /tmp/dturn-demo.log), emptied at each start
#   DTURN_READY_SECONDS  how long --serve and the demo wait for the first STUN answer
#                    (default 30; a test on a loaded machine may allow more)
#   DTURN_LOG_ARCHIVE  if set, each start first appends the previous run's log to this
#                    file, so that a test suite restarting dturn keeps every run's output
#   NOTIFY_SOCKET    passed on to dturn like the rest of the environment: where it sends
#                    sd_notify READY=1 / STOPPING=1 (tests/interop/notify.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${DTURN_BIN:-$ROOT/build/app/dturn/dturn}
CONFIG=$ROOT/config/dturn-demo.conf
PIDFILE=/run/dturn-demo.pid
LOG=${DTURN_LOG:-/tmp/dturn-demo.log}
CLIENT_NS=dturn-client
PEER_NS=dturn-peer
SERVER_V4=${DTURN_SERVER_V4:-198.18.0.1}
SERVER_V6=${DTURN_SERVER_V6:-2001:db8:18::1}
PEER_SERVER_V4=${DTURN_PEER_SERVER_V4:-198.19.0.1}
PEER_SERVER_V6=${DTURN_PEER_SERVER_V6:-2001:db8:19::1}
CLIENT_V4=198.18.0.2
PEER_V4=198.19.0.2
DEMO_SECONDS=120
READY_SECONDS=${DTURN_READY_SECONDS:-30}
case $READY_SECONDS in '' | *[!0-9]*) echo "run: error: DTURN_READY_SECONDS='$READY_SECONDS' is not a number of seconds" >&2; exit 2 ;; esac

log() { echo "run: $*"; }
die() { echo "run: error: $*" >&2; exit 1; }

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-2}"
}

# ---------------------------------------------------------------- arguments
mode=demo
serve_seconds=
force_build=0
keep_netns=0
while [ $# -gt 0 ]; do
	case "$1" in
	--serve)
		mode=serve
		[ $# -ge 2 ] || die "--serve needs a number of seconds"
		serve_seconds=$2
		[[ "$serve_seconds" =~ ^[1-9][0-9]*$ ]] || die "--serve N: N must be a positive number of seconds, got '$2'"
		shift 2
		;;
	--stop) mode=stop; shift ;;
	--status) mode=status; shift ;;
	--config)
		[ $# -ge 2 ] || die "--config needs a file"
		CONFIG=$2
		shift 2
		;;
	--config=*) CONFIG=${1#--config=}; shift ;;
	--build) force_build=1; shift ;;
	--keep-netns) keep_netns=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "run: unknown argument '$1'" >&2; usage 2 ;;
	esac
done
case "$CONFIG" in /*) ;; *) CONFIG=$PWD/$CONFIG ;; esac

[ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, hugepages, raw sockets)"

# ---------------------------------------------------------------- helpers
# True if pid $1 is a running dturn daemon (argv has .../dturn and --config).
is_dturn_pid() {
	local pid=$1 arg has_bin=0 has_cfg=0
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	[ -r "/proc/$pid/cmdline" ] || return 1
	while IFS= read -r -d '' arg; do
		case "$arg" in
		dturn | */dturn | "$BIN") has_bin=1 ;;
		--config | --config=*) has_cfg=1 ;;
		esac
	done <"/proc/$pid/cmdline"
	[ $has_bin -eq 1 ] && [ $has_cfg -eq 1 ]
}

# Stop pid $1 (already verified): SIGTERM, up to 5 s, then SIGKILL.
stop_pid() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		[ -d "/proc/$pid" ] || { log "dturn (pid $pid) stopped"; return 0; }
		# A zombie child of ours counts as stopped.
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && { log "dturn (pid $pid) stopped"; return 0; }
		sleep 0.1
	done
	log "dturn (pid $pid) ignored SIGTERM for 5 s: sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
}

ensure_deps() {
	"$ROOT/scripts/deps.sh"
}

ensure_build() { # $1=1: always run ninja
	if [ -n "${DTURN_BIN:-}" ]; then
		[ -x "$BIN" ] || die "DTURN_BIN=$BIN is not executable"
		return 0
	fi
	if [ "$1" -eq 1 ] || [ ! -x "$BIN" ]; then
		if [ ! -f "$ROOT/build/build.ninja" ]; then
			log "meson setup build"
			(cd "$ROOT" && meson setup build) || die "meson setup failed"
		fi
		log "ninja -C build"
		ninja -C "$ROOT/build" || die "build failed"
	fi
	[ -x "$BIN" ] || die "no daemon at $BIN after the build"
}

# Binding request from dturn-client; prints turnutils_stunclient's output.
stun_probe() { # addr
	ip netns exec "$CLIENT_NS" timeout 3 turnutils_stunclient "$1" 2>&1 || true
}

# A config with [stream] TLS whose certificate and key live under /run and do not
# exist yet (tests/interop/dturn-stream.conf): make a throwaway self-signed pair, so
# such a config runs by hand too. Never for paths elsewhere; no key is committed.
demo_certificate() {
	local cert key
	cert=$(sed -n 's/^[[:space:]]*tls_certificate[[:space:]]*=[[:space:]]*\(\/run\/[^[:space:];]*\).*/\1/p' "$CONFIG" | head -n1)
	key=$(sed -n 's/^[[:space:]]*tls_private_key[[:space:]]*=[[:space:]]*\(\/run\/[^[:space:];]*\).*/\1/p' "$CONFIG" | head -n1)
	[ -n "$cert" ] && [ -n "$key" ] || return 0
	[ -f "$cert" ] && [ -f "$key" ] && return 0
	command -v openssl >/dev/null || die "openssl not found (needed for the demo TLS certificate)"
	mkdir -p "$(dirname "$cert")" "$(dirname "$key")"
	openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=dturn-demo.test" \
		-keyout "$key" -out "$cert" >/dev/null 2>&1 || die "openssl req could not make $cert"
	log "made a self-signed demo certificate $cert (key $key)"
}

# Start dturn for $1 seconds under timeout, in its own session so the caller's
# signals and terminal do not reach it. Sets DTURN_PID.
start_dturn() {
	local seconds=$1 tpidfile
	[ -f "$CONFIG" ] || die "config $CONFIG not found"
	demo_certificate
	if [ -f "$PIDFILE" ]; then
		local old
		old=$(tr -dc '0-9' <"$PIDFILE")
		if is_dturn_pid "$old"; then
			die "dturn already running (pid $old, $PIDFILE): use 'scripts/run.sh --stop' first"
		fi
		rm -f "$PIDFILE"
	fi
	tpidfile=$(mktemp /tmp/dturn-timeout.XXXXXX)
	log "starting $BIN --config $CONFIG for at most ${seconds}s (log: $LOG)"
	if [ -n "${DTURN_LOG_ARCHIVE:-}" ] && [ -s "$LOG" ]; then cat "$LOG" >>"$DTURN_LOG_ARCHIVE"; fi
	: >"$LOG"
	setsid bash -c 'echo $$ >"$1"; shift; exec timeout --signal=TERM --kill-after=5 "$@"' \
		_ "$tpidfile" "$seconds" "$BIN" --config "$CONFIG" </dev/null >>"$LOG" 2>&1 &
	TIMEOUT_PID=
	DTURN_PID=
	for _ in $(seq 50); do
		TIMEOUT_PID=$(tr -dc '0-9' <"$tpidfile" 2>/dev/null || true)
		if [ -n "$TIMEOUT_PID" ]; then
			DTURN_PID=$(ps -o pid= --ppid "$TIMEOUT_PID" 2>/dev/null | tr -dc '0-9\n' | head -n1)
			[ -n "$DTURN_PID" ] && break
			[ -d "/proc/$TIMEOUT_PID" ] || break
		fi
		sleep 0.1
	done
	rm -f "$tpidfile"
	if [ -z "$DTURN_PID" ]; then
		tail -n 30 "$LOG" >&2 || true
		die "dturn did not start (see $LOG)"
	fi
	echo "$DTURN_PID" >"$PIDFILE"
	log "dturn pid $DTURN_PID (pidfile $PIDFILE)"
}

# Wait until dturn answers a Binding request from dturn-client (bounded).
wait_ready() {
	local deadline out
	deadline=$((SECONDS + READY_SECONDS))
	while [ $SECONDS -lt $deadline ]; do
		if ! [ -d "/proc/$DTURN_PID" ] || ! is_dturn_pid "$DTURN_PID"; then
			echo "---- last lines of $LOG" >&2
			tail -n 30 "$LOG" >&2 || true
			return 1
		fi
		out=$(stun_probe "$SERVER_V4")
		if grep -q "reflexive addr" <<<"$out"; then
			log "dturn answers STUN Binding on $SERVER_V4:3478"
			return 0
		fi
		sleep 0.5
	done
	echo "---- last lines of $LOG" >&2
	tail -n 30 "$LOG" >&2 || true
	return 1
}

# EAL leaves its hugepage files (<prefix>map_N) behind when it exits, so that memory stays
# taken from every other user until a dturn with the same prefix starts again. Remove
# those of the stopped dturn's file_prefix ($1: its config file) that no process holds:
# EAL keeps a shared lock on each while it runs, so one that takes an exclusive lock at
# once is unused (the same test EAL's start-up uses to clear them).
release_hugepages() {
	local prefix mnt f n=0
	prefix=$(sed -n 's/^[[:space:]]*file_prefix[[:space:]]*=[[:space:]]*\([A-Za-z0-9_-]*\).*/\1/p' "$1" 2>/dev/null | head -n1)
	prefix=${prefix:-dturn}
	while read -r mnt; do
		for f in "$mnt/${prefix}map_"*; do
			[ -f "$f" ] || continue
			flock -n -x "$f" rm -f "$f" 2>/dev/null && n=$((n + 1))
		done
	done < <(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts)
	[ $n -eq 0 ] || log "released $n hugepage file(s) of file prefix $prefix"
}

stop_from_pidfile() {
	local pid
	if [ ! -f "$PIDFILE" ]; then
		log "no $PIDFILE: no served dturn to stop"
		return 0
	fi
	pid=$(tr -dc '0-9' <"$PIDFILE")
	if is_dturn_pid "$pid"; then
		# The config it runs on (its prefix names its hugepage files), not --stop's.
		local conf
		conf=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^--config$/{n;p;q}; s/^--config=//p' | head -n1)
		stop_pid "$pid"
		release_hugepages "${conf:-$CONFIG}"
	else
		log "pid '${pid}' from $PIDFILE is not a running dturn (already stopped): not killing it"
	fi
	rm -f "$PIDFILE"
}

print_access() {
	cat <<EOF

dturn is running (pid $DTURN_PID) until it stops by itself in ${serve_seconds}s, or
'scripts/run.sh --stop'. Log: $LOG

  client side : ip netns exec $CLIENT_NS ...   (eth0 198.18.0.2, 2001:db8:18::2)
                dturn at $SERVER_V4:3478 and [$SERVER_V6]:3478
  peer side   : ip netns exec $PEER_NS ...     (eth0 198.19.0.2, 2001:db8:19::2)
                dturn at $PEER_SERVER_V4 and $PEER_SERVER_V6
  credentials : user alice, password secret123, realm dturn.test
  REST secret : dturn-test-secret (TURN REST API, user "<expiry>:alice")

  ip netns exec $CLIENT_NS turnutils_stunclient $SERVER_V4
  ip netns exec $CLIENT_NS turnutils_stunclient $SERVER_V6
  ip netns exec $CLIENT_NS stun $SERVER_V4 -v
  ip netns exec $CLIENT_NS ping -c 3 $SERVER_V4
EOF
}

# ---------------------------------------------------------------- modes
case "$mode" in
status)
	if [ -f "$PIDFILE" ] && is_dturn_pid "$(tr -dc '0-9' <"$PIDFILE")"; then
		log "dturn running, pid $(tr -dc '0-9' <"$PIDFILE")"
	else
		log "no served dturn running"
	fi
	"$ROOT/scripts/netns.sh" status || true
	;;

stop)
	stop_from_pidfile
	if [ "$keep_netns" -eq 0 ]; then "$ROOT/scripts/netns.sh" down; fi
	;;

serve)
	ensure_deps
	ensure_build "$force_build"
	"$ROOT/scripts/hugepages.sh"
	"$ROOT/scripts/netns.sh" up
	start_dturn "$serve_seconds"
	if ! wait_ready; then
		stop_from_pidfile
		die "dturn did not answer a STUN Binding on $SERVER_V4 within ${READY_SECONDS}s"
	fi
	print_access
	;;

demo)
	ensure_deps
	ensure_build 1
	"$ROOT/scripts/hugepages.sh"
	"$ROOT/scripts/netns.sh" up
	DTURN_PID=
	cleanup() {
		local rc=$?
		if [ -n "${DTURN_PID:-}" ]; then stop_from_pidfile; fi
		if [ "$keep_netns" -eq 0 ]; then "$ROOT/scripts/netns.sh" down || true; fi
		exit $rc
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	start_dturn "$DEMO_SECONDS"
	wait_ready || die "dturn did not answer a STUN Binding on $SERVER_V4 within ${READY_SECONDS}s"

	show() { echo; echo "\$ $*"; "$@" 2>&1 || echo "(exit status $?)"; }
	show ip netns exec "$CLIENT_NS" ping -c 2 -W 1 "$SERVER_V4"
	show ip netns exec "$CLIENT_NS" ping -6 -c 2 -W 1 "$SERVER_V6"
	show ip netns exec "$PEER_NS" ping -c 2 -W 1 "$PEER_SERVER_V4"
	show ip netns exec "$PEER_NS" ping -6 -c 2 -W 1 "$PEER_SERVER_V6"
	echo
	echo "\$ ip netns exec $CLIENT_NS turnutils_stunclient $SERVER_V4"
	out4=$(stun_probe "$SERVER_V4"); echo "$out4"
	echo
	echo "\$ ip netns exec $CLIENT_NS turnutils_stunclient $SERVER_V6"
	out6=$(stun_probe "$SERVER_V6"); echo "$out6"
	show ip netns exec "$CLIENT_NS" timeout 10 stun "$SERVER_V4"
	show ip netns exec "$CLIENT_NS" timeout 5 stun "$SERVER_V4" 1 -v
	echo
	rc=0
	if grep -q "reflexive addr: $CLIENT_V4:" <<<"$out4"; then
		log "OK: the client learned its mapped address $CLIENT_V4 from dturn"
	else
		log "FAILED: turnutils_stunclient got no mapped address $CLIENT_V4"
		rc=1
	fi

	# A TURN session: the client allocates on dturn (user alice), binds channels
	# and relays through dturn to coturn's echo peer in the peer namespace.
	ip netns exec "$PEER_NS" timeout 60 turnutils_peer -L "$PEER_V4" -p 3480 >/dev/null 2>&1 &
	echo_peer=$!
	sleep 0.5
	echo
	echo "\$ ip netns exec $CLIENT_NS turnutils_uclient -u alice -w secret123 -m 2 -n 100 -e $PEER_V4 -r 3480 $SERVER_V4"
	relay_out=$(ip netns exec "$CLIENT_NS" timeout 60 turnutils_uclient -u alice -w secret123 \
		-m 2 -n 100 -e "$PEER_V4" -r 3480 "$SERVER_V4" 2>&1 || true)
	grep -E "tot_send_msgs|lost packets|relayed|error" <<<"$relay_out" | tail -n 6
	kill "$echo_peer" 2>/dev/null || true
	wait "$echo_peer" 2>/dev/null || true
	if grep -q "Total lost packets 0 " <<<"$relay_out" &&
	   grep -q "tot_recv_msgs=200" <<<"$relay_out"; then
		log "OK: 200 messages relayed through dturn to the peer and back, none lost"
	else
		log "FAILED: the TURN session through dturn lost messages"
		rc=1
	fi
	echo "---- last lines of $LOG"
	tail -n 15 "$LOG" || true
	exit $rc
	;;
esac
