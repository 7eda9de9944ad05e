#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's example program works as the README says: the client's
# stdin comes back from the server, and the client ends in TIME_WAIT.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

"$XTCP_BIN/echo" server 7007 &
server=$!
for _ in $(seq 100); do
	grep -q ':7007 .*LISTEN' /proc/xtcp/conns && break
	sleep 0.05
done
out=$(seq 1 20000 | "$XTCP_BIN/echo" client 127.0.0.1 7007)
expect_eq "$(echo "$out" | sha256sum)" "$(seq 1 20000 | sha256sum)" "108893 bytes echoed intact"
wait "$server"
expect_eq "$?" 0 "the server exits cleanly"
expect_eq "$(grep -c '127.0.0.1:[0-9]* *127.0.0.1:7007 *TIME_WAIT' /proc/xtcp/conns)" 1 \
	"the client, which sent the first FIN, holds TIME_WAIT"
finish
