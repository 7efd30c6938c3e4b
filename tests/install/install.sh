#!/usr/bin/env bash
# `meson install --destdir` from a build dir puts exactly the expected files in
# place (no more, no fewer), the units name the installed binary and config,
# and systemd-analyze verify accepts the units when it is installed.
#
#   tests/install/install.sh BUILDDIR PREFIX BINDIR SYSCONFDIR MANDIR UNITDIR TYPE [BIN...]
# UNITDIR "no": units not installed. TYPE: the unit's Type= (notify or exec).
# BIN: the executables expected in BINDIR. Directories are meson's options as
# given (relative to PREFIX unless absolute).
set -uo pipefail
[ $# -ge 7 ] || { echo "usage: install.sh BUILDDIR PREFIX BINDIR SYSCONFDIR MANDIR UNITDIR TYPE [BIN...]"; exit 2; }
build=$1 prefix=$2 bindir=$3 sysconfdir=$4 mandir=$5 unitdir=$6 type=$7
shift 7
bins=("$@")

abs() { case "$1" in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
bindir=$(abs "$bindir") sysconfdir=$(abs "$sysconfdir") mandir=$(abs "$mandir")

fail() { echo "install: FAIL: $*"; exit 1; }

dest=$(mktemp -d /tmp/dturn-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
out=$(meson install -C "$build" --destdir "$dest" --no-rebuild 2>&1) ||
	fail "meson install failed: $(tail -n 5 <<<"$out")"

expected=$(mktemp)
trap 'rm -rf "$dest" "$expected"' EXIT
{
	for b in "${bins[@]}"; do echo "$bindir/$b"; done
	echo "$sysconfdir/dturn/dturn.conf"
	echo "$mandir/man8/dturn.8"
	echo "$mandir/man5/dturn.conf.5"
	for b in "${bins[@]}"; do [ "$b" = dturnctl ] && echo "$mandir/man8/dturnctl.8"; done
	if [ "$unitdir" != no ]; then
		echo "$unitdir/dturn.service"
		echo "$unitdir/dturn@.service"
	fi
} | sed 's#//*#/#g' | sort >"$expected"
got=$(cd "$dest" && find . -type f -o -type l | sed 's#^\.##' | sort)
if ! diff -u "$expected" <(echo "$got") >/dev/null; then
	echo "expected (-) vs installed (+):"
	diff -u "$expected" <(echo "$got") | sed -n '3,$p'
	fail "installed files differ from the expected list"
fi
echo "install: $(wc -l <"$expected") files, as expected:"
sed 's/^/  /' "$expected"

for b in "${bins[@]}"; do
	[ -x "$dest$bindir/$b" ] || fail "$bindir/$b is not executable"
done
cmp -s "$dest$sysconfdir/dturn/dturn.conf" "$(dirname "$0")/../../config/dturn.conf" ||
	fail "$sysconfdir/dturn/dturn.conf is not config/dturn.conf"
"$dest$bindir/dturn" --version | grep -q '^dturn ' || fail "installed dturn --version says nothing"

# An upgrade leaves the edited config alone: everything but the config tag.
up=$(mktemp -d /tmp/dturn-install.XXXXXX)
out=$(meson install -C "$build" --destdir "$up" --no-rebuild --tags runtime,man,systemd 2>&1) ||
	{ rm -rf "$up"; fail "meson install --tags runtime,man,systemd failed: $(tail -n 5 <<<"$out")"; }
utags=$(cd "$up" && find . -type f | sed 's#^\.##' | sort)
rm -rf "$up"
[ "$utags" = "$(grep -vx "$sysconfdir/dturn/dturn.conf" "$expected")" ] ||
	fail "--tags runtime,man,systemd installed $(tr '\n' ' ' <<<"$utags"), expected all but the config"
echo "install: --tags runtime,man,systemd installs all of it but $sysconfdir/dturn/dturn.conf"

[ "$unitdir" = no ] && { echo "install: units not installed (systemdsystemunitdir=no)"; exit 0; }
unit=$dest$unitdir/dturn.service
grep -qx "ExecStart=$bindir/dturn --config $sysconfdir/dturn/dturn.conf" "$unit" ||
	fail "dturn.service ExecStart does not run $bindir/dturn on $sysconfdir/dturn/dturn.conf: $(grep ^ExecStart= "$unit")"
grep -qx "Type=$type" "$unit" || fail "dturn.service: expected Type=$type, got $(grep ^Type= "$unit")"
grep -qx "ExecStart=$bindir/dturn --config $sysconfdir/dturn/%i.conf" "$dest$unitdir/dturn@.service" ||
	fail "dturn@.service does not run $sysconfdir/dturn/%i.conf"
if grep -n '@[A-Z_]*@' "$unit" "$dest$unitdir/dturn@.service"; then fail "unsubstituted @VAR@ left in a unit"; fi

if command -v systemd-analyze >/dev/null; then
	# verify resolves ExecStart= binaries against the real root, so check copies whose
	# paths point into the destdir; everything else in the unit is checked as written.
	vdir=$(mktemp -d)
	trap 'rm -rf "$dest" "$expected" "$vdir"' EXIT
	for u in dturn.service dturn@.service; do
		sed "s#$bindir/dturn#$dest$bindir/dturn#g" "$dest$unitdir/$u" >"$vdir/$u"
	done
	cp "$vdir/dturn@.service" "$vdir/dturn@main.service"
	v=$(cd "$vdir" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./dturn.service ./dturn@main.service 2>&1)
	# Only complaints about our units count (the host's other units may have their own).
	v=$(grep -E 'dturn(@main)?\.service' <<<"$v" || true)
	[ -z "$v" ] || fail "systemd-analyze verify: $v"
	echo "install: systemd-analyze verify accepts dturn.service and dturn@main.service"
else
	echo "install: systemd-analyze not installed: units not verified"
fi
exit 0
