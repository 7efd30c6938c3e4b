#!/usr/bin/env bash
# dturnctl against the running demo dturn (docs/dturnctl.md): every command, its exit code
# and what it does to real TURN sessions.
#
# A small TURN client (Python, lib/turn_allocate.py's encoder, run in the client namespace
# as a coprocess) holds allocations open across the steps:
#   list / list --user / list --client   show them (and filter them out);
#   show ID                              the permission after CreatePermission, and the bytes
#                                        relayed to the peer after one Send indication;
#   delete ID                            the session's next Refresh gets 437, and a Send
#                                        indication is counted drop_relay_no_allocation
#                                        instead of relay_to_peer;
#   revoke USER                          (a TURN REST user of this case) its allocation goes
#                                        and its next Allocate gets 401; reload brings it back;
#   drain on                             a new Allocate gets 508 (the demo has no
#                                        alternate_server) while an existing allocation still
#                                        refreshes; drain off allocates again;
#   log-level debug / log-level          set and read back, then restored;
#   stats                                shows the drain state and counters;
#   bad ids, unknown commands, bad options, an unreachable daemon: one-line errors, exit 1/2/3;
#   malformed raw requests (dpdk-telemetry.py, past dturnctl's own checks): error replies.
# State is restored at the end (drain off, log level, reload), also on failure.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
# One line per verdict: the outputs quoted in failures are multi-line tables.
fail() { echo "FAIL $NAME: $(tr '\n' '|' <<<"$*" | cut -c1-700)"; exit 1; }
if [ -z "${DTURNCTL_BIN:-}" ]; then
	if [ -n "${DTURN_BIN:-}" ]; then
		DTURNCTL_BIN=$(cd "$(dirname "$DTURN_BIN")/.." && pwd)/dturnctl/dturnctl
	else
		DTURNCTL_BIN=$ROOT/build/app/dturnctl/dturnctl
	fi
fi
[ -x "$DTURNCTL_BIN" ] || fail "no dturnctl at $DTURNCTL_BIN (build it: ninja -C build app/dturnctl/dturnctl)"
PREFIX=${DTURN_PREFIX:-dturn-demo}
require_ns "$CLIENT_NS"

TMP=$(mktemp -d /tmp/dturn-ctl.XXXXXX)
CLIENT_PID=
ctl() { timeout 20 "$DTURNCTL_BIN" --prefix "$PREFIX" "$@"; }

restore() {
	ctl drain off >/dev/null 2>&1 || true
	ctl log-level "${LEVEL0:-info}" >/dev/null 2>&1 || true
	ctl reload >/dev/null 2>&1 || true
	if [ -n "$CLIENT_PID" ] && [ -d "/proc/$CLIENT_PID" ]; then
		{ [ -z "${TC[1]:-}" ] || echo quit >&"${TC[1]}"; } 2>/dev/null || true
		kill -TERM "$CLIENT_PID" 2>/dev/null || true
		wait "$CLIENT_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap restore EXIT

# The client: one line per command on stdin, one answer line on stdout.
#   new NAME                         a session: its own UDP socket (own 5-tuple)
#   NAME allocate USER PASSWORD      -> "allocated IP PORT" | "error CODE [alternate IP:PORT]"
#   NAME rest USER SECRET            the same with a TURN REST username for USER
#   NAME refresh | NAME release      -> "ok" | "error CODE"
#   NAME permission IP               -> "ok" | "error CODE"
#   NAME send IP PORT                a Send indication (no answer): -> "sent"
cat >"$TMP/client.py" <<'EOF'
import base64, hashlib, hmac, os, socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
from turn_allocate import build, parse, attr, MAGIC, ALLOCATE, REFRESH, SUCCESS, ERROR, \
    A_USERNAME, A_REALM, A_NONCE, A_LIFETIME, A_REQUESTED_TRANSPORT
server = (sys.argv[2], int(sys.argv[3]))
CREATE_PERMISSION, SEND_INDICATION = 0x0008, 0x0016
A_XOR_PEER, A_DATA, A_ALTERNATE = 0x0012, 0x0013, 0x8023
sessions = {}

def xor_peer(ip, port):
    raw = socket.inet_aton(ip)
    key = struct.pack("!I", MAGIC)
    return struct.pack("!BBH", 0, 1, port ^ (MAGIC >> 16)) + bytes(b ^ key[i] for i, b in enumerate(raw))

def alternate(data):
    off = 20
    while off + 4 <= len(data):
        t, n = struct.unpack("!HH", data[off:off + 4])
        if t == A_ALTERNATE and n >= 8:
            v = data[off + 4:off + 4 + n]
            return "%s:%d" % (socket.inet_ntoa(v[4:8]), struct.unpack("!H", v[2:4])[0])
        off += 4 + n + (4 - n % 4) % 4
    return None

class Session:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("0.0.0.0", 0))
        self.user = self.key = self.realm = self.nonce = None

    def transact(self, mtype, attrs, signed=True):
        for _ in range(2):
            tid = os.urandom(12)
            full = attrs + ([(A_USERNAME, self.user), (A_REALM, self.realm), (A_NONCE, self.nonce)]
                            if signed and self.nonce is not None else [])
            msg = build(mtype, tid, full, self.key if signed and self.nonce is not None else None)
            for _ in range(3):
                self.sock.sendto(msg, server)
                self.sock.settimeout(1.0)
                try:
                    while True:
                        data, _ = self.sock.recvfrom(65535)
                        if data[8:20] == tid:
                            break
                except socket.timeout:
                    continue
                res = parse(data, tid, None)
                if res.get("error") in (401, 438) and "nonce" in res and (self.nonce is None or res.get("error") == 438):
                    self.realm, self.nonce = res.get("realm", self.realm), res["nonce"]
                    break
                res["raw"] = data
                return res
            else:
                return None
        return res

    def login(self, user, password):
        self.user = user.encode()
        self.realm = self.nonce = self.key = None
        first = self.transact(ALLOCATE, [(A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0]))], False)
        if first is not None and first.get("error") not in (401,):
            return first
        if self.realm is None and first is not None:
            self.realm, self.nonce = first.get("realm"), first.get("nonce")
        self.key = hashlib.md5(self.user + b":" + self.realm + b":" + password.encode()).digest()
        return self.transact(ALLOCATE, [(A_REQUESTED_TRANSPORT, bytes([17, 0, 0, 0])),
                                        (A_LIFETIME, struct.pack("!I", 600))])

