#!/usr/bin/env bash
# Every man page in man/ formats without a warning: groff -man -ww -z (and
# mandoc -T lint when installed) must print nothing.
#   tests/install/man-lint.sh MANDIR
set -uo pipefail
dir=${1:?usage: man-lint.sh MANDIR}
command -v groff >/dev/null || { echo "man-lint: groff not installed (scripts/deps.sh)"; exit 1; }
pages=("$dir"/*.[1-9])
[ -e "${pages[0]}" ] || { echo "man-lint: no man page in $dir"; exit 1; }
bad=0
for p in "${pages[@]}"; do
	out=$(groff -man -ww -z "$p" 2>&1)
	if [ -n "$out" ]; then echo "man-lint: groff on $p:"; echo "$out"; bad=1; fi
	if command -v mandoc >/dev/null; then
		out=$(mandoc -T lint -W warning "$p" 2>&1)
		if [ -n "$out" ]; then echo "man-lint: mandoc on $p:"; echo "$out"; bad=1; fi
	fi
done
[ $bad -eq 0 ] && echo "man-lint: ${#pages[@]} pages clean"
exit $bad
