#!/usr/bin/env bash
# tshark-allocate.sh over IPv6: the same captures and checks with the client reaching dturn
# on 2001:db8:18::1, an IPv6 relayed address (turnutils_uclient -x) and the peer on
# 2001:db8:19::2 (UDP checksums, mandatory in IPv6, verified by tshark on both sides).
exec env DTURN_TSHARK_FAMILY=6 "$(dirname "$0")/tshark-allocate.sh" "$@"
