#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xtcp loads and unloads cleanly 20 times, with a socket created in between,
# and refuses to unload while a socket is open.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

ko=$XTCP_MODULE_DIR/module/xtcp.ko
[[ -d /sys/module/xtcp ]] && rmmod xtcp

cycles_ok=0
for i in $(seq 20); do
	insmod "$ko" || break
	[[ $("$XTCP_BIN/xtcp-socket" 22 0) == ok ]] || break
	rmmod xtcp || break
	[[ ! -e /proc/xtcp ]] || break
	cycles_ok=$i
done
expect_eq "$cycles_ok" 20 "20 load, socket, unload cycles"

# An open socket pins the module.
expect_ok insmod "$ko"
out=$(mktemp)
"$XTCP_BIN/xtcp-socket" 22 0 30 >"$out" &
holder=$!
for _ in $(seq 100); do
	[[ -s $out ]] && break
	sleep 0.1
done
expect_eq "$(cat "$out")" ok "a socket is open"
expect_fail rmmod xtcp
# One reference through the socket's ops, one through its struct proto.
expect_eq "$(cat /sys/module/xtcp/refcnt)" 2 "the open socket holds the module"
kill "$holder"
wait "$holder" 2>/dev/null
rm -f "$out"
expect_eq "$(cat /sys/module/xtcp/refcnt)" 0 "closing it drops the reference"
expect_ok rmmod xtcp
expect_ok insmod "$ko"
finish
