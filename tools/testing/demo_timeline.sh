#!/bin/bash
# make demo's timeline (tools/demo/timeline.py): both xnc ends pass through
# every state of the course's drawing, TIME_WAIT ends on its timer, the
# segments of the handshake and the close are shown, and the bytes arrive.
#
# XTCP_SMOKE: also run on Debian's stock kernel.
set -u
. "$(dirname "$0")/lib.sh"

out=$("$(dirname "$0")/../demo/timeline.py" 2>&1)
expect_eq "$?" 0 "timeline.py exits 0"
has() {
	if grep -qF -- "$1" <<<"$out"; then
		ktest_result 1 "$2"
	else
		ktest_result 0 "$2: no '$1' in: $out"
	fi
}
for t in "client: CLOSE -> SYN_SENT" "server: CLOSE -> SYN_RECV" \
	"client: SYN_SENT -> ESTABLISHED" "server: SYN_RECV -> ESTABLISHED" \
	"client: ESTABLISHED -> FIN_WAIT1" "server: ESTABLISHED -> CLOSE_WAIT" \
	"client: FIN_WAIT1 -> FIN_WAIT2" "server: CLOSE_WAIT -> LAST_ACK" \
	"client: FIN_WAIT2 -> TIME_WAIT" "server: LAST_ACK -> CLOSE" \
	"client: TIME_WAIT -> CLOSE  (timer TIME_WAIT)"; do
	has "$t" "the timeline shows $t"
done
has "client > server: Flags [S], seq 0, win" "the SYN"
has "server > client: Flags [S.], seq 0, ack 1," "the SYN+ACK"
has "client > server: Flags [.], seq 1, ack 1," "the handshake's ACK"
has "server > client: Flags [P.], seq 1:34, ack 24," "data sent from CLOSE_WAIT"
has "client > server: Flags [.], seq 24, ack 35," "the last ACK, from TIME_WAIT"
has "both intact" "the bytes arrived on both ends"
has "FIN_WAIT2   -> TIME_WAIT    rcv FIN" "the client's history, read in TIME_WAIT"
has "TimeWaits" "the counters"
finish
