#!/usr/bin/env bash
# The namespace kernels found no bad checksum in anything dturn sent them:
# UdpInCsumErrors (/proc/net/snmp), Udp6InCsumErrors (/proc/net/snmp6) and, for the echo
# replies, IcmpInCsumErrors and Icmp6InCsumErrors stay 0 in dturn-client and dturn-peer.
# Run it after the other cases. If DTURN_INTEROP_BASELINE names a file written by
# '$0 --baseline FILE' before the run, counts are taken relative to it.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

counters() { # ns -> "name value" lines
	ip netns exec "$1" awk '
		FNR == 1 { hdr = "" }
		/^(Udp|Icmp):/ { if (hdr == "") { hdr = $0; next }
			split(hdr, h); for (i = 2; i <= NF; i++) if (h[i] == "InCsumErrors") print substr($1, 1, length($1) - 1) "InCsumErrors", $i
			hdr = ""; next }
		/^(Udp6|Icmp6)InCsumErrors/ { print $1, $2 }
	' /proc/net/snmp /proc/net/snmp6
}

if [ "${1:-}" = "--baseline" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 --baseline FILE" >&2; exit 2; }
	for ns in "$CLIENT_NS" "$PEER_NS"; do
		counters "$ns" | sed "s/^/$ns /"
	done >"$2"
	exit 0
fi

require_ns "$CLIENT_NS" "$PEER_NS"
base=${DTURN_INTEROP_BASELINE:-}
problems=
seen=0
for ns in "$CLIENT_NS" "$PEER_NS"; do
	while read -r name value; do
		seen=$((seen + 1))
		before=0
		if [ -n "$base" ] && [ -r "$base" ]; then
			before=$(awk -v n="$ns" -v c="$name" '$1 == n && $2 == c { print $3 }' "$base")
			before=${before:-0}
		fi
		if [ $((value - before)) -ne 0 ]; then
			problems+="$ns $name=$((value - before)) "
		fi
	done < <(counters "$ns")
done
[ "$seen" -ge 8 ] || fail "could not read the checksum counters ($seen of 8 found)"
[ -z "$problems" ] || fail "checksum errors counted: $problems"
pass
