#!/usr/bin/env bash
# Runs every test dturn has: unit suites (release build and ASan/UBSan build),
# the fuzz harnesses for a bounded time each, the interop cases against real
# clients in network namespaces, and those again against the ASan/UBSan
# daemon. Ends with one line: "N passed, N failed".
#
#   scripts/test.sh                 everything
#   FUZZ_SECONDS=60 (default)       how long the fuzzer runs
#   DTURN_SKIP_INTEROP=1            unit + fuzz only (no namespaces)
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PASSED=0
FAILED=0
FAILURES=()

note() { printf '\n=== %s ===\n' "$*"; }
count() { # count <passed> <failed> <label>
	PASSED=$((PASSED + $1))
	FAILED=$((FAILED + $2))
	if [ "$2" -gt 0 ]; then FAILURES+=("$3 ($2 failed)"); fi
}

note "dependencies"
if ! scripts/deps.sh; then
	echo "scripts/deps.sh failed: cannot install what the tests need"
	echo "0 passed, 1 failed"
	exit 1
fi

# Counts CUnit tests from each meson test's output ("tests  T R P F" summary
# row); a meson test without such a row counts as one test.
count_meson_log() { # count_meson_log <builddir> <label>
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
passed = failed = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
    m = re.search(r"^\s+tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", t.get("stdout") or "", re.M)
    if m:
        p, f = int(m.group(3)), int(m.group(4))
        if not ok and f == 0:   # crashed or exited non-zero after the summary
            f = 1
        passed += p; failed += f
    else:
        passed += ok; failed += (not ok)
print(passed, failed)
PY
}

run_meson_suites() { # run_meson_suites <builddir> <label> [meson setup args...]
	local dir=$1 label=$2
	shift 2
	note "$label"
	if [ ! -d "$dir" ]; then
		meson setup "$dir" "$@" || { count 0 1 "$label: meson setup"; return; }
	fi
	if ! ninja -C "$dir"; then
		count 0 1 "$label: build"
		return
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2 "${SUITE_ARGS[@]}"
	read -r p f < <(count_meson_log "$dir" "$label")
	echo "$label: $p passed, $f failed"
	count "$p" "$f" "$label"
}

SUITE_ARGS=()
run_meson_suites build "unit tests (release build)"

# Every suite again under AddressSanitizer and UBSan: our code is instrumented
# (Debian's DPDK libraries are not, so overruns inside rte_malloc memory are
# not seen, but everything our code reads and writes is).
SUITE_ARGS=()
run_meson_suites build-asan "unit tests (ASan+UBSan)" \
	-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

if [ -x tests/fuzz/run.sh ]; then
	note "fuzzing (${FUZZ_SECONDS:-60} s per harness)"
	if FUZZ_SECONDS=${FUZZ_SECONDS:-60} tests/fuzz/run.sh; then count 1 0 fuzz; else count 0 1 fuzz; fi
fi

if [ "${DTURN_SKIP_INTEROP:-0}" != 1 ] && [ -x tests/interop/run-all.sh ]; then
	note "interop in network namespaces"
	out=$(mktemp)
	tests/interop/run-all.sh 2>&1 | tee "$out"
	line=$(grep -E '^interop: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^interop: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		count "$p" "$f" interop
	else
		count 0 1 "interop (no summary line)"
	fi
	rm -f "$out"
fi

# The whole interop suite once more against the daemon built with ASan+UBSan
# (build-asan above): any sanitizer report in its log fails the pass.
if [ "${DTURN_SKIP_INTEROP:-0}" != 1 ] && [ -x tests/interop/run-all.sh ] &&
   [ -x build-asan/app/dturn/dturn ]; then
	note "interop against the ASan+UBSan daemon"
	out=$(mktemp)
	asan_log=/tmp/dturn-asan-interop.log
	# Cases that start their own dturn restart it, and each start empties the log: every
	# run's output is collected in the archive, which is what gets searched.
	asan_all=/tmp/dturn-asan-interop.all.log
	rm -f "$asan_log" "$asan_all"
	DTURN_BIN=$ROOT/build-asan/app/dturn/dturn DTURN_LOG=$asan_log DTURN_LOG_ARCHIVE=$asan_all \
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/interop/run-all.sh 2>&1 | tee "$out"
	[ ! -s "$asan_log" ] || cat "$asan_log" >>"$asan_all"
	line=$(grep -E '^interop: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^interop: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		count "$p" "$f" "interop (ASan+UBSan daemon)"
	else
		count 0 1 "interop (ASan+UBSan daemon, no summary line)"
	fi
	runs=$(grep -c 'serving: ' "$asan_all" 2>/dev/null || true)
	if grep -qE 'AddressSanitizer|runtime error' "$asan_all" 2>/dev/null; then
		grep -E -m 5 'AddressSanitizer|runtime error' "$asan_all"
		count 0 1 "sanitizer reports in the daemon's logs ($asan_all)"
	else
		count 1 0 "sanitizer reports (none in the logs of ${runs:-0} dturn runs)"
	fi
	rm -f "$out"
fi

note "summary"
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
