#!/usr/bin/env bash
# Build, remove or show the fixed dturn test topology (see docs/testing.md).
#
#   dturn-client: eth0 198.18.0.2/24 2001:db8:18::2/64, default via 198.18.0.1 / 2001:db8:18::1
#                 veth peer in the root namespace: dt-cli (up, no address)
#   dturn-peer:   eth0 198.19.0.2/24 2001:db8:19::2/64, default via 198.19.0.1 / 2001:db8:19::1
#                 veth peer in the root namespace: dt-peer (up, no address)
#
# dturn owns dt-cli and dt-peer through net_af_packet and answers as 198.18.0.1,
# 2001:db8:18::1 (client side) and 198.19.0.1, 2001:db8:19::1 (peer side).
#
# Usage: scripts/netns.sh up|down|status
set -euo pipefail

# name  root-end  v4-addr/len  v4-gw  v6-addr/len  v6-gw
SIDES=(
	"dturn-client dt-cli 198.18.0.2/24 198.18.0.1 2001:db8:18::2/64 2001:db8:18::1"
	"dturn-peer dt-peer 198.19.0.2/24 198.19.0.1 2001:db8:19::2/64 2001:db8:19::1"
)

log() { echo "netns: $*"; }
die() { echo "netns: error: $*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (creates network namespaces)"
	command -v ip >/dev/null || die "'ip' not found (apt-get install iproute2)"
}

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
link_exists() { ip link show dev "$1" >/dev/null 2>&1; }

offloads_off() { # [netns] ifname
	local pfx=()
	if [ $# -eq 2 ]; then pfx=(ip netns exec "$1"); shift; fi
	if command -v ethtool >/dev/null; then
		"${pfx[@]}" ethtool -K "$1" rx off tx off >/dev/null 2>&1 ||
			log "warning: could not turn checksum offloads off on $1"
	else
		log "warning: ethtool missing; checksum offloads left on for $1"
	fi
}

side_up() {
	local ns=$1 rootif=$2 v4=$3 gw4=$4 v6=$5 gw6=$6
	ns_exists "$ns" || ip netns add "$ns"
	ip -n "$ns" link set lo up

	# A stale root end without its namespace end (or the reverse) is rebuilt.
	if link_exists "$rootif" && ! ip -n "$ns" link show dev eth0 >/dev/null 2>&1; then
		ip link del "$rootif"
	fi
	if ! link_exists "$rootif"; then
		ip -n "$ns" link del eth0 >/dev/null 2>&1 || true
		ip link add "$rootif" type veth peer name eth0 netns "$ns"
	fi

	# Namespace end: no DAD so addresses are usable at once.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0 \
		net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$ns" addr replace "$v4" dev eth0
	ip -n "$ns" -6 addr replace "$v6" dev eth0 nodad
	offloads_off "$ns" eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route replace default via "$gw4" dev eth0
	ip -n "$ns" -6 route replace default via "$gw6" dev eth0

	# Root end: up, no address, silent. The root kernel must not answer ARP,
	# send NDP/RS or forward what arrives for dturn's MAC (it shares the MAC).
	sysctl -qw "net.ipv6.conf.$rootif.disable_ipv6=1"
	sysctl -qw "net.ipv4.conf.$rootif.forwarding=0"
	ip addr flush dev "$rootif"
	ip link set "$rootif" arp off
	offloads_off "$rootif"
	ip link set "$rootif" up
	log "$ns up: eth0 $v4 $v6 (via $gw4 / $gw6), root end $rootif"
}

side_down() {
	local ns=$1 rootif=$2
	if link_exists "$rootif"; then ip link del "$rootif" && log "removed $rootif"; fi
	if ns_exists "$ns"; then ip netns del "$ns" && log "removed namespace $ns"; fi
	return 0
}

side_status() {
	local ns=$1 rootif=$2 ok=0
	if ns_exists "$ns"; then
		echo "== namespace $ns"
		ip -n "$ns" -br addr show dev eth0 2>/dev/null || { echo "   (no eth0)"; ok=1; }
		ip -n "$ns" route show default 2>/dev/null | sed 's/^/   v4 /'
		ip -n "$ns" -6 route show default 2>/dev/null | sed 's/^/   v6 /'
	else
		echo "== namespace $ns: missing"; ok=1
	fi
	if link_exists "$rootif"; then
		echo "== root end: $(ip -br link show dev "$rootif")"
	else
		echo "== root end $rootif: missing"; ok=1
	fi
	return $ok
}

cmd=${1:-}
case "$cmd" in
up)
	need_root
	for s in "${SIDES[@]}"; do
		# shellcheck disable=SC2086
		side_up $s
	done
	log "topology up"
	;;
down)
	need_root
	for s in "${SIDES[@]}"; do
		# shellcheck disable=SC2086
		side_down $s
	done
	log "topology down"
	;;
status)
	rc=0
	for s in "${SIDES[@]}"; do
		# shellcheck disable=SC2086
		side_status $s || rc=1
	done
	if [ $rc -eq 0 ]; then log "topology complete"; else log "topology incomplete"; fi
	exit $rc
	;;
*)
	echo "usage: $0 up|down|status" >&2
	exit 2
	;;
esac
