#!/usr/bin/env bash
# A TURN REST API username whose expiry is in the past is refused with 401, although its
# password is the right base64(HMAC-SHA1(dturn-test-secret, username)).
#
# lib/turn_allocate.py --rest-secret dturn-test-secret --rest-expiry 3600: username
#   "<now+3600>:alice" is accepted (control: the secret and the HMAC are right);
# lib/turn_allocate.py --rest-secret dturn-test-secret --rest-expiry -3600 --expect 401:
#   username "<now-3600>:alice" gets 401 after the challenge, no allocation.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"

allocate() { # turn_allocate.py options; output in $out, exit status in $rc
	rc=0
	out=$(in_client timeout 20 python3 "$INTEROP_DIR/lib/turn_allocate.py" -p "$REST_PORT" \
		--user "$TURN_USER" --rest-secret "$REST_SECRET" "$@" "$SERVER_V4" 2>&1) || rc=$?
}
brief() { grep -E '^(username|error|result|challenge)[: ]' <<<"$out" | tr '\n' ' ' | cut -c1-240; }

allocate --rest-expiry 3600
[ $rc -ne 2 ] || fail "no answer to Allocate from $(hostport "$SERVER_V4" "$REST_PORT")"
[ $rc -eq 0 ] || fail "control: a REST username valid for an hour is not accepted (exit $rc): $(brief)"

allocate --rest-expiry -3600 --expect 401
[ $rc -eq 0 ] || fail "expired REST username not refused with 401 (exit $rc): $(brief)"
grep -q '^result error 401' <<<"$out" || fail "no 401 result: $(brief)"
pass
