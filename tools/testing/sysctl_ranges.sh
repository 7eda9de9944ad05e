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
sack 1 0 1
dsack 1 0 1
timestamps 1 0 2
recovery 1 0 1
early_retrans 3 0 4
delayed_ack_ms 40 0 500
challenge_ack_limit 2147483647 1 2147483647
max_tw_buckets 262144 0 2147483647
tw_history 0 0 1
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

# mem: "low pressure high" in pages, as tcp_mem, its default Linux's for the
# memory there is (nr_free_buffer_pages() / 16 as pressure, 3/4 of it as
# low, twice low as high); each value in [1, INT_MAX/2], in order.
f=$dir/mem
tested+=(mem)
read -r low pressure high <"$f"
pages=$(awk '/MemTotal/ { print int($2 / 4) }' /proc/meminfo)
[[ $low -gt 0 && $pressure -gt $low && $high -gt $pressure && $pressure -lt $((pages / 8)) ]]
ktest_result $((!$?)) "mem defaults in order and sized by memory ($low $pressure $high; $pages pages)"
[[ $high -eq $((low * 2)) && $low -eq $((pressure / 4 * 3)) ]]
ktest_result $((!$?)) "mem defaults as Linux's tcp_mem: low = 3/4 pressure, high = 2 low"
default="$low $pressure $high"
for bad in "0 1 2" "3 2 1" "1 2 1073741824" "1 abc 3" "-1"; do
	out=$(echo "$bad" 2>&1 >"$f")
	rc=$?
	expect_eq "$rc $(triple "$f")" "1 $default" "mem='$bad' refused, the triple kept"
done
for good in "1 1 1" "1 2 1073741823" "$default"; do
	echo "$good" >"$f"
	expect_eq "$(triple "$f")" "$good" "mem='$good' accepted"
done
# The congestion control by name, as tcp_congestion_control: an unknown one
# refused with ENOENT and the old kept; the list read only.
f=$dir/congestion_control
tested+=(congestion_control available_congestion_control)
expect_eq "$(cat "$f")" "cubic" "congestion_control defaults to cubic"
expect_eq "$(cat $dir/available_congestion_control)" "reno cubic" \
	"available_congestion_control lists reno and cubic"
for bad in bbr "" cubicc; do
	out=$(echo "$bad" 2>&1 >"$f")
	rc=$?
	expect_eq "$rc $(cat "$f")" "1 cubic" "congestion_control='$bad' refused, cubic kept"
	[[ $out == *"No such file or directory"* ]] ||
		ktest_result 0 "congestion_control='$bad': the refusal is ENOENT ($out)"
done
for good in reno cubic; do
	echo "$good" >"$f"
	expect_eq "$(cat "$f")" "$good" "congestion_control=$good accepted"
done
(echo reno >$dir/available_congestion_control) 2>/dev/null
ktest_result $(($? != 0)) "available_congestion_control is read only"
expect_eq "$(ls $dir | sort | tr '\n' ' ')" "$(printf '%s\n' "${tested[@]}" | sort | tr '\n' ' ')" \
	"every sysctl of $dir is in the table above"

# Per namespace: a change in one is not seen in another.
echo 1234 >$dir/msl_ms
expect_eq "$(unshare -n cat $dir/msl_ms)" 30000 "a new namespace starts from the default"
echo 30000 >$dir/msl_ms
finish
