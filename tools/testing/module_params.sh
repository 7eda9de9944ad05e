#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family and ipproto parameters: readable under /sys/module/xtcp/parameters,
# honoured by socket(), and bad values refused at load with a clear errno
# while the module stays unloaded.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

ko=$XTCP_MODULE_DIR/module/xtcp.ko
params=/sys/module/xtcp/parameters

expect_eq "$(cat $params/family)" 22 "default family is 22"
expect_eq "$(cat $params/ipproto)" 253 "default ipproto is 253"
expect_ok rmmod xtcp

expect_ok insmod "$ko" family=25 ipproto=254
expect_eq "$(cat $params/family)" 25 "family=25 is in force"
expect_eq "$(cat $params/ipproto)" 254 "ipproto=254 is in force"
expect_ok "$XTCP_BIN/xtcp-socket" 25 0
expect_ok "$XTCP_BIN/xtcp-socket" 25 254
expect_errno "$XTCP_BIN/xtcp-socket" 22 0 -- EAFNOSUPPORT
expect_ok rmmod xtcp

# Each bad value fails the load, leaves nothing behind, and says why.
for bad in "family=0" "family=46" "family=-1" "family=2" "family=10" \
	"ipproto=0" "ipproto=256" "ipproto=6" "ipproto=17"; do
	dmesg -C
	expect_fail insmod "$ko" "$bad"
	expect_absent /sys/module/xtcp "no module left after $bad"
	expect_eq "$(dmesg | grep -c 'xtcp: ')" 1 "the kernel log says why $bad failed"
done

expect_ok insmod "$ko"
expect_eq "$(cat $params/family)" 22 "reloaded with the default family"
finish