def answer(res):
    if res is None:
        return "error timeout"
    if "error" in res:
        alt = alternate(res["raw"])
        return "error %d%s" % (res["error"], " alternate " + alt if alt else "")
    return "ok"

for line in sys.stdin:
    w = line.split()
    if not w:
        continue
    if w[0] == "quit":
        break
    if w[0] == "new":
        sessions[w[1]] = Session()
        print("ok", flush=True)
        continue
    s, cmd = sessions[w[0]], w[1]
    if cmd in ("allocate", "rest"):
        password = w[3]
        user = w[2]
        if cmd == "rest":
            user = "%d:%s" % (int(time.time()) + 3600, w[2])
            password = base64.b64encode(hmac.new(w[3].encode(), user.encode(), hashlib.sha1).digest()).decode()
        res = s.login(user, password)
        if res is not None and "relayed" in res:
            print("allocated %s %d" % res["relayed"], flush=True)
        else:
            print(answer(res), flush=True)
    elif cmd in ("refresh", "release"):
        print(answer(s.transact(REFRESH, [(A_LIFETIME, struct.pack("!I", 600 if cmd == "refresh" else 0))])), flush=True)
    elif cmd == "permission":
        print(answer(s.transact(CREATE_PERMISSION, [(A_XOR_PEER, xor_peer(w[2], 0))])), flush=True)
    elif cmd == "send":
        msg = build(SEND_INDICATION, os.urandom(12), [(A_XOR_PEER, xor_peer(w[2], int(w[3]))), (A_DATA, b"dturnctl")])
        s.sock.sendto(msg, server)
        print("sent", flush=True)
EOF

coproc TC { ip netns exec "$CLIENT_NS" timeout 110 python3 -u "$TMP/client.py" "$INTEROP_DIR/lib" "$SERVER_V4" "$STUN_PORT" 2>"$TMP/client.err"; }
CLIENT_PID=$TC_PID
# say LINE: send a command to the client, print its one-line answer.
say() {
	local reply
	echo "$*" >&"${TC[1]}"
	read -r -t 15 reply <&"${TC[0]}" || fail "client gave no answer to '$*': $(tr '\n' ' ' <"$TMP/client.err" | cut -c1-240)"
	echo "$reply"
}
# expect_rc CODE CMD...: run dturnctl, check its exit code, keep stdout/stderr in $OUT/$ERR.
expect_rc() {
	local want=$1 rc=0
	shift
	ctl "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	[ "$rc" -eq "$want" ] || fail "dturnctl $* exited $rc, expected $want (stdout: $(head -c 200 <<<"$OUT" | tr '\n' ' '); stderr: $ERR)"
}
counter() { # NAME: from dturnctl stats --json
	ctl --json stats | python3 -c 'import json, sys
lines = sys.stdin.read().splitlines()
print(json.loads(lines[1])["/dturn/stats"].get(sys.argv[1], 0))' "$1"
}

