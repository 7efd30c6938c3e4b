#!/usr/bin/env bash
# stun(1) from stun-client (RFC 3489, IPv4 only) reports the client's address as mapped.
#
# stun sends classic requests: no magic cookie (16-byte transaction ID), 28 bytes with
# CHANGE-REQUEST (0x0003) flags 0, then flags 4 and 2. It reads the mapped address only
# from MAPPED-ADDRESS (0x0001): XOR-MAPPED-ADDRESS prints as 0.0.0.0:0. Its exit status is
# the NAT-type bit mask, not success, and it waits forever when nothing answers test 1.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"

# Test 1 alone: one Binding request, prints "mappedAddr=<ip>:<port>".
rc=0
out=$(in_client timeout 10 stun "$SERVER_V4" 1 -v 2>&1) || rc=$?
[ $rc -ne 124 ] || fail "stun test 1: no answer from $SERVER_V4 within 10 s"
got=$(sed -n 's/.*mappedAddr=\([0-9.]*\):[0-9]*.*/\1/p' <<<"$out" | head -n1)
[ -n "$got" ] || fail "stun test 1 printed no mappedAddr: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
[ "$got" = "$CLIENT_V4" ] || fail "stun test 1: mapped address $got, expected $CLIENT_V4"

# The full classic run (tests I, II, III): must still print the mapped address.
rc=0
out=$(in_client timeout 20 stun "$SERVER_V4" -v 2>&1) || rc=$?
[ $rc -ne 124 ] || fail "stun full run did not finish within 20 s"
got=$(sed -n 's/^MappedAddress = \([0-9.]*\):[0-9]*.*/\1/p' <<<"$out" | head -n1)
[ -n "$got" ] || fail "stun full run printed no MappedAddress: $(grep -E 'Primary|test I' <<<"$out" | tr '\n' ' ')"
[ "$got" = "$CLIENT_V4" ] || fail "stun full run: MappedAddress $got, expected $CLIENT_V4"
pass
