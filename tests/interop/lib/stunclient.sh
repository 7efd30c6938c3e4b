# shellcheck shell=bash
# turnutils_stunclient check shared by stunclient-v4.sh and stunclient-v6.sh (sourced).
# turnutils_stunclient prints "<n>: : IPv4. UDP reflexive addr: <ip>:<port>" (IPv6: "IPv6.",
# address not bracketed) from the XOR-MAPPED-ADDRESS of the response; it prints
# "Cannot read the response" and still exits 0 when the answer has no XOR-MAPPED-ADDRESS,
# and waits forever when nothing answers: so run it under timeout and read its output.
stunclient_case() { # server expected-mapped-ip
	local server=$1 expect=$2 out rc=0 got
	require_ns "$CLIENT_NS"
	out=$(in_client timeout 10 turnutils_stunclient -p "$STUN_PORT" "$server" 2>&1) || rc=$?
	[ $rc -ne 124 ] || fail "no answer from $(hostport "$server" "$STUN_PORT") within 10 s"
	got=$(sed -n 's/.*UDP reflexive addr: \(.*\):[0-9]*$/\1/p' <<<"$out" | head -n1)
	[ -n "$got" ] || fail "no reflexive address in the output (exit $rc): $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	[ "$got" = "$expect" ] || fail "reflexive address $got, expected $expect"
	pass
}
