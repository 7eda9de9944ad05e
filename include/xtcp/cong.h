/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NewReno congestion control (RFC 5681, RFC 6582; with SACK, RFC 6675's
 * recovery) as pure functions over
 * struct xtcp_cc: each event returns whether to retransmit the first
 * unacknowledged segment. Bytes throughout; KUnit drives it with scripted
 * ACK sequences.
 */
#ifndef _XTCP_CONG_H
#define _XTCP_CONG_H

#include <linux/types.h>

struct xtcp_cc {
	u32 cwnd;		/* bytes the sender may have in flight */
	u32 ssthresh;
	u32 recover;		/* RFC 6582: SND.NXT when recovery began */
	u32 bytes_acked;	/* avoidance: acknowledged since cwnd last grew */
	u8 dupacks;		/* duplicate ACKs in a row */
	bool in_recovery;	/* fast recovery, until recover is acknowledged */
	bool sack;		/* recovery by the SACK scoreboard (RFC 6675) */
	/*
	 * Undo (RFC 3708, Linux's undo_marker): what the last reduction
	 * replaced, and its retransmissions not yet shown needless by a DSACK.
	 */
	bool undo_ok;		/* a reduction since undo_marker may be undone */
	u32 undo_marker;	/* SND.UNA when it began */
	u32 undo_retrans;	/* its retransmissions no DSACK has covered */
	u32 prior_cwnd;
	u32 prior_ssthresh;
};

void xtcp_cc_init(struct xtcp_cc *cc, u32 mss, u32 iss);
bool xtcp_cc_ack(struct xtcp_cc *cc, u32 ack, u32 acked, u32 flight, u32 mss);
bool xtcp_cc_recovery(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss);
bool xtcp_cc_dupack(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss);
u32 xtcp_cc_send_window(const struct xtcp_cc *cc, u32 mss);
void xtcp_cc_retransmitted(struct xtcp_cc *cc);
bool xtcp_cc_dsack(struct xtcp_cc *cc, u32 end_seq, u32 segs);
void xtcp_cc_timeout(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss, bool again);

#endif /* _XTCP_CONG_H */
