#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The daemon's command line and start-up on bad input: every mistake is one clear
# line and a non-zero exit, and a bad config never reaches EAL (no DPDK runtime
# directory is made, no port touched).
#   cli_test.sh <dturn binary> <source root>
set -u
bin=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition result
	if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; fails=$((fails + 1)); fi
}

# A config with one mistake of every kind, each on a known line.
cat >"$tmp/bad.conf" <<'CONF'
[eal]
lcores = 0-1
memory_mb = 99999999
file_prefix = dturn-cli-test-never
colour = blue
[port a]
device = net_null0
ipv4 = 198.18.0.300/24
[stun]
listen_ports = 70000
[turn]
relay_ports = 5000-4000
[nosuchsection]
x = 1
CONF

"$bin" --check-config "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--check-config on a bad file exits 1" "$([ $rc -eq 1 ]; echo $?)"
for want in "bad.conf:3: eal.memory_mb" "bad.conf:5: eal.colour" "bad.conf:8: port a.ipv4" \
	    "bad.conf:10: stun.listen_ports" "bad.conf:12: turn.relay_ports" "bad.conf:13:"; do
	grep -q "$want" "$tmp/err"
	check "error line '$want'" $?
done
lines=$(grep -c . "$tmp/err")
check "one line per mistake (got $lines)" "$([ "$lines" -ge 6 ] && [ "$lines" -le 8 ]; echo $?)"

# --config with the same file: the same errors, and EAL never starts.
rm -rf /var/run/dpdk/dturn-cli-test-never
"$bin" --config "$tmp/bad.conf" >"$tmp/out2" 2>"$tmp/err2"
rc=$?
check "--config on a bad file exits 1" "$([ $rc -eq 1 ]; echo $?)"
cmp -s "$tmp/err" "$tmp/err2"
check "--config reports the same lines as --check-config" $?
! grep -q "EAL" "$tmp/err2" "$tmp/out2"
check "EAL was not initialised" $?
[ ! -e /var/run/dpdk/dturn-cli-test-never ]
check "no DPDK runtime directory was made" $?

# The shipped files are good.
for f in "$root/config/dturn.conf" "$root/config/dturn-demo.conf"; do
	"$bin" --check-config "$f" >/dev/null 2>&1
	check "$(basename "$f") passes --check-config" $?
done

# A missing file, bad flags.
"$bin" --check-config "$tmp/none.conf" 2>"$tmp/err3"
rc=$?
check "a missing file exits 1" "$([ $rc -eq 1 ]; echo $?)"
grep -q "none.conf" "$tmp/err3"
check "the missing file is named" $?
"$bin" --frobnicate >/dev/null 2>"$tmp/err4"
check "an unknown flag exits 2" "$([ $? -eq 2 ]; echo $?)"
grep -q "usage:" "$tmp/err4"
check "an unknown flag prints the usage" $?
"$bin" >/dev/null 2>&1
check "no arguments exits 2" "$([ $? -eq 2 ]; echo $?)"
"$bin" --config a --check-config b >/dev/null 2>&1
check "both --config and --check-config exits 2" "$([ $? -eq 2 ]; echo $?)"
"$bin" --version | grep -q "^dturn "
check "--version" $?

[ $fails -eq 0 ]
