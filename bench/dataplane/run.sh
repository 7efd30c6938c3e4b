#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Data-plane throughput: build bench_dataplane (release), run every path on one
# worker lcore, 1 vs 2 workers, 1k/100k/1M allocations, the testpmd io floor on
# net_ring, callgrind instructions per packet and a perf profile of the
# ChannelData path; write the "dataplane" section of docs/benchmarks.md and
# docs/dataplane-scaling.png. Bounded: every step has a timeout (< 10 min in all).
#
#   bench/dataplane/run.sh   (env: BUILD_DIR=build-benchdp, BENCH_SECONDS=3,
#                             CALLGRIND_PACKETS=10000, NO_DOC=1 to skip the doc)
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-benchdp}
seconds=${BENCH_SECONDS:-3}
cgn=${CALLGRIND_PACKETS:-10000}
doc=$root/docs/benchmarks.md
png=$root/docs/dataplane-scaling.png
bin=$build/bench/dataplane/bench_dataplane
out=$build/dataplane-bench
res=$out/results.txt
pfx=bdp-$$

cd "$root" || exit 2
if [ ! -f "$build/build.ninja" ]; then
	timeout 300 meson setup "$build" -Dbuildtype=release >/dev/null || exit 2
fi
timeout 600 ninja -C "$build" bench/dataplane/bench_dataplane >/dev/null || exit 2
rm -rf "$out" && mkdir -p "$out"
: >"$res"
cat /proc/loadavg >"$out/loadavg.before"

cleanup() {
	rm -f /dev/hugepages/"$pfx"-* 2>/dev/null
	[ -n "${hp_old:-}" ] && echo "$hp_old" >/proc/sys/vm/nr_hugepages 2>/dev/null
}
trap cleanup EXIT INT TERM

# ---- hugepages: about 1400 more 2 MB pages for the 1M-allocation table (1216 B an entry plus 512 KB of flow cache per worker, 2026-11-26)
hp_old=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
hp_used=$(awk '/^HugePages_Total:/ {t=$2} /^HugePages_Free:/ {f=$2} END {print t-f}' /proc/meminfo)
scripts/hugepages.sh $((hp_used + 1500)) >"$out/hugepages.log" 2>&1
hp_free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
cat "$out/hugepages.log"
if [ "${hp_free:-0}" -ge 300 ] && grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
	mem_small=""; huge_small="yes"
else
	mem_small="--no-huge -m 1024"; huge_small="no (--no-huge -m 1024)"
fi
if [ "${hp_free:-0}" -ge 1400 ] && [ -z "$mem_small" ]; then
	mem_big=""; huge_big="yes"
else
	mem_big="--no-huge -m 3072"; huge_big="no (--no-huge -m 3072)"
fi
eal="-l 0-1 --no-pci --no-telemetry --log-level=warning"

bench() { # name timeout memory-args bench-args...
	name=$1; t=$2; mem=$3; shift 3
	cmd="$bin $eal $mem --file-prefix=$pfx-$name -- $*"
	echo "== $name: $cmd"
	echo "$name|$cmd" >>"$out/commands.txt"
	timeout "$t" $cmd 2>"$out/$name.err" | tee "$out/$name.txt"
	sed "s/^RESULT /RESULT run=$name /" "$out/$name.txt" >>"$res"
	rm -f /dev/hugepages/"$pfx"-*
}

s=$seconds
bench paths 120 "$mem_small" --allocs 1000 --seconds "$s" --sizes 100,1000 --workers 1 --paths all
# 1 and 2 workers alternating three times (the targets take the median of each).
bench lcores 240 "$mem_small" --allocs 1000 --seconds "$s" --sizes 100,1000 --workers 1,2,1,2,1,2 \
	--paths channeldata-to-peer,pingpong,floor-io
