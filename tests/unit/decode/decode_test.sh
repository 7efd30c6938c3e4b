#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Black-box tests of dturn-decode: run it on one case, check the exit status
# and that given lines appear whole in its output.
# Usage: decode_test.sh TOOL VECTORS_FILE CASE
set -u

tool=$1
vectors=$2
case_name=$3
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

fail() {
	echo "FAIL [$case_name]: $*"
	echo "---- output ----"
	cat "$out"
	exit 1
}

vector() {
	line=$(grep "^$1 " "$vectors") || fail "no vector $1 in $vectors"
	echo "${line#* }"
}

# run EXPECTED_STATUS ARGS... (stdin as given to this function)
run() {
	want=$1
	shift
	"$tool" "$@" >"$out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "exit status $got, wanted $want (args: $*)"
}

has() {
	grep -qxF -- "$1" "$out" || fail "missing line: $1"
}

# A codec error line: "<who>: error: <stun_result_str> (<NAME>)". The text
# belongs to lib/stun and may be reworded; the NAME is checked exactly.
has_error() {
	who=$(printf '%s' "$1" | sed 's/[].[\\*^$]/\\&/g')
	grep -qE "^$who: error: .+ \($2\)\$" "$out" || fail "missing line: $1: error: ... ($2)"
}

lacks() {
	if grep -qF -- "$1" "$out"; then fail "unexpected text: $1"; fi
}

short_key='VOkJxbRl1RmTxUk/WvJxBt'
# U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 in UTF-8
lt_user=$(printf '\343\203\236\343\203\210\343\203\252\343\203\203\343\202\257\343\202\271')

case $case_name in
vector-2.1)
	grep '^rfc5769-2.1-request ' "$vectors" | run 0 --key "$short_key"
	has 'rfc5769-2.1-request: STUN Binding request, type 0x0001, length 88, transaction id b7e7a701bc34d686fa87dfae'
	has '  SOFTWARE, length 16: "STUN test client"'
	has '  PRIORITY, length 4: 1845494271'
	has '  USERNAME, length 9: "evtj:h6vY"'
	has '  MESSAGE-INTEGRITY, length 20: 9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2 verified (short-term key)'
	has '  FINGERPRINT, length 4: e57a3bcf (verified)'
	has 'rfc5769-2.1-request: ok'
	;;
vector-2.2)
	run 0 --key "$short_key" "$(vector rfc5769-2.2-ipv4-response)"
	has 'arg 1: STUN Binding success response, type 0x0101, length 60, transaction id b7e7a701bc34d686fa87dfae'
	has '  XOR-MAPPED-ADDRESS, length 8: 192.0.2.1:32853'
	has '  FINGERPRINT, length 4: c07d4c96 (verified)'
	has '  MESSAGE-INTEGRITY, length 20: 2b91f599fd9e90c38c7489f92af9ba53f06be7d7 verified (short-term key)'
	has 'arg 1: ok'
	;;
vector-2.3)
	run 0 --key "$short_key" "$(vector rfc5769-2.3-ipv6-response)"
	has '  XOR-MAPPED-ADDRESS, length 20: [2001:db8:1234:5678:11:2233:4455:6677]:32853'
	has '  FINGERPRINT, length 4: c8fb0b4c (verified)'
	has 'arg 1: ok'
	;;
vector-2.4)
	grep '^rfc5769-2.4-long-term-request ' "$vectors" |
		run 0 --user "$lt_user" --realm example.org --password TheMatrIX
	has "  USERNAME, length 18: \"$lt_user\""
	has '  REALM, length 11: "example.org"'
	has '  MESSAGE-INTEGRITY, length 20: f67024656dd64a3e02b8e0712e85c9a28ca89666 verified (long-term, MD5 key)'
	has 'rfc5769-2.4-long-term-request: ok'
	;;
vector-2.4-from-message)
	# Without --user/--realm the USERNAME and REALM of the message are used.
	run 0 --password TheMatrIX "$(vector rfc5769-2.4-long-term-request)"
	has 'arg 1: ok'
	;;
vector-B.1)
	grep '^rfc8489-B.1-sha256-userhash-request ' "$vectors" |
		run 0 --user "$lt_user" --realm example.org --password TheMatrIX
	has '  USERHASH, length 32: 4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704 (matches SHA-256(user:realm))'
	has '  PASSWORD-ALGORITHM, length 4: SHA-256 (0x0002)'
	has '  MESSAGE-INTEGRITY-SHA256, length 32: b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65 verified (long-term, SHA-256 key)'
	has 'rfc8489-B.1-sha256-userhash-request: ok'
	;;
userhash-wrong-user)
	run 1 --user someone --realm example.org --password TheMatrIX \
		"$(vector rfc8489-B.1-sha256-userhash-request)"
	has '  USERHASH, length 32: 4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704 (MISMATCH: SHA-256(user:realm) differs)'
	;;
all-vectors-no-credentials)
	# Nothing can be checked but the fingerprints: everything passes, and says so.
	run 0 <"$vectors"
	has 'rfc5769-2.2-ipv4-response: ok (MESSAGE-INTEGRITY not checked: no credentials)'
	has 'rfc8489-B.1-sha256-userhash-request: ok (MESSAGE-INTEGRITY-SHA256 not checked: no credentials)'
	;;
wrong-short-term-key)
	run 1 --key wrong "$(vector rfc5769-2.2-ipv4-response)"
	has '  MESSAGE-INTEGRITY, length 20: 2b91f599fd9e90c38c7489f92af9ba53f06be7d7 FAIL: MESSAGE-INTEGRITY does not verify (INTEGRITY_MISMATCH)'
	has 'arg 1: FAIL: MESSAGE-INTEGRITY: MESSAGE-INTEGRITY does not verify (INTEGRITY_MISMATCH)'
	;;
