#!/usr/bin/env bash
# Hot reload (docs/reload.md): dturn runs on an editable COPY of config/dturn-demo.conf
# (scripts/run.sh --serve 150 --config COPY) with users alice and bob. While
#   turnutils_uclient -v -u alice -w secret123 -c -e 198.19.0.2 -r 3480 -m 10 -n 1000
# relays, the copy is edited (bob removed, carol added, deny-peer 198.19.0.128/25 added)
# and dturn gets SIGHUP (pid from /run/dturn-demo.pid). Then:
#   - the session kept relaying: every message back, nothing lost, and the reload was
#     applied while uclient was still running (the log's "reload: applied" line);
#   - carol allocates, bob's Allocate gets 401, alice still allocates;
#   - a CreatePermission for 198.19.0.200 got success before the reload and 403 after;
#   - a copy with a syntax error on line 3 is refused on the next SIGHUP: the log names
#     COPY:3, config_reload_refused counts it, and alice and carol still allocate.
#
# Starts its own dturn and stops it (scripts/run.sh --stop --keep-netns), so it refuses
# to run while another dturn is up: run-all.sh runs it after the shared instance.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
LOG=${DTURN_LOG:-/tmp/dturn-demo.log}
DENIED_PEER=198.19.0.200

if [ -f /run/dturn-demo.pid ]; then
	pid=$(tr -dc '0-9' </run/dturn-demo.pid)
	if [ -n "$pid" ] && grep -qa dturn "/proc/$pid/cmdline" 2>/dev/null; then
		fail "a dturn is already running (pid $pid): this case starts its own; stop it first (scripts/run.sh --stop) or use run-all.sh"
	fi
fi

started=0
UC_BG=
cleanup2() {
	if [ -n "$UC_BG" ] && [ -d "/proc/$UC_BG" ]; then kill -TERM "$UC_BG" 2>/dev/null || true; fi
	uclient_cleanup
	if [ $started -eq 1 ]; then "$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true; fi
}
uclient_setup
trap cleanup2 EXIT
CONF=$UC_TMP/reload.conf
# Users alice (the demo's) and bob; everything else as the demo runs.
sed 's/^alice = secret123$/alice = secret123\nbob = bobpass/' "$ROOT/config/dturn-demo.conf" >"$CONF"
grep -q '^bob = bobpass$' "$CONF" || fail "could not add bob to the copy of config/dturn-demo.conf"

started=1
if ! "$ROOT/scripts/run.sh" --serve 150 --config "$CONF" >"$UC_TMP/serve.log" 2>&1; then
	fail "scripts/run.sh --serve --config $CONF did not bring dturn up: $(grep -E 'error|ERR' "$UC_TMP/serve.log" | tail -n 2 | tr '\n' ' ')"
fi
PID=$(tr -dc '0-9' </run/dturn-demo.pid)
[ -n "$PID" ] && [ -d "/proc/$PID" ] || fail "no dturn pid in /run/dturn-demo.pid"

# One Allocate; $1 user, $2 password, $3 expected outcome (success or an error code).
allocate() {
	local out rc=0
	out=$(in_client timeout 20 python3 "$INTEROP_DIR/lib/turn_allocate.py" -p "$STUN_PORT" \
		--user "$1" --password "$2" --expect "$3" "$SERVER_V4" 2>&1) || rc=$?
	[ $rc -eq 0 ] || fail "$4: Allocate as $1 did not get $3: $(grep -E '^(error|result)' <<<"$out" | tr '\n' ' ' | cut -c1-200)"
}

# Allocate as alice, then CreatePermission for peer $1: prints the outcome (success or
# the error code). Reuses lib/turn_allocate.py's message codec.
cat >"$UC_TMP/permission.py" <<'EOF'
import hashlib, socket, struct, sys
sys.path.insert(0, sys.argv[1])
import turn_allocate as t
server, port, user, password, peer = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
cl = t.Client(server, port, 1.0, 3)
transport = [(t.A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0]))]
data, tid = cl.transact(t.ALLOCATE, transport)
first = t.parse(data, tid, None)
realm, nonce = first["realm"], first["nonce"]
key = hashlib.md5(b"%s:%s:%s" % (user.encode(), realm, password.encode())).digest()
cred = lambda: [(t.A_USERNAME, user.encode()), (t.A_REALM, realm), (t.A_NONCE, nonce)]
data, tid = cl.transact(t.ALLOCATE, transport + cred(), key)
res = t.parse(data, tid, key)
if res["type"] != t.ALLOCATE | t.SUCCESS:
    print("allocate-failed %s" % res.get("error"))
    sys.exit(1)
# XOR-PEER-ADDRESS (0x0012), port 3480; CreatePermission is method 0x0008.
def xor_peer(tid):
    raw = socket.inet_aton(peer)
    k = struct.pack("!I", t.MAGIC)
    return struct.pack("!BBH", 0, 1, 3480 ^ (t.MAGIC >> 16)) + bytes(b ^ k[i] for i, b in enumerate(raw))
tid = __import__("os").urandom(12)
msg = t.build(0x0008, tid, [(0x0012, xor_peer(tid))] + cred(), key)
cl.sock.settimeout(2.0)
out = None
for _ in range(3):
    cl.sock.sendto(msg, cl.dest)
    try:
        data, _ = cl.sock.recvfrom(65535)
    except socket.timeout:
        continue
    if data[8:20] == tid:
        out = t.parse(data, tid, key)
        break
