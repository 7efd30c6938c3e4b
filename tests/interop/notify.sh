#!/usr/bin/env bash
# systemd readiness (Type=notify): dturn started with NOTIFY_SOCKET pointing at a unix
# datagram socket this case listens on (lib/notify_listen.py, standing in for systemd)
#   - sends READY=1, from dturn's own pid, exactly once, with STATUS=serving: ...;
#   - answers a STUN Binding at the moment READY=1 arrives (the listener sends one from
#     dturn-client then, before reading on: READY means serving);
#   - with WATCHDOG_USEC set (WatchdogSec=), sends WATCHDOG=1 every half interval
#     while healthy (at least 4 in 2 s at 400 ms), after READY=1;
#   - sends STOPPING=1 after READY=1 when stopped with SIGTERM.
# Bad input: NOTIFY_SOCKET naming a socket that does not exist: dturn serves anyway and
# logs once that sd_notify failed.
#
# Starts its own dturn twice (scripts/run.sh --serve 100, stopped with --stop --keep-netns),
# so it refuses to run while another dturn is up: run-all.sh runs it after stopping the
# shared instance.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
LOG=${DTURN_LOG:-/tmp/dturn-demo.log}

if [ -f /run/dturn-demo.pid ]; then
	pid=$(tr -dc '0-9' </run/dturn-demo.pid)
	if [ -n "$pid" ] && grep -qa dturn "/proc/$pid/cmdline" 2>/dev/null; then
		fail "a dturn is already running (pid $pid): this case starts its own; stop it first (scripts/run.sh --stop) or use run-all.sh"
	fi
fi

tmp=$(mktemp -d /tmp/dturn-notify.XXXXXX)
listener=
started=0
cleanup() {
	if [ $started -eq 1 ]; then "$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true; fi
	if [ -n "$listener" ]; then kill "$listener" 2>/dev/null || true; wait "$listener" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- 1. a listening NOTIFY_SOCKET
sock=$tmp/notify.sock
events=$tmp/events
timeout 150 python3 "$INTEROP_DIR/lib/notify_listen.py" --seconds 140 "$sock" "$events" -- \
	ip netns exec "$CLIENT_NS" python3 "$INTEROP_DIR/lib/stun_binding.py" --timeout 1 --tries 3 \
	--expect-mapped "$CLIENT_V4" "$SERVER_V4" &
listener=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "the listener did not create $sock"

started=1
# WatchdogSec=400ms as systemd would pass it: WATCHDOG=1 due every 200 ms while healthy.
NOTIFY_SOCKET=$sock WATCHDOG_USEC=400000 "$ROOT/scripts/run.sh" --serve 100 >"$tmp/serve.log" 2>&1 ||
	fail "scripts/run.sh --serve with NOTIFY_SOCKET did not bring dturn up: $(tail -n 3 "$tmp/serve.log" | tr '\n' ' ')"
dpid=$(tr -dc '0-9' </run/dturn-demo.pid)
sleep 2
"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
started=0
# dturn has exited, so its STOPPING=1 is already queued: the listener ends on it at once.
# (Bounded, so a dturn that never sends it fails here rather than at the case's time limit.)
for _ in $(seq 100); do kill -0 "$listener" 2>/dev/null || break; sleep 0.1; done
kill "$listener" 2>/dev/null || true
wait "$listener" && lrc=0 || lrc=$?
listener=
ev=$(cat "$events")

ready=$(grep -c '^msg .*READY=1' <<<"$ev" || true)
[ "$ready" -eq 1 ] || fail "expected one READY=1, got $ready: $(tr '\n' ';' <<<"$ev")"
rline=$(grep '^msg .*READY=1' <<<"$ev")
[ "$(awk '{print $2}' <<<"$rline")" = "$dpid" ] ||
	fail "READY=1 came from pid $(awk '{print $2}' <<<"$rline"), dturn is $dpid"
grep -q 'STATUS=serving: [0-9]* ports, [0-9]* workers' <<<"$rline" ||
	fail "READY=1 without STATUS=serving: ...: $rline"
probe=$(grep '^probe ' <<<"$ev" | awk '{print $2}')
[ "$probe" = 0 ] || fail "dturn did not answer a STUN Binding when it sent READY=1 (stun_binding.py exit ${probe:-none})"
grep -q '^msg .*STOPPING=1' <<<"$ev" || fail "no STOPPING=1 after SIGTERM (listener exit $lrc): $(tr '\n' ';' <<<"$ev")"
order=$(grep -n -E 'READY=1|STOPPING=1' <<<"$ev" | sed -E 's/^([0-9]+):.*(READY|STOPPING)=1.*/\2/' | tr '\n' ' ')
[ "$order" = "READY STOPPING " ] || fail "expected READY=1 then STOPPING=1, got: $order"
[ $lrc -eq 0 ] || fail "listener exited $lrc"
# The watchdog: fed from dturn's pid, between READY=1 and STOPPING=1, about 5 a second.
pets=$(grep -c "^msg $dpid WATCHDOG=1\$" <<<"$ev" || true)
[ "$pets" -ge 4 ] || fail "expected at least 4 WATCHDOG=1 from pid $dpid in the 2 s served (WATCHDOG_USEC=400000), got $pets: $(tr '\n' ';' <<<"$ev" | cut -c1-300)"
first_pet=$(grep -n "WATCHDOG=1" <<<"$ev" | head -n1 | cut -d: -f1)
ready_line=$(grep -n "READY=1" <<<"$ev" | head -n1 | cut -d: -f1)
[ "$first_pet" -gt "$ready_line" ] || fail "WATCHDOG=1 came before READY=1"

# ---- 2. a NOTIFY_SOCKET that does not exist: serve anyway, say why once
started=1
NOTIFY_SOCKET=$tmp/no-such-socket "$ROOT/scripts/run.sh" --serve 100 >"$tmp/serve2.log" 2>&1 ||
	fail "with a missing NOTIFY_SOCKET dturn did not serve: $(tail -n 3 "$tmp/serve2.log" | tr '\n' ' ')"
n=$(grep -c 'sd_notify READY=1 to NOTIFY_SOCKET=.*no-such-socket failed' "$LOG" || true)
"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
started=0
[ "$n" -eq 1 ] || fail "expected one 'sd_notify READY=1 ... failed' line in $LOG, got $n"

echo "READY=1 from pid $dpid with a Binding answered at that moment, $pets WATCHDOG=1, then STOPPING=1; a missing socket logged once"
pass
