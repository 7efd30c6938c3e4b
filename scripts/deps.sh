#!/usr/bin/env bash
# Install every Debian package dturn needs to build, run and test.
# Fast when everything is already installed (checked with dpkg-query).
# Makes sure no coturn daemon is left running on port 3478 afterwards.
#
# Usage: scripts/deps.sh [--check]   (--check: only report what is missing, exit 1 if any)
set -euo pipefail

PACKAGES=(
	build-essential meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev libnuma-dev libssl-dev libcunit1-dev
	clang libclang-rt-14-dev valgrind
	coturn stun-client tshark
	iproute2 ethtool iputils-ping xxd libpcap-dev procps python3
	libmicrohttpd-dev curl
	libjansson-dev
	libsystemd-dev systemd groff-base
	openssl
)

log() { echo "deps: $*"; }

missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

# coturn's package may start a turnserver service on install; dturn needs port 3478.
# Stop it through its service manager or its pidfile, never by process name.
stop_coturn_service() {
	local pf pid
	if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
		if systemctl is-active --quiet coturn 2>/dev/null; then
			systemctl stop coturn && log "stopped coturn service (systemctl)"
		fi
		systemctl disable --quiet coturn 2>/dev/null || true
	fi
	if [ -x /etc/init.d/coturn ] && command -v service >/dev/null; then
		service coturn status >/dev/null 2>&1 && service coturn stop >/dev/null 2>&1 &&
			log "stopped coturn service (service)"
	fi
	for pf in /run/turnserver.pid /var/run/turnserver.pid /run/turnserver/turnserver.pid \
		/var/run/turnserver/turnserver.pid; do
		[ -r "$pf" ] || continue
		pid=$(tr -dc '0-9' <"$pf")
		[ -n "$pid" ] || continue
		if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q turnserver; then
			kill "$pid" 2>/dev/null && log "stopped turnserver pid $pid (from $pf)"
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				[ -d "/proc/$pid" ] || break
				sleep 0.5
			done
			[ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null
		fi
	done
	return 0
}

mapfile -t missing < <(missing_packages)

if [ "${1:-}" = "--check" ]; then
	if [ ${#missing[@]} -eq 0 ]; then log "all ${#PACKAGES[@]} packages installed"; exit 0; fi
	log "missing: ${missing[*]}"
	exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#PACKAGES[@]} packages already installed"
	stop_coturn_service
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "deps: error: need root to install: ${missing[*]}" >&2; exit 1; }

log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections

# Keep services from starting during the install (standard Debian policy-rc.d hook),
# unless the machine already has its own policy.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
cleanup() { if [ "$own_policy" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -q
apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

stop_coturn_service

mapfile -t still < <(missing_packages)
if [ ${#still[@]} -ne 0 ]; then
	echo "deps: error: still missing after install: ${still[*]}" >&2
	exit 1
fi
log "all ${#PACKAGES[@]} packages installed"
