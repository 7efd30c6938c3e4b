#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Two bench_dataplane binaries side by side, alternating run by run, so that the
# load other work puts on this shared machine falls on both alike: ChannelData ->
# peer, 100 B, 1 s runs, at 1k allocations on 1 worker, 1M on 1 worker and 1k on
# 2 workers. Prints one line per run: binary, allocations/workers, Mpps. Needs
# root for the hugepages of the 1M table (about 1500 more 2 MB pages, given back).
#
#   bench/dataplane/ab.sh OLD_BIN NEW_BIN   (env: ROUNDS=3; FLOWS=N draws the traffic from
#                                            N allocations instead of up to 65,536, e.g.
#                                            FLOWS=1000 to see table size apart from flow count)
#   e.g. copy build-benchdp/bench/dataplane/bench_dataplane aside, rebuild, compare.
set -u
[ $# -eq 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN" >&2; exit 2; }
rounds=${ROUNDS:-3}
flows=${FLOWS:+--flows $FLOWS}
pfx=bdpab-$$
old=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
used=$(awk '/^HugePages_Total:/ {t=$2} /^HugePages_Free:/ {f=$2} END {print t-f}' /proc/meminfo)
cleanup() {
	rm -f /dev/hugepages/"$pfx"-* 2>/dev/null
	echo "$old" >/proc/sys/vm/nr_hugepages 2>/dev/null
}
trap cleanup EXIT INT TERM
echo $((used + 1500)) >/proc/sys/vm/nr_hugepages 2>/dev/null

one() { # BIN ALLOCS WORKERS
	# shellcheck disable=SC2086 # flows is empty or two words on purpose
	timeout 170 "$1" -l 0-1 --no-pci --no-telemetry --log-level=warning --file-prefix="$pfx" \
		-- --allocs "$2" $flows --seconds 1 --sizes 100 --workers "$3" --paths channeldata-to-peer \
		2>/dev/null | grep -o 'mpps=[0-9.]*' | head -n 1 | cut -d= -f2
	rm -f /dev/hugepages/"$pfx"-*
}

for _ in $(seq "$rounds"); do
	for cfg in "1000 1" "1000000 1" "1000 2"; do
		for b in "$1" "$2"; do
			# shellcheck disable=SC2086 # cfg is two words on purpose
			echo "$b $(echo $cfg | tr ' ' /) $(one "$b" $cfg)"
		done
	done
done
