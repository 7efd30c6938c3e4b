#!/usr/bin/env bash
# Run every interop case against a real dturn on the fixed topology (docs/testing.md).
#
#   tests/interop/run-all.sh [--config FILE] [CASE...]
#
# Brings the topology and dturn up with 'scripts/run.sh --serve 600', runs each case
# (tests/interop/*.sh; flood.sh, then udp-csum-errors.sh last of those) under a time bound, then stops
# that dturn and runs the cases that start their own (turn-two-workers.sh, notify.sh), stops dturn
# and removes the topology with 'scripts/run.sh --stop' (also on failure or interrupt),
# and ends with the line "interop: N passed, N failed". Exit 0 only if nothing failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVE_SECONDS=${DTURN_INTEROP_SECONDS:-600}
CASE_SECONDS=120
OWN_CASE_SECONDS=300
FIRST=(ping ping6 stunclient-v4 stunclient-v6 stun-client tshark-binding)
# flood: after the uclient cases (it needs the topology to itself), before the checksum audit.
LAST=(flood udp-csum-errors)
# Cases that start (and stop) their own dturn: run after the shared instance is stopped.
OWN=(turn-two-workers notify reload
	uclient-tcp-channel uclient-tcp-indication uclient-tls-channel uclient-tls-indication
	stream-limits stream-tls-cert stream-tap-name stream-slow-reader)

run_args=()
cases=()
while [ $# -gt 0 ]; do
	case "$1" in
	--config) [ $# -ge 2 ] || { echo "run-all: --config needs a file" >&2; exit 2; }
		run_args+=(--config "$2"); shift 2 ;;
	-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) cases+=("${1%.sh}"); shift ;;
	esac
done

if [ ${#cases[@]} -eq 0 ]; then
	cases=("${FIRST[@]}")
	for f in "$HERE"/*.sh; do
		n=$(basename "$f" .sh)
		case " run-all ${FIRST[*]} ${LAST[*]} ${OWN[*]} " in *" $n "*) continue ;; esac
		cases+=("$n")
	done
	cases+=("${LAST[@]}" "${OWN[@]}")
fi
shared=()
own=()
for n in "${cases[@]}"; do
	[ -x "$HERE/$n.sh" ] || { echo "run-all: no case $HERE/$n.sh" >&2; exit 2; }
	case " ${OWN[*]} " in
	*" $n "*) own+=("$n") ;;
	*) shared+=("$n") ;;
	esac
done

passed=0
failed=0
state=$(mktemp -d /tmp/dturn-interop.XXXXXX)
finish() {
	local rc=$?
	echo "---- stopping dturn and removing the topology"
	"$ROOT/scripts/run.sh" --stop || true
	rm -rf "$state"
	echo "interop: $passed passed, $failed failed"
	if [ "$failed" -ne 0 ] || [ "$rc" -ne 0 ]; then exit 1; fi
	exit 0
}
trap finish EXIT
trap 'echo "run-all: interrupted"; failed=$((failed + 1)); exit 130' INT TERM

run_case() { # name [seconds]
	local n=$1 secs=${2:-$CASE_SECONDS} out rc line
	out=$(timeout "$secs" "$HERE/$n.sh" 2>&1) && rc=0 || rc=$?
	line=$(grep -E "^(PASS|FAIL|SKIP) " <<<"$out" | tail -n1 || true)
	# A case's "note: ..." lines (something worth knowing that did not decide the verdict).
	grep -E "^note: " <<<"$out" | sed "s/^/  $n: /" || true
	if [ $rc -eq 0 ] && [ "${line%% *}" = PASS ]; then
		passed=$((passed + 1))
		echo "$line"
	elif [ $rc -eq 0 ] && [ "${line%% *}" = SKIP ]; then
		# Not counted either way: the case printed why it cannot run here (e.g. pdump.sh
		# when dturn fell back to --no-huge).
		echo "$line"
	else
		failed=$((failed + 1))
		if [ $rc -eq 124 ]; then
			echo "FAIL $n: did not finish within ${secs}s"
		elif [ "${line%% *}" = FAIL ]; then
			echo "$line"
		else
			echo "FAIL $n: exit $rc without a verdict: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
		fi
	fi
}

if [ ${#shared[@]} -gt 0 ]; then
	echo "---- starting dturn for ${SERVE_SECONDS}s on the namespace topology"
	if ! "$ROOT/scripts/run.sh" --serve "$SERVE_SECONDS" ${run_args[@]+"${run_args[@]}"}; then
		echo "FAIL setup: scripts/run.sh --serve did not bring dturn up (cases not run)"
		failed=${#shared[@]}
		shared=()
	else
		# Checksum counters before the cases, so leftovers from earlier runs do not count.
		"$HERE/udp-csum-errors.sh" --baseline "$state/csum-baseline" || true
		export DTURN_INTEROP_BASELINE=$state/csum-baseline

		echo "---- running ${#shared[@]} case(s)"
		for n in "${shared[@]}"; do
			run_case "$n"
		done
	fi
fi

if [ ${#own[@]} -gt 0 ]; then
	echo "---- stopping the shared dturn; ${#own[@]} case(s) that start their own"
	"$ROOT/scripts/run.sh" --stop --keep-netns >/dev/null 2>&1 || true
	# They start and stop a dturn of their own, and may run a session twice.
	for n in "${own[@]}"; do
		run_case "$n" "$OWN_CASE_SECONDS"
	done
fi
