#!/usr/bin/env bash
# Reserve 2 MB hugepages at run time and mount hugetlbfs on /dev/hugepages.
# Always exits 0: dturn falls back to --no-huge (config 'memory = auto') when this fails.
#
# Usage: scripts/hugepages.sh [PAGES]   (default 512 pages = 1 GiB; env DTURN_HUGEPAGES too)
set -euo pipefail

want=${1:-${DTURN_HUGEPAGES:-512}}
mnt=/dev/hugepages
knob=/proc/sys/vm/nr_hugepages

log() { echo "hugepages: $*"; }

if ! [[ "$want" =~ ^[0-9]+$ ]]; then
	log "invalid page count '$want'; nothing done (dturn will run with --no-huge)"
	exit 0
fi

have=$(cat "$knob" 2>/dev/null || echo 0)
if [ "$have" -lt "$want" ]; then
	if echo "$want" >"$knob" 2>/dev/null; then :; else
		log "could not write $knob (not root or not permitted)"
	fi
	have=$(cat "$knob" 2>/dev/null || echo 0)
fi

mounted=0
if grep -qs " $mnt hugetlbfs " /proc/mounts; then
	mounted=1
else
	mkdir -p "$mnt" 2>/dev/null || true
	if mount -t hugetlbfs nodev "$mnt" 2>/dev/null; then mounted=1; else
		log "could not mount hugetlbfs on $mnt"
	fi
fi

free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
if [ "$have" -gt 0 ] && [ "$mounted" -eq 1 ]; then
	log "OK: $have x 2 MB pages reserved ($free free), hugetlbfs on $mnt"
	[ "$have" -ge "$want" ] || log "note: asked for $want, the kernel gave $have"
else
	log "NOT available (reserved=$have, mounted=$mounted): dturn will fall back to --no-huge"
fi
exit 0
