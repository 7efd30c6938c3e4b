# shellcheck shell=bash
# turnutils_uclient runs shared by the uclient-*.sh, tshark-allocate.sh and turn-two-workers.sh
# cases (sourced after common.sh).
#
# turnutils_uclient (coturn 4.6) allocates on the server, binds channels (default) or
# creates permissions and sends Send indications (-s) towards the peer (-e ADDR -r PORT;
# turnutils_peer echoes), or with -y relays between pairs of its own allocations. With -v
# it prints "IPv4. Received relay addr: IP:PORT" per allocation, and at the end
#   start_mclient: tot_send_msgs=N, tot_recv_msgs=N
#   Total lost packets 0 (0.000000%), total send dropped 0 (0.000000%)
# It exits 255 after "ERROR: Cannot complete Allocation" (refused), and its -h is "hang
# on", not help. It never prints the error code of a refusal: lib/turn_allocate.py does.

UCLIENT_SECONDS=${DTURN_UCLIENT_SECONDS:-90}
# IPv6 and mixed-family cases set these before the helpers run: the address uclient talks
# to, the relayed address check_uclient expects (its family picks uclient's "IPv4." or
# "IPv6." lines), and the addresses turnutils_peer listens on (one -L each).
UC_SERVER=${UC_SERVER:-$SERVER_V4}
UC_RELAY=${UC_RELAY:-$RELAY_V4}
UC_PEER_ADDRS=${UC_PEER_ADDRS:-$PEER_V4}
PEER_SECONDS=${DTURN_PEER_SECONDS:-110}
UC_TMP=
PEER_PID=

uclient_cleanup() {
	if [ -n "$PEER_PID" ] && [ -d "/proc/$PEER_PID" ]; then
		kill -TERM "$PEER_PID" 2>/dev/null || true
		wait "$PEER_PID" 2>/dev/null || true
	fi
	PEER_PID=
	[ -z "$UC_TMP" ] || rm -rf "$UC_TMP"
}

uclient_setup() {
	UC_TMP=$(mktemp -d /tmp/dturn-uclient.XXXXXX)
	trap uclient_cleanup EXIT
}

# turnutils_peer in the peer namespace on each of UC_PEER_ADDRS, port PEER_PORT, bounded by
# timeout; started without a shell function so that $! is the timeout process ('ip netns
# exec' execs it).
start_peer() {
	local a listen=() want
	require_ns "$PEER_NS"
	if ip netns exec "$PEER_NS" ss -Hlun "sport = :$PEER_PORT" 2>/dev/null | grep -q .; then
		fail "UDP port $PEER_PORT is already bound in $PEER_NS (a stray turnutils_peer?)"
	fi
	for a in $UC_PEER_ADDRS; do listen+=(-L "$a"); done
	want=$(wc -w <<<"$UC_PEER_ADDRS")
	ip netns exec "$PEER_NS" timeout "$PEER_SECONDS" turnutils_peer "${listen[@]}" -p "$PEER_PORT" \
		>"$UC_TMP/peer.log" 2>&1 &
	PEER_PID=$!
	for _ in $(seq 50); do
		[ "$(ip netns exec "$PEER_NS" ss -Hlun "sport = :$PEER_PORT" 2>/dev/null | grep -c .)" -ge "$want" ] && return 0
		[ -d "/proc/$PEER_PID" ] || fail "turnutils_peer did not start: $(tr '\n' ' ' <"$UC_TMP/peer.log" | cut -c1-200)"
		sleep 0.1
	done
	fail "turnutils_peer not listening on $UC_PEER_ADDRS port $PEER_PORT in $PEER_NS after 5 s"
}

# One Allocate with lib/turn_allocate.py first (released at once), so that a server that
# does not serve Allocate fails the case in seconds instead of uclient's time bound.
# Arguments: turn_allocate.py options (credentials, -p port).
probe_allocate() {
	local out rc=0
	require_ns "$CLIENT_NS"
	out=$(in_client timeout 20 python3 "$INTEROP_DIR/lib/turn_allocate.py" "$@" "$UC_SERVER" 2>&1) || rc=$?
	[ $rc -eq 0 ] || fail "probe Allocate to $UC_SERVER ($*) failed (exit $rc): $(grep -E '^(error|result|challenge)[: ]' <<<"$out" | tr '\n' ' ' | cut -c1-240)"
}