# Table size: one-way traffic drawn uniformly from every live allocation.
bench t100k 120 "$mem_small" --allocs 100000 --seconds "$s" --sizes 100,1000 --workers 1 \
	--paths channeldata-to-peer,peer-to-channeldata
bench t1m 180 "$mem_big" --allocs 1000000 --seconds "$s" --sizes 100,1000 --workers 1 \
	--paths channeldata-to-peer,peer-to-channeldata
# The same table, traffic over 65,536 and over 1,000 of its allocations: size apart from the flow count.
bench t1m64k 180 "$mem_big" --allocs 1000000 --flows 65536 --seconds "$s" --sizes 100 \
	--workers 1 --paths channeldata-to-peer,peer-to-channeldata
bench t1m1k 180 "$mem_big" --allocs 1000000 --flows 1000 --seconds "$s" --sizes 100,1000 \
	--workers 1 --paths channeldata-to-peer
grep -h populate "$out"/t1m.err "$out"/t100k.err

# ---- the testpmd floor: io forwarding between two net_ring vdevs (each loops TX to RX)
tp_mem="--total-num-mbufs=8192"
for len in 146 1046; do
	tpcmd="dpdk-testpmd -l 0-1 --no-pci --no-telemetry $mem_small --file-prefix=$pfx-tp --vdev=net_ring0 --vdev=net_ring1 -- --forward-mode=io --stats-period 1 --tx-first --nb-cores=1 --burst=32 --txpkts=$len $tp_mem"
	echo "== testpmd $len: $tpcmd"
	echo "testpmd-$len|timeout -s INT 9 $tpcmd" >>"$out/commands.txt"
	timeout -s INT 9 $tpcmd </dev/null >"$out/testpmd-$len.log" 2>&1
	rm -f /dev/hugepages/"$pfx"-*
	# per stats period: Rx-pps of port 0 + port 1; skip the first 3 periods, median of the rest
	awk '/Rx-pps:/ { v[++n] = $2 } END { k = 0;
		for (i = 1; i + 1 <= n; i += 2) s[++k] = v[i] + v[i + 1];
		m = 0; for (i = 4; i <= k; i++) t[++m] = s[i];
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
		if (m > 0) printf "TESTPMD size=%d mpps=%.1f periods=%d\n", '"$((len - 46))"', t[int((m + 1) / 2)] / 1e6, m }' \
		"$out/testpmd-$len.log" | tee -a "$res"
done

# ---- callgrind: instructions per packet (one worker, a fixed packet count)
cg=$out/callgrind
mkdir -p "$cg"
cgcmd="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$cg/callgrind.out.%p $bin -l 0 --no-pci --no-telemetry --no-huge -m 1024 --log-level=warning --file-prefix=$pfx-cg -- --allocs 1000 --callgrind $cgn --sizes 100,1000 --paths all"
echo "== callgrind: $cgcmd"
echo "callgrind|$cgcmd" >>"$out/commands.txt"
timeout 300 $cgcmd >"$cg/valgrind.log" 2>&1 || echo "callgrind run failed (see $cg/valgrind.log)"
for f in "$cg"/callgrind.out.*.*; do
	awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); label = $0 }
	     /^totals: / { ir = $2 }
	     END { if (label != "") { split(label, w, " ");
		   printf "CALLGRIND path=%s size=%s kind=%s ir_pkt=%.1f\n", w[1], w[2], w[4], ir / w[3] } }' "$f"
done | tee -a "$res"
cgcd=$(grep -l 'Client Request: channeldata-to-peer 100 .* full' "$cg"/callgrind.out.*.* | head -n 1)
[ -n "$cgcd" ] && callgrind_annotate --inclusive=no "$cgcd" 2>/dev/null |
	awk '/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/' | head -n 15 >"$out/callgrind-cd-top.txt"

