#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Build the lib/stun libFuzzer harnesses with clang and run them.
#
#   tests/fuzz/run.sh [stun_decode|stun_integrity|all]     (default: all)
#   FUZZ_SECONDS=600 tests/fuzz/run.sh stun_decode
#
# The main build uses gcc, so the harness and the lib/stun sources are
# compiled here directly with clang (-fsanitize=fuzzer,address,undefined)
# into build-fuzz/. Seeds come from tests/fuzz/corpus/ (the STUN test vectors,
# uclient messages and ChannelData; regenerated from tests/vectors/
# stun-vectors.hex if missing); what the fuzzer finds goes to
# build-fuzz/corpus/<harness>/, crashes to build-fuzz/artifacts/.
# Exit status: 0 no crash, 1 a crash or a failed property, 2 build failure.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz
seeds=$root/tests/fuzz/corpus
secs=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
which=${1:-all}

mkdir -p "$out/artifacts" || exit 2

# Binary seeds from the hex vectors, and a few ChannelData messages.
make_seeds() {
	mkdir -p "$seeds" || exit 2
	while read -r name hex; do
		[ -n "$name" ] || continue
		[ -f "$seeds/$name.bin" ] || printf '%s' "$hex" | xxd -r -p >"$seeds/$name.bin"
	done <"$root/tests/vectors/stun-vectors.hex"
	for cd in 40000000 4001000401020304 4fff0003aabbcc00 \
		44dd0010000102030405060708090a0b0c0d0e0f; do
		f=$seeds/channeldata-$(printf '%s' "$cd" | cut -c1-8).bin
		[ -f "$f" ] || printf '%s' "$cd" | xxd -r -p >"$f"
	done
}

build() {
	name=$1
	echo "fuzz: building $out/fuzz_$name"
	"$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-std=gnu11 -D_GNU_SOURCE -I"$root/lib/stun" -I"$root/tests/fuzz" \
		"$root/tests/fuzz/fuzz_$name.c" \
		"$root/lib/stun/stun_decode.c" "$root/lib/stun/stun_attr.c" \
		"$root/lib/stun/stun_channel.c" "$root/lib/stun/stun_integrity.c" \
		"$root/lib/stun/stun_encode.c" "$root/lib/stun/stun_names.c" \
		-lcrypto -lz -o "$out/fuzz_$name" || exit 2
}

# Run one harness; prints the figures and returns non-zero on a crash.
run() {
	name=$1
	log=$out/fuzz_$name.log
	mkdir -p "$out/corpus/$name"
	echo "fuzz: running fuzz_$name for $secs s (log: $log)"
	"$out/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-artifact_prefix="$out/artifacts/${name}-" \
		"$out/corpus/$name" "$seeds" >"$log" 2>&1
	rc=$?
	grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^SUMMARY|^==[0-9]+==ERROR|property failed|runtime error' \
		"$log"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $name: ${execs:-0} execs, 0 crashes"
	else
		echo "fuzz $name: ${execs:-0} execs, 1 crash (exit $rc; see $log and $out/artifacts/)"
	fi
	return "$rc"
}

make_seeds
status=0
case $which in
stun_decode | stun_integrity) build "$which"; run "$which" || status=1 ;;
all)
	build stun_decode
	build stun_integrity
	run stun_decode || status=1
	run stun_integrity || status=1
	;;
*) echo "usage: $0 [stun_decode|stun_integrity|all]" >&2; exit 2 ;;
esac
exit "$status"
