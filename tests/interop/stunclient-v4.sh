#!/usr/bin/env bash
# turnutils_stunclient over IPv4 learns the client's own address as its reflexive address.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/stunclient.sh"
stunclient_case "$SERVER_V4" "$CLIENT_V4"
