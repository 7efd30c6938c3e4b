#!/usr/bin/env bash
# TURN over TLS serves the configured certificate, TLS 1.2 and 1.3 only, and takes a new one
# on SIGHUP: 'openssl s_client -connect 198.18.0.1:5349' from dturn-client shows the subject
# of the certificate the case made (CN=dturn-stream.test) over TLS 1.3 and, with -tls1_2,
# over TLS 1.2; -tls1_1 gets no session; after the certificate and key files are replaced and
# dturn gets SIGHUP, a new handshake shows the new subject (CN=dturn-reloaded.test).
#
# Starts its own dturn on dturn-stream.conf (lib/stream.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/uclient.sh"
. "$(dirname "$0")/lib/stream.sh"
stream_start

handshake() { # extra s_client options; prints s_client's output
	echo | in_client timeout 10 openssl s_client -connect "$SERVER_V4:$STREAM_TLS_PORT" "$@" 2>&1 || true
}

out=$(handshake)
grep -q "subject=CN *= *$STREAM_CERT_CN" <<<"$out" || fail "s_client did not show subject CN=$STREAM_CERT_CN: $(grep -m2 -E 'subject|error|errno' <<<"$out" | tr '\n' ' ')"
grep -q "TLSv1.3" <<<"$out" || fail "default handshake was not TLS 1.3: $(grep -m1 -E '^New|Protocol' <<<"$out")"
out=$(handshake -tls1_2)
grep -qE "^New, TLSv1.2|Protocol *: TLSv1.2" <<<"$out" || fail "-tls1_2 handshake failed: $(grep -m2 -E 'New|error|alert' <<<"$out" | tr '\n' ' ')"
out=$(handshake -tls1_1 -cipher DEFAULT@SECLEVEL=0)
if grep -qE "^New, TLSv1(\.1)?," <<<"$out"; then
	fail "a TLS 1.1 session was made: $(grep -m1 '^New' <<<"$out")"
fi

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=dturn-reloaded.test" \
	-keyout "$STREAM_CERT_DIR/key.pem.new" -out "$STREAM_CERT_DIR/cert.pem.new" >/dev/null 2>&1 ||
	fail "openssl req could not make the second certificate"
mv "$STREAM_CERT_DIR/key.pem.new" "$STREAM_CERT_DIR/key.pem"
mv "$STREAM_CERT_DIR/cert.pem.new" "$STREAM_CERT_DIR/cert.pem"
pid=$(tr -dc '0-9' </run/dturn-demo.pid)
kill -HUP "$pid"
for _ in $(seq 20); do
	out=$(handshake)
	grep -q "subject=CN *= *dturn-reloaded.test" <<<"$out" && pass
	sleep 0.5
done
fail "after SIGHUP s_client still shows: $(grep -m1 'subject' <<<"$out")"
