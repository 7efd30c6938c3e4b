#!/usr/bin/env bash
# tshark, capturing on the client's eth0, dissects what dturn sends for Binding requests
# from real clients: no malformed packet, no expert warning or error (IP and UDP checksums
# verified, the veth offloads are off), and FINGERPRINT shown as correct on the responses
# to requests that carried one.
#
# turnutils_stunclient's request has no attributes (no FINGERPRINT) and stun(1) sends
# classic RFC 3489 requests, so lib/stun_binding.py sends RFC 8489 requests with
# FINGERPRINT over IPv4 and IPv6 as well.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"
command -v tshark >/dev/null || fail "tshark not installed"

tmp=$(mktemp -d /tmp/dturn-tshark.XXXXXX)
cap=$tmp/binding.pcapng
tpid=
cleanup() {
	if [ -n "$tpid" ] && [ -d "/proc/$tpid" ]; then kill -TERM "$tpid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# tshark writes as root into a root-owned directory; -a bounds it even if the stop is missed.
# Started without a shell function so that $! is the timeout process ('ip netns exec'
# execs it), which passes SIGTERM on to tshark.
ip netns exec "$CLIENT_NS" timeout 60 tshark -i "$CAPTURE_IF" -f "udp port $STUN_PORT" -a duration:50 \
	-w "$cap" >"$tmp/tshark.out" 2>&1 &
tpid=$!
for _ in $(seq 100); do
	grep -q "Capturing on" "$tmp/tshark.out" 2>/dev/null && break
	[ -d "/proc/$tpid" ] || fail "tshark did not start: $(tr '\n' ' ' <"$tmp/tshark.out")"
	sleep 0.1
done
grep -q "Capturing on" "$tmp/tshark.out" || fail "tshark did not start capturing within 10 s"
sleep 0.3

client_errors=
in_client timeout 5 turnutils_stunclient -p "$STUN_PORT" "$SERVER_V4" >"$tmp/sc4" 2>&1 || true
in_client timeout 5 turnutils_stunclient -p "$STUN_PORT" "$SERVER_V6" >"$tmp/sc6" 2>&1 || true
in_client timeout 5 stun "$SERVER_V4" 1 -v >"$tmp/stun" 2>&1 || true
for srv in "$SERVER_V4" "$SERVER_V6"; do
	if ! out=$(in_client timeout 10 python3 "$INTEROP_DIR/lib/stun_binding.py" -p "$STUN_PORT" \
		--fingerprint --software "dturn-interop" --expect-fingerprint "$srv" 2>&1); then
		client_errors+="[$srv: $(grep error <<<"$out" | tr '\n' ' ')] "
	fi
done
sleep 0.5
kill -TERM "$tpid" 2>/dev/null || true
wait "$tpid" 2>/dev/null || true
tpid=
[ -s "$cap" ] || fail "no capture written: $(tr '\n' ' ' <"$tmp/tshark.out")"

opts=()
if [ "${DTURN_CAPTURE_CHECKSUMS:-1}" = 1 ]; then
	opts=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)
fi
count() { tshark -r "$cap" "${opts[@]}" -Y "$1" 2>/dev/null | wc -l; }
frames() { tshark -r "$cap" "${opts[@]}" -Y "$1" 2>/dev/null | head -n 5 | tr -s ' ' | tr '\n' ';'; }

from_server="(ip.src == $SERVER_V4 || ipv6.src == $SERVER_V6)"
total=$(count "udp")
responses=$(count "$from_server && (stun.type == 0x0101 || classicstun.type == 0x0101)")
[ "$responses" -ge 1 ] || fail "no Binding success response from dturn in the capture ($total UDP frames)"

bad=$(count '_ws.malformed || _ws.expert.severity >= warning')
[ "$bad" -eq 0 ] || fail "$bad frame(s) malformed or with expert warnings/errors: $(frames '_ws.malformed || _ws.expert.severity >= warning')"

badfp=$(count 'stun.att.crc32.bad || stun.att.crc32.status == 0')
[ "$badfp" -eq 0 ] || fail "$badfp frame(s) with a wrong FINGERPRINT: $(frames 'stun.att.crc32.bad || stun.att.crc32.status == 0')"

for fam in "ip.src == $SERVER_V4" "ipv6.src == $SERVER_V6"; do
	good=$(count "$fam && stun.type == 0x0101 && stun.att.crc32.status == 1")
	[ "$good" -ge 1 ] || fail "no Binding response with a FINGERPRINT tshark verifies ($fam)${client_errors:+; client: $client_errors}"
done
[ -z "$client_errors" ] || fail "stun_binding.py: $client_errors"
pass
