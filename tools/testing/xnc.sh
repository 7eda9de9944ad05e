#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xnc, the netcat for xtcp: data crosses both ways intact, each side's end
# of input is a half-close the other reads as EOF, and bad arguments are
# refused.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

d=$(mktemp -d)
seq 1 60000 >"$d/a"
seq 60000 -1 1 | tr 0-9 a-j >"$d/b"
"$XTCP_BIN/xnc" -l 127.0.0.1 7010 <"$d/a" >"$d/got-b" &
server=$!
for _ in $(seq 100); do
	grep -q ':7010 .*LISTEN' /proc/xtcp/conns && break
	sleep 0.05
done
"$XTCP_BIN/xnc" -v 127.0.0.1 7010 <"$d/b" >"$d/got-a" 2>"$d/err"
expect_eq "$?" 0 "the client exits 0"
wait "$server"
expect_eq "$?" 0 "the server exits 0"
expect_ok cmp "$d/a" "$d/got-a"
expect_ok cmp "$d/b" "$d/got-b"
expect_eq "$(grep -c '^xnc: connected 127.0.0.1:[0-9]* <-> 127.0.0.1:7010$' "$d/err")" 1 "-v reports the connection"

# The client's input ends at once; it still receives all the server sends.
"$XTCP_BIN/xnc" -l 7011 <"$d/a" >/dev/null &
server=$!
for _ in $(seq 100); do
	grep -q ':7011 .*LISTEN' /proc/xtcp/conns && break
	sleep 0.05
done
"$XTCP_BIN/xnc" 127.0.0.1 7011 </dev/null >"$d/got-a2"
wait "$server"
expect_ok cmp "$d/a" "$d/got-a2"

expect_ok "$XTCP_BIN/xnc" --help
"$XTCP_BIN/xnc" 127.0.0.1 99999 </dev/null 2>/dev/null
expect_eq "$?" 2 "a bad port is refused with status 2"
"$XTCP_BIN/xnc" 127.0.0.1 7012 </dev/null 2>"$d/err"
expect_eq "$?:$(cat "$d/err")" "1:xnc: connect: Connection refused" "a closed port: ECONNREFUSED"
rm -rf "$d"
finish
