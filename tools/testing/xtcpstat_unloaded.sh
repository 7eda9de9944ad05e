#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xtcpstat with the module not loaded says so on stderr, prints nothing on
# stdout and exits 1, whatever it was asked; loaded again, it works.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

[[ -d /sys/module/xtcp ]] && rmmod xtcp
for args in "" "-a" "-s" "--json" "-H -j" "-i -e"; do
	# shellcheck disable=SC2086
	out=$("$XTCP_BIN/xtcpstat" $args 2>/tmp/xtcpstat.err)
	rc=$?
	expect_eq "$rc:$out:$(cat /tmp/xtcpstat.err)" \
		"1::xtcpstat: xtcp is not loaded (no /proc/xtcp); load it with: insmod xtcp.ko" \
		"xtcpstat $args without the module"
done
rm -f /tmp/xtcpstat.err
expect_ok insmod "$XTCP_MODULE_DIR/module/xtcp.ko"
expect_eq "$("$XTCP_BIN/xtcpstat" -l | head -1 | awk '{print $1}')" State "loaded again, it prints its table"
finish
