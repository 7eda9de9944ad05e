#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every sysctl under /proc/sys/net/xtcp: the default Linux TCP has, a write
# outside the range refused with EINVAL and the old value kept, the edges
# of the range accepted, and each namespace with its own value.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

dir=/proc/sys/net/xtcp
tested=()
while read -r name default min max; do
	f=$dir/$name
	tested+=("$name")
	expect_eq "$(cat "$f")" "$default" "$name defaults to $default"
	for bad in $((min - 1)) -1 $((max + 1)) abc; do
		out=$(echo "$bad" 2>&1 >"$f")
		rc=$?
		expect_eq "$rc $(cat "$f")" "1 $default" "$name=$bad refused, value kept"
	done
	[[ -z $out || $out == *"Invalid argument"* ]] ||
		ktest_result 0 "$name: the refusal is EINVAL ($out)"
	for good in "$min" "$max" "$default"; do
		echo "$good" >"$f"
		expect_eq "$(cat "$f")" "$good" "$name=$good accepted"
	done
done <<'TABLE'
msl_ms 30000 1 600000
fin_timeout_ms 60000 1 600000
syn_retries 6 1 127
synack_retries 5 1 127
retries2 15 1 127
keepalive_time 7200 1 32767
keepalive_intvl 75 1 32767
keepalive_probes 9 1 127
max_syn_backlog 4096 1 65535
rto_min_ms 200 1 120000
rto_max_ms 120000 1000 120000
window_scaling 1 0 1
delayed_ack_ms 40 0 500
challenge_ack_limit 2147483647 1 2147483647
max_tw_buckets 262144 0 2147483647
max_orphans 262144 0 2147483647
syncookies 1 0 2
TABLE

# The buffer triples, "min default max" like tcp_wmem: each value in
# [4096, INT_MAX/2] and in order, or EINVAL and the whole triple kept.
triple() { tr '\t' ' ' <"$1"; }
while read -r name default; do
	f=$dir/$name
	tested+=("$name")
	expect_eq "$(triple "$f")" "$default" "$name defaults to $default"
	for bad in "4095 212992 4194304" "4096 212992 1073741824" "8192 4096 4194304" \
		   "4096 8388608 4194304" "4096 abc 4194304" "-1" "abc"; do
		out=$(echo "$bad" 2>&1 >"$f")
		rc=$?
		expect_eq "$rc $(triple "$f")" "1 $default" "$name='$bad' refused, the triple kept"
		[[ $out == *"Invalid argument"* ]] ||
			ktest_result 0 "$name='$bad': the refusal is EINVAL ($out)"
	done
	for good in "4096 4096 4096" "4096 4096 1073741823" "1073741823 1073741823 1073741823" \
		    "$default"; do
		echo "$good" >"$f"
		expect_eq "$(triple "$f")" "$good" "$name='$good' accepted"
	done
done <<'TABLE'
wmem 4096 212992 4194304
rmem 4096 212992 6291456
TABLE
expect_eq "$(ls $dir | sort | tr '\n' ' ')" "$(printf '%s\n' "${tested[@]}" | sort | tr '\n' ' ')" \
	"every sysctl of $dir is in the table above"

# Per namespace: a change in one is not seen in another.
echo 1234 >$dir/msl_ms
expect_eq "$(unshare -n cat $dir/msl_ms)" 30000 "a new namespace starts from the default"
echo 30000 >$dir/msl_ms
finish
