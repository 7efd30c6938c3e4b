#!/usr/bin/env bash
# Every config key of lib/conf/conf_keys.c is documented in dturn.conf(5), so the
# man page cannot drift from the parser: a key added to a conf_*_keys[] table
# without a ".B key" / ".BR key ..." entry in the page fails this test.
#
#   tests/install/man-keys.sh CONF_KEYS_C DTURN_CONF_5   check the real files
#   tests/install/man-keys.sh --self-test CONF_KEYS_C DTURN_CONF_5
#       also shows the check fails when one key is removed from a copy of the page
set -uo pipefail

self_test=0
if [ "${1:-}" = --self-test ]; then self_test=1; shift; fi
keys_c=${1:?usage: man-keys.sh [--self-test] CONF_KEYS_C DTURN_CONF_5}
page=${2:?usage: man-keys.sh [--self-test] CONF_KEYS_C DTURN_CONF_5}

# Keys: the string of each { "name", conf_... } row inside a conf_<section>_keys[] table.
keys() {
	awk '/^static const struct conf_key_def conf_[a-z]+_keys\[\] = \{/ { on = 1; next }
	     on && /^\};/ { on = 0 }
	     on && match($0, /\{ "[^"]+", conf_/) { s = substr($0, RSTART + 3); sub(/".*/, "", s); print s }' "$1"
}

# Keys the page documents: the first word after .B/.BR/.TP-style macros, with roff's
# "\-" read as "-"; "a, b" lists (".BR allowed_peers \", \" denied_peers") count each.
documented() {
	sed -n 's/\\-/-/g; s/^\.\(B\|BR\|BI\|IB\) \(.*\)$/\2/p' "$1" | tr -d '"' | tr ', ' '\n\n' | grep -E '^[a-z][a-z0-9_-]*$' | sort -u
}

check() { # page -> prints missing keys, exit 1 if any
	local missing
	missing=$(comm -23 <(keys "$keys_c" | sort -u) <(documented "$1"))
	if [ -n "$missing" ]; then
		echo "missing from $(basename "$1"): $(tr '\n' ' ' <<<"$missing")"
		return 1
	fi
	return 0
}

n=$(keys "$keys_c" | sort -u | wc -l)
[ "$n" -ge 20 ] || { echo "man-keys: read only $n keys from $keys_c: has the table format changed?"; exit 1; }
if ! check "$page"; then
	echo "man-keys: FAIL: document every key of $keys_c in $page"
	exit 1
fi
echo "man-keys: all $n keys of $(basename "$keys_c") are in $(basename "$page")"

if [ $self_test -eq 1 ]; then
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	# Drop the entry of one key (mbufs) and expect the check to name it.
	grep -v '^\.BR mbufs ' "$page" >"$tmp"
	out=$(check "$tmp") && { echo "man-keys: FAIL: a page without mbufs passed the check"; exit 1; }
	grep -qw mbufs <<<"$out" || { echo "man-keys: FAIL: the check did not name mbufs: $out"; exit 1; }
	echo "man-keys: a page without mbufs is refused ($out)"
fi
exit 0
