#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer harnesses with clang and run them.
#
#   tests/fuzz/run.sh [HARNESS...|all]     (default: all)
#   FUZZ_SECONDS=600 tests/fuzz/run.sh stun_decode frame
#   FUZZ_NO_BUILD=1 ...     run the executables already in build-fuzz/
#
# Harnesses (tests/fuzz/fuzz_<name>.c; docs/fuzzing.md says what each checks):
#   stun_decode stun_integrity   lib/stun alone
#   channel                      stun_channel_decode_max + turn_handle_channel_data
#                                over a real table (EAL, --no-huge)
#   frame                        net_input on a fake port, then the STUN/ChannelData/
#                                peer-data handlers and net_udp_reply (EAL, --no-huge)
#   conf                         conf_load on the input as a config file
#   stream_frame                 lib/stream: RFC 8656 §12.5 framing of a TCP/TLS byte
#                                stream read whole and in pieces, and the output buffer
#
# The main build uses gcc, so each harness is compiled here directly with clang
# (-fsanitize=fuzzer,address,undefined) together with the lib/ sources it
# exercises (so the fuzzer sees their coverage), against the system DPDK
# (pkg-config libdpdk) where needed, into build-fuzz/. Nothing else has to be
# built first: it works from a clean clone. Seeds come from
# tests/fuzz/corpus/ (stun_* harnesses: the top level; the others:
# corpus/<name>/, made by tests/fuzz/make_seeds.py if missing); what the fuzzer
# finds goes to build-fuzz/corpus/<name>/, crashes to build-fuzz/artifacts/.
# Each run ends with "fuzz <name>: N execs, 0 crashes".
# Exit status: 0 no crash, 1 a crash or a failed property, 2 build failure.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz
seeds=$root/tests/fuzz/corpus
secs=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
ALL="stun_decode stun_integrity channel frame conf stream_frame"

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
	for h in channel frame conf; do
		if ! ls "$seeds/$h"/* >/dev/null 2>&1; then
			python3 "$root/tests/fuzz/make_seeds.py" "$seeds" || exit 2
			break
		fi
	done
}

srcs() { # lib/<dir> ... -> its .c files
	for d in "$@"; do
		ls "$root/lib/$d"/*.c
	done
}

build() {
	[ -z "${FUZZ_NO_BUILD:-}" ] || return 0
	name=$1
	flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE"
	echo "fuzz: building $out/fuzz_$name"
	case $name in
	stun_decode | stun_integrity)
		# shellcheck disable=SC2086
		"$cc" $flags -I"$root/lib/stun" -I"$root/tests/fuzz" \
			"$root/tests/fuzz/fuzz_$name.c" $(srcs stun) \
			-lcrypto -lz -o "$out/fuzz_$name" || exit 2
		;;
	channel | frame)
		inc=""
		for d in stun auth table turn metrics net; do inc="$inc -I$root/lib/$d"; done
		# shellcheck disable=SC2086
		"$cc" $flags -DALLOW_EXPERIMENTAL_API -Wno-unused-parameter $inc -I"$root/tests/fuzz" \
			$(pkg-config --cflags libdpdk) \
			"$root/tests/fuzz/fuzz_$name.c" $(srcs stun auth table turn metrics net) \
			$(pkg-config --libs libdpdk) -lcrypto -lz -o "$out/fuzz_$name" || exit 2
		;;
	stream_frame)
		# shellcheck disable=SC2086
		"$cc" $flags -I"$root/lib/stream" "$root/tests/fuzz/fuzz_$name.c" $(srcs stream) \
			-o "$out/fuzz_$name" || exit 2
		;;
	conf)
		# shellcheck disable=SC2086
		"$cc" $flags -I"$root/lib/conf" $(pkg-config --cflags libdpdk) \
			"$root/tests/fuzz/fuzz_$name.c" $(srcs conf) \
			$(pkg-config --libs libdpdk) -o "$out/fuzz_$name" || exit 2
		;;
	esac
}

# Run one harness; prints the figures and returns non-zero on a crash.
run() {
	name=$1
	log=$out/fuzz_$name.log
	mkdir -p "$out/corpus/$name"
	case $name in
	stun_*) s=$seeds; extra="" ;;
	stream_frame) s=$seeds; extra="-max_len=8192" ;;
	*) s=$seeds/$name; extra="-max_len=2048" ;;
	esac
	echo "fuzz: running fuzz_$name for $secs s (log: $log)"
	# shellcheck disable=SC2086
	"$out/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -timeout=10 $extra \
		-artifact_prefix="$out/artifacts/${name}-" \
		"$out/corpus/$name" "$s" >"$log" 2>&1
	rc=$?
	# EAL runtime dirs of finished harness processes (--file-prefix=dturn-fuzz-<pid>).
	for d in /var/run/dpdk/dturn-fuzz-*; do
		[ -d "$d" ] && [ ! -d "/proc/${d##*-}" ] && rm -rf "$d"
	done
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

which=$*
[ -n "$which" ] && [ "$which" != all ] || which=$ALL
for n in $which; do
	case " $ALL " in
	*" $n "*) ;;
	*) echo "usage: $0 [all | $ALL]" >&2; exit 2 ;;
	esac
done
make_seeds
for n in $which; do build "$n"; done
status=0
for n in $which; do run "$n" || status=1; done
exit "$status"
