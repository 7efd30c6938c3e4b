#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# STUN decode cost: build bench_stun_decode (release), measure decodes per
# second, count instructions per decode with callgrind, and write the
# "STUN decode" section of docs/benchmarks.md.
#
#   bench/stun/run.sh                  (env: BUILD_DIR=build-bench, BENCH_SECONDS=1,
#                                       CALLGRIND_ITERATIONS=1000, NO_DOC=1 to skip the doc)
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
seconds=${BENCH_SECONDS:-1}
iterations=${CALLGRIND_ITERATIONS:-1000}
vectors=$root/tests/vectors/stun-vectors.hex
doc=$root/docs/benchmarks.md
bin=$build/bench/stun/bench_stun_decode
cgdir=$build/callgrind-stun
tp=$build/stun-throughput.txt
ir=$build/stun-instructions.txt

cd "$root" || exit 2
if [ ! -f "$build/build.ninja" ]; then
	timeout 300 meson setup "$build" --buildtype=release >/dev/null || exit 2
fi
timeout 600 ninja -C "$build" bench/stun/bench_stun_decode >/dev/null || exit 2

echo "== throughput ($seconds s a case; timings are noisy on a shared machine)"
timeout 600 "$bin" "$vectors" --seconds "$seconds" | tee "$tp" || exit 1

echo "== callgrind: instructions per operation ($iterations iterations a case)"
rm -rf "$cgdir" && mkdir -p "$cgdir"
timeout 900 valgrind --tool=callgrind --instr-atstart=no \
	--callgrind-out-file="$cgdir/callgrind.out.%p" \
	"$bin" "$vectors" --callgrind "$iterations" >"$cgdir/valgrind.log" 2>&1 ||
	{ cat "$cgdir/valgrind.log"; exit 1; }
# One dump per case: "desc: Trigger: Client Request: <vector> <mode> <n>" and "totals: <Ir>".
for f in "$cgdir"/callgrind.out.*.*; do
	awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, "");
						   label = $0 }
	     /^totals: / { ir = $2 }
	     END { if (label != "") { n = split(label, w, " ");
		   printf "%s %s %.1f\n", w[1], w[2], ir / w[3] } }' "$f"
done | sort >"$ir"
cat "$ir"

[ "${NO_DOC:-0}" = 1 ] && exit 0

# ---- the docs/benchmarks.md section ----
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ncpu=$(nproc)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
vg=$(valgrind --version)
cc=$(sed -n 's/^ *"command": "\([^ ]*\) .*/\1/p' "$build/compile_commands.json" | head -n 1)
ccv=$("${cc:-cc}" --version | head -n 1)

rate() { # operations per second, human-sized
	awk -v x="$1" 'BEGIN { if (x == "-") print "-";
		else if (x >= 1e6) printf "%.1f M\n", x / 1e6; else printf "%.0f k\n", x / 1e3 }'
}
instr() { # instructions for vector $1, mode $2
	awk -v v="$1" -v m="$2" '$1 == v && $2 == m { printf "%.0f", $3; found = 1 }
		END { if (!found) printf "-" }' "$ir"
}

section=$(mktemp)
{
	echo "<!-- BEGIN stun-decode: written by bench/stun/run.sh -->"
	echo "## STUN decode"
	echo
	echo "What \`stun_decode()\` (and \`stun_channel_decode()\`) costs per message, alone and"
	echo "followed by the FINGERPRINT check or the MESSAGE-INTEGRITY(-SHA256) check, for"
	echo "each vector of \`tests/vectors/stun-vectors.hex\` and a 100-byte ChannelData message."
	echo
	echo "| vector | bytes | instructions per decode | decodes/s | decode+fingerprint/s | decode+integrity/s |"
	echo "|---|---:|---:|---:|---:|---:|"
	grep -v '^#' "$tp" | while read -r name bytes d f i; do
		echo "| $name | $bytes | $(instr "$name" decode) | $(rate "$d") | $(rate "$f") | $(rate "$i") |"
	done
	echo
	echo "Instructions per operation including the checks (callgrind, same runs):"
	echo
	echo "| vector | decode | decode+fingerprint | decode+integrity |"
	echo "|---|---:|---:|---:|"
	grep -v '^#' "$tp" | while read -r name rest; do
		echo "| $name | $(instr "$name" decode) | $(instr "$name" decode+fingerprint) | $(instr "$name" decode+integrity) |"
	done
	echo
	echo "- Machine: \`nproc\` = $ncpu, CPU \"$cpu\"; $ccv, buildtype=release."
	echo "- Date: $when. Valgrind: $vg."
	echo "- Reproduce: \`bench/stun/run.sh\` (BENCH_SECONDS=$seconds, CALLGRIND_ITERATIONS=$iterations)."
	echo "- Timings come from a shared, noisy machine (other builds and tests run beside it)"
	echo "  and move by tens of percent between runs; the instruction counts are the"
	echo "  repeatable figure. Each count is the callgrind total between"
	echo "  CALLGRIND_START/STOP_INSTRUMENTATION around $iterations iterations, divided by"
	echo "  $iterations; it includes the loop (about 5 instructions) and, for the checks, the"
	echo "  OpenSSL and zlib calls. The same buffer is decoded every iteration, so caches and"
	echo "  branch predictors are warm: a first-touch packet costs more."
	echo "- Where a case's instructions go: \`callgrind_annotate --inclusive=yes\`"
	echo "  on its dump in \`build-bench/callgrind-stun/\` (one file per case, named in its"
	echo "  \`desc:\` line)."
	echo "<!-- END stun-decode -->"
} >"$section"

mkdir -p "$(dirname "$doc")"
if [ -f "$doc" ] && grep -q '^<!-- BEGIN stun-decode' "$doc"; then
	awk -v sec="$section" '
		/^<!-- BEGIN stun-decode/ { while ((getline l < sec) > 0) print l; skip = 1; next }
		/^<!-- END stun-decode/ { skip = 0; next }
		!skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
else
	{
		[ -f "$doc" ] && { cat "$doc"; echo; } || { echo "# Benchmarks"; echo; }
		cat "$section"
	} >"$doc.tmp" && mv "$doc.tmp" "$doc"
fi
rm -f "$section"
echo "== wrote the STUN decode section of $doc"