# ---- unreachable daemon, usage errors: no session needed
rc=0; timeout 20 "$DTURNCTL_BIN" --prefix no-such-dturn stats >"$TMP/out" 2>"$TMP/err" || rc=$?
[ $rc -eq 3 ] || fail "unreachable daemon: exit $rc, expected 3"
grep -q "cannot reach dturn" "$TMP/err" || fail "unreachable daemon: no clear error: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "unreachable daemon: more than one line of error"
expect_rc 2 frobnicate
grep -q "unknown command 'frobnicate'" <<<"$ERR" || fail "unknown command: $ERR"
expect_rc 2 show
expect_rc 2 drain maybe
expect_rc 2 log-level loud
expect_rc 2 list --color
expect_rc 2 delete 1.2.3.4:5 --user alice

# ---- the daemon's own checks, past dturnctl's: raw requests with dpdk-telemetry.py
command -v dpdk-telemetry.py >/dev/null || fail "dpdk-telemetry.py not installed (Debian package dpdk)"
raw() { # REQUEST: the daemon's JSON reply to it, one line
	printf '%s\n' "$1" | timeout 10 dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | grep -F "{\"${1%%,*}\":" | tail -n1
}
for req in /dturn/drain,maybe /dturn/log_level,loud /dturn/user/revoke /dturn/alloc/show \
	"/dturn/alloc/delete," "/dturn/alloc/show,[::1" /dturn/alloc/show,198.19.0.1:0 \
	/dturn/alloc/show,198.19.0.1:65536 /dturn/alloc/list,color=red /dturn/alloc/list,user= \
	/dturn/alloc/list,user=a,user=b "/dturn/alloc/list,client=1.2.3.4:x"; do
	out=$(raw "$req")
	grep -q '"error": *"' <<<"$out" || fail "raw $req: expected an error reply, got: ${out:-nothing}"
done

# ---- log level: read, set, read back
expect_rc 0 log-level
LEVEL0=$(sed -n 's/^log level: //p' <<<"$OUT")
[ -n "$LEVEL0" ] || fail "log-level printed no level: $OUT"
expect_rc 0 log-level debug
expect_rc 0 log-level
[ "$OUT" = "log level: debug" ] || fail "log-level after setting debug: $OUT"
expect_rc 0 log-level "$LEVEL0"

# ---- two sessions of alice and one of a REST user of this case
[ "$(say new a)" = ok ] && [ "$(say new b)" = ok ] && [ "$(say new r)" = ok ] || fail "client sessions"
read -r word rel_ip rel_a < <(say a allocate "$TURN_USER" "$TURN_PASSWORD")
[ "$word" = allocated ] || fail "session a: Allocate: $word $rel_ip"
read -r word _ rel_b < <(say b allocate "$TURN_USER" "$TURN_PASSWORD")
[ "$word" = allocated ] || fail "session b: Allocate: $word"
read -r word _ rel_r < <(say r rest ctlcase "$REST_SECRET")
[ "$word" = allocated ] || fail "session r: REST Allocate: $word"
A=$rel_ip:$rel_a
B=$rel_ip:$rel_b
R=$rel_ip:$rel_r

# ---- list and its filters
expect_rc 0 list
for id in "$A" "$B" "$R"; do grep -q "^$id " <<<"$OUT" || fail "list does not show $id: $OUT"; done
expect_rc 0 list --user "$TURN_USER"
grep -q "^$A .* $TURN_USER " <<<"$OUT" && grep -q "^$B " <<<"$OUT" || fail "list --user $TURN_USER misses alice's: $OUT"
! grep -q "^$R " <<<"$OUT" || fail "list --user $TURN_USER shows ctlcase's $R"
expect_rc 0 list --user ctlcase
grep -q "^$R .*:ctlcase " <<<"$OUT" || fail "list --user ctlcase (a REST user) misses $R: $OUT"
! grep -q "^$A " <<<"$OUT" || fail "list --user ctlcase shows alice's"
expect_rc 0 list --client "$CLIENT_V4"
grep -q "^$A " <<<"$OUT" || fail "list --client $CLIENT_V4 misses $A"
expect_rc 0 list --client 203.0.113.9
grep -q "^0 allocations" <<<"$OUT" || fail "list --client of another address: $OUT"
expect_rc 1 list --client not-an-address
grep -q "bad filter" <<<"$ERR" || fail "bad client filter: $ERR"
expect_rc 0 --json list --user ctlcase
python3 -c 'import json, sys
d = json.loads(sys.argv[1])["/dturn/alloc/list"]
assert d["matched"] == 1 and [a["id"] for a in d.values() if isinstance(a, dict)] == [sys.argv[2]]' "$OUT" "$R" ||
	fail "list --json: $OUT"

