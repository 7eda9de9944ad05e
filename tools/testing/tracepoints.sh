#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xtcp's tracepoints through tracefs: a connection's every state change on
# both sides with its cause (xtcp:xtcp_set_state), the end of TIME_WAIT, the RST answering a connect to a closed
# port (xtcp:xtcp_send_reset), and a SYN retransmitted into a black hole
# (xtcp:xtcp_retransmit).
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
if [[ ! -d $T/events/xtcp ]]; then
	echo "no $T/events/xtcp"
	exit 1
fi
echo >$T/trace
echo 1 >$T/events/xtcp/enable
# TIME_WAIT for 2 * 300 ms, so its end is seen.
msl=$(cat /proc/sys/net/xtcp/msl_ms)
echo 300 >/proc/sys/net/xtcp/msl_ms

"$XTCP_BIN/echo" server 7008 &
for _ in $(seq 100); do
	grep -q ':7008 .*LISTEN' /proc/xtcp/conns && break
	sleep 0.05
done
echo hello | "$XTCP_BIN/echo" client 127.0.0.1 7008 >/dev/null
wait
"$XTCP_BIN/echo" client 127.0.0.1 7009 </dev/null 2>/dev/null
# A SYN into a neighbour that never answers, in a namespace of its own.
unshare -n bash -c '
	ip link set lo up
	ip link add v0 type veth peer name v1
	ip addr add 10.7.0.1/24 dev v0
	ip link set v0 up; ip link set v1 up
	ip neigh add 10.7.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
	echo 1 >/proc/sys/net/xtcp/syn_retries
	"$0" client 10.7.0.2 80 </dev/null 2>/dev/null' "$XTCP_BIN/echo"
sleep 1
echo 0 >$T/events/xtcp/enable
echo "$msl" >/proc/sys/net/xtcp/msl_ms
trace=$(cat $T/trace)

has() {
	if grep -qE "$1" <<<"$trace"; then
		ktest_result 1 "$2"
	else
		ktest_result 0 "$2: no line matches '$1'"
	fi
}
c='127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:7008'
s='127\.0\.0\.1:7008 -> 127\.0\.0\.1:[0-9]+'
has "xtcp_set_state: .*0\.0\.0\.0:7008 -> 0\.0\.0\.0:0 CLOSE -> LISTEN" "server (bound to INADDR_ANY): CLOSE -> LISTEN"
for t in "CLOSE -> SYN_SENT" "SYN_SENT -> ESTABLISHED" "ESTABLISHED -> FIN_WAIT1" \
	"FIN_WAIT1 -> FIN_WAIT2" "FIN_WAIT2 -> TIME_WAIT"; do
	has "xtcp_set_state: .*$c $t" "client: $t"
done
has "xtcp_set_state: .*$c TIME_WAIT -> CLOSE \\(timer TIME_WAIT\\)" "client: TIME_WAIT -> CLOSE when 2*MSL ran out"
has "xtcp_set_state: .*$c CLOSE -> SYN_SENT \\(user connect\\)" "each change carries its cause"
for t in "CLOSE -> SYN_RECV" "SYN_RECV -> ESTABLISHED" "ESTABLISHED -> CLOSE_WAIT" \
	"CLOSE_WAIT -> LAST_ACK" "LAST_ACK -> CLOSE"; do
	has "xtcp_set_state: .*$s $t" "server: $t"
done
has "xtcp_send_reset: 127\.0\.0\.1:7009 -> 127\.0\.0\.1:[0-9]+ seq=0 ack=" \
	"a RST+ACK answers the SYN to closed port 7009"
has "xtcp_retransmit: .*10\.7\.0\.1:[0-9]+ -> 10\.7\.0\.2:80 SYN_SENT -> SYN_SENT" \
	"the SYN into the black hole is retransmitted"
has "xtcp_set_state: .*10\.7\.0\.2:80 SYN_SENT -> CLOSE" "and the attempt ends in CLOSE"
finish
