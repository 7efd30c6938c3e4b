#!/usr/bin/env bash
# A wrong long-term password is refused: the credentialed Allocate gets 401, and no
# allocation is made.
#
# lib/turn_allocate.py (it prints the error code, which turnutils_uclient does not):
#   the right password is accepted (control: the refusal below is about the password),
#   then "alice" / "wrong-secret123" gets 401 after the 401 challenge, with a good
#   FINGERPRINT and no MESSAGE-INTEGRITY that fails to verify;
# turnutils_uclient -v -u alice -w wrong-secret123 -c -e 198.19.0.2 -r 3480 -m 1 -n 5
#   -p 3478 198.18.0.1 gets no relayed address and relays no message: it exits non-zero
#   ("Cannot complete Allocation"), or, once the failed-authentication limit silences
#   its port, waits until the 30 s bound;
# dturn's log says "allocation ... made", "... deleted by its client" and "authentication
#   failed: user alice from 198.18.0.2:PORT, answered 401".
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"

allocate() { # turn_allocate.py options; output in $out, exit status in $rc
	rc=0
	out=$(in_client timeout 20 python3 "$INTEROP_DIR/lib/turn_allocate.py" -p "$STUN_PORT" "$@" "$SERVER_V4" 2>&1) || rc=$?
}
brief() { grep -E '^(error|result|challenge)[: ]' <<<"$out" | tr '\n' ' ' | cut -c1-240; }

allocate --user "$TURN_USER" --password "$TURN_PASSWORD"
[ $rc -ne 2 ] || fail "no answer to Allocate from $(hostport "$SERVER_V4" "$STUN_PORT")"
[ $rc -eq 0 ] || fail "control: the right password is not accepted either (exit $rc): $(brief)"

allocate --user "$TURN_USER" --password "wrong-$TURN_PASSWORD" --expect 401
[ $rc -eq 0 ] || fail "wrong password not refused with 401 (exit $rc): $(brief)"
grep -q '^result error 401' <<<"$out" || fail "no 401 result: $(brief)"

rc=0
uc=$(in_client timeout 30 turnutils_uclient -v -u "$TURN_USER" -w "wrong-$TURN_PASSWORD" -c \
	-e "$PEER_V4" -r "$PEER_PORT" -m 1 -n 5 -p "$STUN_PORT" "$SERVER_V4" 2>&1) || rc=$?
# uclient retries a refused Allocate from the same port; past [turn] auth_failure_burst
# failures dturn stops answering that transport address (docs/hardening.md) and
# uclient waits until the time bound: refused either way.
[ $rc -ne 0 ] || fail "turnutils_uclient with a wrong password exited 0: $(tail -n 2 <<<"$uc" | tr '\n' ' ')"
! grep -q 'Received relay addr' <<<"$uc" || fail "turnutils_uclient got a relayed address with a wrong password: $(grep 'Received relay addr' <<<"$uc" | head -n1)"
! grep -Eq 'tot_recv_msgs=[1-9]' <<<"$uc" || fail "turnutils_uclient relayed messages with a wrong password"
[ $rc -eq 124 ] || grep -q 'Cannot complete Allocation' <<<"$uc" ||
	fail "turnutils_uclient exited $rc without 'Cannot complete Allocation': $(tail -n 2 <<<"$uc" | tr '\n' ' ')"

# dturn's log (not when the case is pointed at another server) has one line per event:
# the allocation made and deleted, and the refused password with the user and source.
log=${DTURN_LOG:-/tmp/dturn-demo.log}
if [ -z "${DTURN_SERVER_V4:-}" ] && [ -f "$log" ]; then
	grep -Eq "allocation $RELAY_V4:[0-9]+ made: user $TURN_USER, client $CLIENT_V4:[0-9]+" "$log" ||
		fail "no 'allocation ... made: user $TURN_USER, client $CLIENT_V4:PORT' line in $log"
	grep -Eq "allocation $RELAY_V4:[0-9]+ deleted by its client: user $TURN_USER" "$log" ||
		fail "no 'allocation ... deleted by its client' line in $log"
	grep -Eq "authentication failed: user $TURN_USER from $CLIENT_V4:[0-9]+, answered 401" "$log" ||
		fail "no 'authentication failed: user $TURN_USER from $CLIENT_V4:PORT, answered 401' line in $log"
fi
pass