if out is None:
    print("no-answer")
elif out["type"] == 0x0108:
    print("success")
else:
    print(out.get("error", "none"))
cl.tries = 1
cl.transact(t.REFRESH, [(t.A_LIFETIME, struct.pack("!I", 0))] + cred(), key)
EOF
permission() {
	in_client timeout 30 python3 "$UC_TMP/permission.py" "$INTEROP_DIR/lib" "$SERVER_V4" \
		"$STUN_PORT" "$TURN_USER" "$TURN_PASSWORD" "$1" 2>&1 | tail -n1
}

# Wait (bounded) for pattern $2 in the log after line $1.
wait_log() {
	for _ in $(seq 100); do
		tail -n +"$(($1 + 1))" "$LOG" | grep -qE "$2" && return 0
		sleep 0.1
	done
	return 1
}

allocate bob bobpass success "before the reload"
allocate carol carolpass 401 "before the reload"
[ "$(permission "$DENIED_PEER")" = success ] || fail "before the reload: CreatePermission for $DENIED_PEER was not granted ($(permission "$DENIED_PEER"))"

start_peer
in_client timeout "$UCLIENT_SECONDS" turnutils_uclient -v -u "$TURN_USER" -w "$TURN_PASSWORD" -c \
	-e "$PEER_V4" -r "$PEER_PORT" -m 10 -n 1000 -p "$STUN_PORT" "$SERVER_V4" \
	>"$UC_TMP/uclient.log" 2>&1 &
UC_BG=$!
# Mid-session: every allocation made, data flowing.
for _ in $(seq 200); do
	[ "$(grep -c 'Received relay addr' "$UC_TMP/uclient.log" 2>/dev/null || true)" -ge 10 ] && break
	[ -d "/proc/$UC_BG" ] || break
	sleep 0.1
done
sleep 1

sed -i -e '/^bob = bobpass$/d' -e 's/^alice = secret123$/alice = secret123\ncarol = carolpass/' \
	-e 's#^allow-peer = 2001:db8::/32$#allow-peer = 2001:db8::/32\ndeny-peer = 198.19.0.128/25#' "$CONF"
grep -q '^deny-peer = 198.19.0.128/25$' "$CONF" || fail "could not edit the copy"
mark=$(wc -l <"$LOG")
kill -HUP "$PID"
wait_log "$mark" 'reload: applied|reload refused' || fail "no reload line in $LOG within 10 s of SIGHUP"
applied=$(tail -n +"$((mark + 1))" "$LOG" | grep -E 'reload: applied|reload refused' | head -n1)
grep -q 'reload: applied: users +1 -1' <<<"$applied" || fail "reload not applied as expected: $applied"
grep -q 'peer policy rebuilt' <<<"$applied" || fail "reload did not rebuild the peer policy: $applied"
[ -d "/proc/$UC_BG" ] || fail "turnutils_uclient had finished before the reload applied: the session did not span it (raise -n)"
[ -d "/proc/$PID" ] || fail "dturn exited on SIGHUP"

UC_RC=0
wait "$UC_BG" || UC_RC=$?
UC_BG=
UC_ARGS="-u $TURN_USER -c -e $PEER_V4 -m 10 -n 1000 (SIGHUP mid-session)"
check_uclient 10000 10

allocate carol carolpass success "after the reload"
allocate bob bobpass 401 "after the reload"
allocate "$TURN_USER" "$TURN_PASSWORD" success "after the reload"
got=$(permission "$DENIED_PEER")
[ "$got" = 403 ] || fail "after the reload (deny-peer 198.19.0.128/25): CreatePermission for $DENIED_PEER got $got, expected 403"
got=$(permission "$PEER_V4")
[ "$got" = success ] || fail "after the reload: CreatePermission for $PEER_V4 got $got, expected success"

# A bad file: line 3 is not "key = value". Refused, named by file:line; old config stays.
cp "$CONF" "$UC_TMP/good.conf"
sed -i '3s/.*/this line is broken/' "$CONF"
mark=$(wc -l <"$LOG")
kill -HUP "$PID"
wait_log "$mark" 'reload refused|reload: applied' || fail "no reload line in $LOG within 10 s of the second SIGHUP"
refused=$(tail -n +"$((mark + 1))" "$LOG" | grep -E 'reload refused|reload: applied' | head -n1)
grep -qF "reload refused: $CONF:3:" <<<"$refused" || fail "bad file not refused at $CONF:3: $refused"
allocate "$TURN_USER" "$TURN_PASSWORD" success "after the refused reload"
allocate carol carolpass success "after the refused reload"
allocate bob bobpass 401 "after the refused reload"

# The counters: one reload applied, one refused (printed at exit).
"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
started=0
grep -qE '(^|[^a-z_])config_reloaded[^0-9]+1$' "$LOG" || fail "config_reloaded is not 1 at exit: $(grep -E 'config_reload' "$LOG" | tr '\n' ' ')"
grep -qE 'config_reload_refused[^0-9]+1$' "$LOG" || fail "config_reload_refused is not 1 at exit: $(grep -E 'config_reload' "$LOG" | tr '\n' ' ')"
echo "reload mid-session: $(sed 's/.*applied: //' <<<"$applied")"
pass