# Run turnutils_uclient in the client namespace; output in $UC_TMP/uclient.log, exit
# status in UC_RC. Arguments: uclient options (the server address is appended).
#
# In channel mode each uclient session binds a random channel number (0x4000-0x7FFF) to
# the peer's port + 1, then draws another at random for the peer's port (coturn's
# start_connection): once in 16,384 sessions the two are equal, and RFC 8656 §11.2 has
# the server refuse the second (dturn: 400 "Channel number bound to another peer";
# coturn: "You cannot use the same channel number with different peer"), so uclient
# exits 255. That one refusal reruns the session once, with a note; twice fails.
run_uclient() {
	require_ns "$CLIENT_NS"
	local try
	for try in 1 2; do
		UC_RC=0
		in_client timeout "$UCLIENT_SECONDS" turnutils_uclient -v "$@" "$UC_SERVER" \
			>"$UC_TMP/uclient.log" 2>&1 || UC_RC=$?
		[ $try -eq 1 ] && [ "$UC_RC" -eq 255 ] &&
			grep -q 'channel bind: error 400 (Channel number bound to another peer)' "$UC_TMP/uclient.log" || break
		echo "note: uclient drew one channel number twice in a session (1 in 16,384; RFC 8656 §11.2 refuses the second bind): running it again"
	done
	UC_ARGS="$*"
}

# Every message came back: exit 0, tot_send_msgs == expected == tot_recv_msgs, 0 lost,
# 0 send dropped, and at least min-allocations relayed addresses, all UC_RELAY with a port
# in RELAY_PORT_MIN..RELAY_PORT_MAX.
check_uclient() { # expected-messages min-allocations
	local want=$1 min_alloc=$2 log=$UC_TMP/uclient.log sent recv lost dropped relays bad
	local brief
	brief=$(grep -E 'ERROR|error|Cannot' "$log" | sort | uniq -c | head -n 3 | tr -s ' \n' ' ' || true)
	[ "$UC_RC" -ne 124 ] || fail "turnutils_uclient $UC_ARGS did not finish within ${UCLIENT_SECONDS}s (relay addrs: $(grep -c 'Received relay addr' "$log"); $brief$(grep 'tot_send_msgs' "$log" | tail -n1); last lines: $(tail -n 2 "$log" | tr '\n' ' ' | cut -c1-200))"
	[ "$UC_RC" -eq 0 ] || fail "turnutils_uclient $UC_ARGS exited $UC_RC: ${brief:-$(tail -n 2 "$log" | tr '\n' ' ')}"
	read -r sent recv < <(sed -n 's/.*start_mclient: tot_send_msgs=\([0-9]*\), tot_recv_msgs=\([0-9]*\)$/\1 \2/p' "$log" | tail -n1) || true
	[ -n "${sent:-}" ] || fail "no final tot_send_msgs/tot_recv_msgs line: $(tail -n 3 "$log" | tr '\n' ' ')"
	read -r lost dropped < <(sed -n 's/.*Total lost packets \([0-9]*\) (.*total send dropped \([0-9]*\) (.*/\1 \2/p' "$log" | tail -n1) || true
	[ -n "${lost:-}" ] || fail "no 'Total lost packets' line: $(tail -n 3 "$log" | tr '\n' ' ')"
	[ "$sent" -eq "$want" ] || fail "sent $sent messages, expected $want (send dropped $dropped)"
	[ "$recv" -eq "$sent" ] || fail "sent $sent, received $recv back (lost $lost)"
	[ "$lost" -eq 0 ] && [ "$dropped" -eq 0 ] || fail "lost $lost, send dropped $dropped"
	# "IPv4. Received relay addr: 198.19.0.1:49152" or "IPv6. ...: 2001:db8:19::1:49152"
	local fam=IPv4
	case $UC_RELAY in *:*) fam=IPv6 ;; esac
	relays=$(sed -n "s/.*$fam\\. Received relay addr: \\[\\{0,1\\}\\([0-9a-f.:]*\\)\\]\\{0,1\\}:\\([0-9]*\\)\$/\\1 \\2/p" "$log")
	[ "$(grep -c . <<<"$relays")" -ge "$min_alloc" ] || fail "$(grep -c . <<<"$relays") $fam relayed address(es) reported, expected at least $min_alloc ($(grep -m1 'relay addr' "$log" || true))"
	bad=$(awk -v a="$UC_RELAY" -v lo="$RELAY_PORT_MIN" -v hi="$RELAY_PORT_MAX" \
		'$1 != a || $2 < lo || $2 > hi { print $1 ":" $2 }' <<<"$relays" | head -n 3 | tr '\n' ' ' | sed 's/ $//')
	[ -z "$bad" ] || fail "relayed address(es) $bad not $UC_RELAY:$RELAY_PORT_MIN-$RELAY_PORT_MAX"
}