# ---- perf (software clock: this VM has no hardware counters) on ChannelData -> peer
perf_ok=0
if timeout 10 perf record -e cpu-clock -o "$out/perf-probe.data" true >/dev/null 2>&1; then
	perf_ok=1
	for a in 1000 1000000; do
		mem=$mem_small; d=2000; [ $a = 1000000 ] && { mem=$mem_big; d=4500; }
		pcmd="perf record -e cpu-clock -F 4999 -D $d -o $out/perf-$a.data -- $bin $eal $mem --file-prefix=$pfx-perf -- --allocs $a --seconds 6 --sizes 100 --workers 1 --paths channeldata-to-peer"
		echo "== perf $a: $pcmd"
		echo "perf-$a|$pcmd" >>"$out/commands.txt"
		timeout 120 $pcmd >"$out/perf-$a.log" 2>&1
		rm -f /dev/hugepages/"$pfx"-*
		perf report -i "$out/perf-$a.data" --stdio --no-children --sort dso,symbol --percent-limit 1.5 \
			2>/dev/null | grep -E '^ +[0-9.]+%' | head -n 15 >"$out/perf-$a-top.txt"
		echo "-- top functions, $a allocations:"; cat "$out/perf-$a-top.txt"
	done
fi
rm -f "$out"/perf-probe.data

cat /proc/loadavg >"$out/loadavg.after"

# ---- the plot
r() { # r FILE PATH SIZE KEY FILTER: the median KEY of FILE's RESULT lines for PATH, SIZE, FILTER
	grep "^RESULT path=$2 size=$3 " "$out/$1.txt" | grep -- "$5" |
		tr ' ' '\n' | sed -n "s/^$4=//p" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
for a in 1000 100000 1000000; do
	f=paths; [ $a = 100000 ] && f=t100k; [ $a = 1000000 ] && f=t1m
	echo "$a $(r $f channeldata-to-peer 100 mpps "workers=1 ") $(r $f channeldata-to-peer 1000 mpps "workers=1 ") $(r $f peer-to-channeldata 100 mpps "workers=1 ")"
done >"$out/tables.dat"
for w in 1 2; do
	echo "$w $(r lcores channeldata-to-peer 100 mpps "workers=$w ") $(r lcores pingpong 100 mpps "workers=$w ") $(r lcores channeldata-to-peer 1000 mpps "workers=$w ")"
done >"$out/lcores.dat"
if command -v gnuplot >/dev/null 2>&1; then
	timeout 60 gnuplot <<EOF 2>"$out/gnuplot.err" && echo "== wrote $png"
set terminal pngcairo size 1100,450 font ",10" noenhanced
set output "$png"
set multiplot layout 1,2 title "dturn data plane on net_ring (in-process generator), $(date -u +%Y-%m-%d)"
set grid
set key top right
set ylabel "Mpps"
set yrange [0:*]
set logscale x
set xlabel "live allocations (1 worker lcore; traffic drawn uniformly from all of them)"
set key bottom left
plot "$out/tables.dat" using 1:2 with linespoints lw 2 title "ChannelData -> peer, 100 B", \
     "" using 1:3 with linespoints lw 2 title "ChannelData -> peer, 1000 B", \
     "" using 1:4 with linespoints lw 2 title "peer -> ChannelData, 100 B"
unset logscale x
set key top left
set xlabel "worker lcores (each with its own ring loop; both cores busy at 2)"
set xrange [0.5:2.5]
set xtics 1
plot "$out/lcores.dat" using 1:2 with linespoints lw 2 title "ChannelData -> peer, 100 B", \
     "" using 1:3 with linespoints lw 2 title "ping-pong, 100 B", \
     "" using 1:4 with linespoints lw 2 title "ChannelData -> peer, 1000 B"
unset multiplot
EOF
fi

[ "${NO_DOC:-0}" = 1 ] && exit 0
/usr/bin/python3 "$root/bench/dataplane/write_doc.py" "$out" "$doc" "$huge_small" "$huge_big" "$perf_ok" "$seconds" "$cgn"
