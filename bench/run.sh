#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 6's benchmarks in one run, side by side: the data plane on net_ring with the
# testpmd floor (bench/dataplane/run.sh), authenticated Allocate (bench/allocate/run.sh),
# the same uclient load through dturn and coturn (bench/e2e/run.sh), then the targets
# as ratios of figures from this run (bench/targets.py). Each step writes its section of
# docs/benchmarks.md; the targets section goes right after the title.
#
#   bench/run.sh            (root; about 25 minutes; every step has its own time bound)
#
# Environment: passed on to the steps (BENCH_SECONDS, RUNS, E2E_LOADS, ...). A failed
# step is reported and the others still run; its figures show as "not measured".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
LOG=${BENCH_LOG:-/tmp/dturn-bench-run}
mkdir -p "$LOG"
T0=$SECONDS
start=$(date -u '+%Y-%m-%d %H:%M UTC')
failed=()

step() { # name time-bound command...
	local name=$1 bound=$2 rc
	shift 2
	echo "== bench/run.sh: $name ($*)"
	timeout "$bound" "$@" 2>&1 | tee "$LOG/$name.log"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || { echo "== bench/run.sh: $name exited $rc"; failed+=("$name"); }
}

dp=${BUILD_DIR_DP:-$ROOT/build-benchdp}/dataplane-bench/results.txt
al=${BUILD_DIR_ALLOC:-$ROOT/build-bench}/allocate-throughput.txt
e2e=${E2E_OUT:-/tmp/dturn-bench-e2e}/results
# Nothing from an earlier run may stand in for a step that fails before writing.
rm -f "$dp" "$al" "$e2e"
BUILD_DIR=${BUILD_DIR_DP:-$ROOT/build-benchdp} step dataplane 900 bench/dataplane/run.sh
BUILD_DIR=${BUILD_DIR_ALLOC:-$ROOT/build-bench} step allocate 900 bench/allocate/run.sh
step e2e 900 bench/e2e/run.sh

info="One run of \`bench/run.sh\`: started $start, $((SECONDS - T0)) s, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- . ':!docs' 2>/dev/null || echo ' (with uncommitted changes)'); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)${failed[*]:+; steps that failed: ${failed[*]}}."
python3 bench/targets.py "$dp" "$al" "$e2e" docs/benchmarks.md "$info" || failed+=(targets)
echo "== bench/run.sh: done in $((SECONDS - T0)) s${failed[*]:+; failed: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
