#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds tests/unit/table with clang -fsanitize=thread against the system
# DPDK and runs it. Only lib/table and the test are instrumented: DPDK's shared
# libraries are not, so lib/table annotates the two happens-before edges that
# pass through them (see TABLE_TSAN in table_private.h) and tsan.supp names the
# by-design seqlock reads and rte_hash's own key copies. Exit status: the test's.
# Usage: tests/unit/table/run-tsan.sh [build-dir]   (default /tmp/dturn-table-tsan)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-/tmp/dturn-table-tsan}
cc=${CC:-clang}
mkdir -p "$out"
# shellcheck disable=SC2046
timeout 300 "$cc" -fsanitize=thread -g -O1 -std=gnu11 -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API \
	-I"$root/lib/table" -I"$root/lib/stun" $(pkg-config --cflags libdpdk) \
	"$root"/lib/table/table.c "$root"/lib/table/table_cache.c "$root"/lib/table/table_read.c \
	"$root"/lib/table/table_write.c "$root"/lib/table/table_pool.c \
	"$here/test_table.c" -o "$out/test_table_tsan" \
	$(pkg-config --libs libdpdk) -lcunit
cd "$out"
TSAN_OPTIONS="suppressions=$here/tsan.supp halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}" \
	timeout 600 "$out/test_table_tsan"
