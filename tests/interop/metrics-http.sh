#!/usr/bin/env bash
# The management endpoint ([mgmt] http_listen, docs/metrics.md) of the running dturn:
#   GET /metrics is Prometheus text 0.0.4 that parses line by line, and
#   dturn_stun_binding_answered_total, dturn_packets_total{direction="rx"} and
#   dturn_port_packets_total{port="client",direction="rx"} grow after one STUN Binding
#   from the client namespace; GET /healthz and /readyz answer 200 "ok"; HEAD /metrics
#   is 200; an unknown path is 404; POST /metrics is 405 with "Allow: GET, HEAD".
# Also asks rte_telemetry for /dturn/table and /dturn/lcores (the same gauges).
#
# Environment: DTURN_MGMT_URL (default http://127.0.0.1:9641, config/dturn-demo.conf),
# DTURN_FILE_PREFIX (default dturn-demo) for the telemetry socket.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
require_ns "$CLIENT_NS"
command -v curl >/dev/null || fail "curl not installed (scripts/deps.sh)"
URL=${DTURN_MGMT_URL:-http://127.0.0.1:9641}
PREFIX=${DTURN_FILE_PREFIX:-dturn-demo}

tmp=$(mktemp -d /tmp/dturn-metrics.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# GET path -> status code on stdout, body in $tmp/body, headers in $tmp/headers.
get() {
	curl -sS -m 5 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" 2>"$tmp/curl.err" ||
		fail "curl $*: $(tr '\n' ' ' <"$tmp/curl.err")"
}

# Sum of the samples of a metric whose labels contain every "k=\"v\"" given.
metric_sum() { # file name [label...]
	python3 - "$@" <<'EOF'
import re, sys
path, name, want = sys.argv[1], sys.argv[2], sys.argv[3:]
total = 0
for line in open(path):
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$', line.rstrip('\n'))
    if m and m.group(1) == name and all(w in (m.group(2) or '') for w in want):
        total += float(m.group(3))
print(int(total))
EOF
}

# Every line is a HELP, a TYPE or a sample; HELP/TYPE once per family; counters end in _total.
check_exposition() { # file
	python3 - "$1" <<'EOF'
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$')
families, current, types, series = set(), None, {}, set()
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip('\n')
    if line.startswith('# HELP '):
        current = line.split(' ')[2]
        if current in families:
            sys.exit(f"line {n}: family {current} declared twice")
        families.add(current)
    elif line.startswith('# TYPE '):
        _, _, name, typ = line.split(' ')
        if name != current or typ not in ('counter', 'gauge'):
            sys.exit(f"line {n}: bad TYPE line: {line}")
        if typ == 'counter' and not name.endswith('_total'):
            sys.exit(f"line {n}: counter {name} does not end in _total")
        types[name] = typ
    else:
        m = sample.match(line)
        if not m:
            sys.exit(f"line {n}: not a sample: {line}")
        if m.group(1) != current or current not in types:
            sys.exit(f"line {n}: sample of {m.group(1)} outside its family ({current})")
        key = line.rsplit(' ', 1)[0]
        if key in series:
            sys.exit(f"line {n}: series twice: {key}")
        series.add(key)
if len(series) < 100:
    sys.exit(f"only {len(series)} series")
EOF
}

code=$(get "$URL/metrics")
[ "$code" = 200 ] || fail "GET /metrics: HTTP $code (is [mgmt] http_listen $URL? $(head -c 200 "$tmp/body"))"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers" ||
	fail "GET /metrics: Content-Type is not text/plain; version=0.0.4: $(grep -i content-type "$tmp/headers")"
why=$(check_exposition "$tmp/body" 2>&1) || fail "/metrics is not valid exposition: $why"
cp "$tmp/body" "$tmp/before"
for m in dturn_stun_binding_answered_total dturn_drops_total dturn_lcore_busy_ratio \
	dturn_allocations_capacity dturn_port_up dturn_auth_failures_total; do
	grep -q "^# TYPE $m " "$tmp/before" || fail "/metrics has no family $m"
done
grep -q '^dturn_port_up{port="client"} 1$' "$tmp/before" || fail "/metrics: port client not up: $(grep dturn_port_up "$tmp/before" | tr '\n' ' ')"

answered0=$(metric_sum "$tmp/before" dturn_stun_binding_answered_total)
rx0=$(metric_sum "$tmp/before" dturn_packets_total 'direction="rx"')
port0=$(metric_sum "$tmp/before" dturn_port_packets_total 'port="client"' 'direction="rx"')

out=$(in_client timeout 10 python3 "$INTEROP_DIR/lib/stun_binding.py" -p "$STUN_PORT" "$SERVER_V4" 2>&1) ||
	fail "STUN Binding from $CLIENT_NS to $SERVER_V4 got no answer: $out"

# The worker's counter is in memory the scrape reads; allow a few scrapes for the port's.
for _ in $(seq 20); do
	code=$(get "$URL/metrics")
	[ "$code" = 200 ] || fail "GET /metrics after the Binding: HTTP $code"
	answered1=$(metric_sum "$tmp/body" dturn_stun_binding_answered_total)
	rx1=$(metric_sum "$tmp/body" dturn_packets_total 'direction="rx"')
	port1=$(metric_sum "$tmp/body" dturn_port_packets_total 'port="client"' 'direction="rx"')
	[ "$answered1" -gt "$answered0" ] && [ "$rx1" -gt "$rx0" ] && [ "$port1" -gt "$port0" ] && break
	sleep 0.25
done
[ "$answered1" -gt "$answered0" ] ||
	fail "dturn_stun_binding_answered_total did not grow after a Binding ($answered0 -> $answered1)"
[ "$rx1" -gt "$rx0" ] || fail "dturn_packets_total{direction=\"rx\"} did not grow ($rx0 -> $rx1)"
[ "$port1" -gt "$port0" ] ||
	fail "dturn_port_packets_total{port=\"client\",direction=\"rx\"} did not grow ($port0 -> $port1)"

code=$(get "$URL/healthz")
[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = ok ] || fail "GET /healthz: HTTP $code: $(head -c 200 "$tmp/body")"
code=$(get "$URL/readyz")
[ "$code" = 200 ] && [ "$(cat "$tmp/body")" = ok ] || fail "GET /readyz: HTTP $code: $(head -c 200 "$tmp/body")"
code=$(get -I "$URL/metrics")
[ "$code" = 200 ] || fail "HEAD /metrics: HTTP $code"
code=$(get "$URL/nope")
[ "$code" = 404 ] || fail "GET /nope: HTTP $code, expected 404"
code=$(get "$URL/metrics/")
[ "$code" = 404 ] || fail "GET /metrics/: HTTP $code, expected 404"
code=$(get -X POST --data x=1 "$URL/metrics")
[ "$code" = 405 ] || fail "POST /metrics: HTTP $code, expected 405"
grep -qi '^allow: GET, HEAD' "$tmp/headers" || fail "405 without Allow: GET, HEAD: $(tr '\r\n' '  ' <"$tmp/headers")"
code=$(get -X DELETE "$URL/healthz")
[ "$code" = 405 ] || fail "DELETE /healthz: HTTP $code, expected 405"

# The same gauges through rte_telemetry.
if command -v dpdk-telemetry.py >/dev/null; then
	tel=$(printf '/dturn/table\n/dturn/lcores\n' | timeout 10 dpdk-telemetry.py -f "$PREFIX" 2>&1 || true)
	grep -q '"/dturn/table": {"allocations": [0-9]*, "capacity": [0-9]*' <<<"$tel" ||
		fail "telemetry /dturn/table: $(tr '\n' ' ' <<<"$tel" | cut -c1-300)"
	grep -q '"worker0": {"lcore": [0-9]*, "busy_ppm": [0-9]*' <<<"$tel" ||
		fail "telemetry /dturn/lcores: $(tr '\n' ' ' <<<"$tel" | cut -c1-300)"
fi
pass