wrong-long-term-password)
	run 1 --user "$lt_user" --realm example.org --password thematrix \
		"$(vector rfc5769-2.4-long-term-request)" "$(vector rfc8489-B.1-sha256-userhash-request)"
	has 'arg 1: FAIL: MESSAGE-INTEGRITY: MESSAGE-INTEGRITY does not verify (INTEGRITY_MISMATCH)'
	has 'arg 2: FAIL: MESSAGE-INTEGRITY-SHA256: MESSAGE-INTEGRITY does not verify (INTEGRITY_MISMATCH)'
	;;
flipped-byte)
	# A byte of SOFTWARE changed: both the integrity and the fingerprint break.
	hex=$(vector rfc5769-2.2-ipv4-response | sed 's/^\(.\{48\}\)74/\175/')
	run 1 --key "$short_key" "$hex"
	has '  SOFTWARE, length 11: "uest vector"'
	has '  FINGERPRINT, length 4: c07d4c96 (MISMATCH: expected fdcca04a)'
	has 'arg 1: FAIL: MESSAGE-INTEGRITY: MESSAGE-INTEGRITY does not verify (INTEGRITY_MISMATCH)'
	;;
truncated)
	full=$(vector rfc5769-2.2-ipv4-response)
	short=$(echo "$full" | cut -c1-60)
	run 1 "$short" "$(echo "$full" | cut -c1-20)" "${full}00000000"
	has_error 'arg 1' LENGTH_SHORT
	has_error 'arg 2' TRUNCATED_HEADER
	has_error 'arg 3' TRAILING_BYTES
	;;
every-prefix)
	# Every cut of every vector is rejected with a reason, never a crash.
	while read -r name hex; do
		n=2
		while [ "$n" -lt "${#hex}" ]; do
			echo "$name-$n $(echo "$hex" | cut -c1-$n)"
			n=$((n + 2))
		done
	done <"$vectors" | run 1 -q
	has_error 'rfc5769-2.1-request-40' LENGTH_SHORT
	has_error 'rfc5769-2.1-request-2' TRUNCATED_HEADER
	lacks ': ok'
	;;
bad-hex)
	run 1 '0001005' 'zz' "$(vector rfc5769-2.2-ipv4-response)x"
	has 'arg 1: error: bad hex: odd number of hex digits'
	has "arg 2: error: bad hex: 'z' at column 1 is not a hex digit"
	has "arg 3: error: bad hex: 'x' at column 161 is not a hex digit"
	;;
garbage)
	# Binary noise, NULs, escape sequences and huge lines on stdin: exit 1, no crash.
	{
		printf '0000ffff2112a442000000000000000000000000\n'
		printf '\377\376\000\001\033[31m red \000\n'
		printf '00\00001\n'
		head -c 300000 /dev/zero | tr '\0' 'a'
		echo
		printf '0001fffc2112a442000000000000000000000000'
		head -c 200000 /dev/zero | tr '\0' '0'
		echo
		head -c 100000 /dev/zero | tr '\0' 'z'
	} >"$out.in"
	run 1 <"$out.in"
	rm -f "$out.in"
	has_error 'line 1' LENGTH_NOT_ALIGNED
	has "?????[31m: error: bad hex: 'r' at column 11 is not a hex digit"
	has "line 3: error: bad hex: byte 0x00 at column 3 is not a hex digit"
	has_error 'line 4' NOT_STUN
	has_error 'line 5' TRAILING_BYTES
	has "line 6: error: bad hex: 'z' at column 1 is not a hex digit"
	;;
channeldata)
	run 1 40010004deadbeef '0x4FFF 0003 aabbcc00' 40000008aabb
	has 'arg 1: ChannelData channel 0x4001, length 4'
	has '  data: deadbeef'
	has 'arg 1: ok'
	has 'arg 2: ChannelData channel 0x4fff, length 3, 1 bytes of padding'
	has_error 'arg 3' CHANNEL_LENGTH
	;;
channeldata-reserved-number)
	run 1 5dfb0004deadbeef 40
	has_error 'arg 1' CHANNEL_NUMBER
	has_error 'arg 2' CHANNEL_TRUNCATED
	;;
unknown-attribute)
	# Binding request with 0x7F01 (required) and 0xC001 (optional), then FINGERPRINT.
	run 0 '000100102112a442000102030405060708090a0b7f01000111000000c001000422334455'
	has '  0x7F01 (unknown, comprehension-required), length 1: 11'
	has '  0xC001 (unknown, comprehension-optional), length 4: 22334455'
	;;
stdin-format)
	printf '# a comment\n\n   \nnamed 0x%s\n  %s  \n' \
		"$(vector rfc5769-2.2-ipv4-response)" \
		"$(vector rfc5769-2.3-ipv6-response | sed 's/\(..\)/\1 /g')" |
		run 0 -q --key "$short_key"
	has 'named: ok'
	has 'line 5: ok'
	[ "$(wc -l <"$out")" -eq 2 ] || fail "--quiet printed more than the verdicts"
	;;
usage)
	run 2 --bogus
	run 2 --key a --password b 00
	run 2 --realm r 00
	run 0 --help
	has 'Usage: '"$tool"' [options] [HEX ...]'
	;;
*)
	echo "unknown case $case_name"
	exit 1
	;;
esac
echo "ok [$case_name]"