# ---- show: a permission appears
[ "$(say a permission "$PEER_V4")" = ok ] || fail "CreatePermission for $PEER_V4"
expect_rc 0 show "$A"
grep -q "^user: *$TURN_USER$" <<<"$OUT" || fail "show $A: user: $OUT"
grep -q "^permissions: *1$" <<<"$OUT" && grep -q "^  $PEER_V4 expires_in=" <<<"$OUT" || fail "show $A: permission: $OUT"
grep -q "^client: *$CLIENT_V4:" <<<"$OUT" || fail "show $A: client: $OUT"
expect_rc 1 show 198.19.0.1:1
grep -q "no allocation with relayed address '198.19.0.1:1'" <<<"$ERR" || fail "show unknown id: $ERR"
expect_rc 1 show garbage
expect_rc 1 delete garbage

# ---- delete: relaying stops at once, the next Refresh gets 437
to_peer0=$(counter relay_to_peer)
say a send "$PEER_V4" "$PEER_PORT" >/dev/null
for _ in $(seq 50); do [ "$(counter relay_to_peer)" -gt "$to_peer0" ] && break; sleep 0.1; done
[ "$(counter relay_to_peer)" -gt "$to_peer0" ] || fail "a Send indication before delete was not relayed"
expect_rc 0 show "$A"
grep -q "^to peers: *8 bytes in 1 datagrams$" <<<"$OUT" || fail "show $A after one 8-byte Send: $OUT"
expect_rc 0 delete "$A"
[ "$OUT" = "deleted $A" ] || fail "delete said: $OUT"
drop0=$(counter drop_relay_no_allocation)
say a send "$PEER_V4" "$PEER_PORT" >/dev/null
for _ in $(seq 50); do [ "$(counter drop_relay_no_allocation)" -gt "$drop0" ] && break; sleep 0.1; done
[ "$(counter drop_relay_no_allocation)" -gt "$drop0" ] || fail "a Send indication after delete was not dropped as drop_relay_no_allocation"
ans=$(say a refresh)
[ "$ans" = "error 437" ] || fail "Refresh after delete: $ans, expected error 437"
expect_rc 1 delete "$A"
expect_rc 0 list
! grep -q "^$A " <<<"$OUT" || fail "list still shows deleted $A"

# ---- drain: new Allocates refused (508: no alternate_server in the demo), existing refresh
expect_rc 0 drain on
grep -q "^draining: on" <<<"$OUT" || fail "drain on said: $OUT"
expect_rc 0 stats
grep -q "^draining: *yes" <<<"$OUT" || fail "stats does not show draining: $(head -n 3 <<<"$OUT" | tr '\n' ' ')"
refused0=$(counter turn_drain_refused)
[ "$(say new c)" = ok ] || fail "session c"
ans=$(say c allocate "$TURN_USER" "$TURN_PASSWORD")
[ "$ans" = "error 508" ] || fail "Allocate while draining: $ans, expected error 508"
[ "$(counter turn_drain_refused)" -gt "$refused0" ] || fail "turn_drain_refused did not count the refusal"
ans=$(say b refresh)
[ "$ans" = ok ] || fail "Refresh of an existing allocation while draining: $ans"
expect_rc 0 drain
grep -q "^draining: on" <<<"$OUT" || fail "drain (query) said: $OUT"
expect_rc 0 drain off
read -r word _ _ < <(say c allocate "$TURN_USER" "$TURN_PASSWORD")
[ "$word" = allocated ] || fail "Allocate after drain off: $word"
say c release >/dev/null

# ---- revoke: the REST user's allocation goes, its next Allocate gets 401 until reload
expect_rc 0 revoke ctlcase
grep -q "^revoked ctlcase: 1 allocation deleted" <<<"$OUT" || fail "revoke said: $OUT"
ans=$(say r refresh)
[ "$ans" = "error 401" ] || [ "$ans" = "error 437" ] || fail "Refresh of a revoked user: $ans"
[ "$(say new r2)" = ok ] || fail "session r2"
ans=$(say r2 rest ctlcase "$REST_SECRET")
[ "$ans" = "error 401" ] || fail "Allocate of a revoked user: $ans, expected error 401"
expect_rc 0 stats
grep -q "^revoked users: ctlcase" <<<"$OUT" || fail "stats does not list the revoked user: $OUT"
expect_rc 0 list --user "$TURN_USER"
grep -q "^$B " <<<"$OUT" || fail "revoking ctlcase touched alice's $B"
expect_rc 0 reload
grep -q "^reloaded " <<<"$OUT" || fail "reload said: $OUT"
read -r word _ _ < <(say r2 rest ctlcase "$REST_SECRET")
[ "$word" = allocated ] || fail "Allocate of ctlcase after reload: $word"
say r2 release >/dev/null
say b release >/dev/null

pass
