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

struct net;
struct xtcp_cc;

/*
 * A congestion control algorithm (as Linux's tcp_congestion_ops): what it
 * makes ssthresh on a loss, and how cwnd grows past ssthresh. Slow start,
 * recovery, limited transmit and undo are cong.c's, the same for all.
 */
/* What an ACK that measured a round trip tells the algorithm (Linux's ack_sample). */
struct xtcp_ack_sample {
	u64 now_ns;		/* when it came */
	u32 snd_una;		/* SND.UNA and SND.NXT after it */
	u32 snd_nxt;
	u32 rtt_us;		/* the round trip of the newest segment it covers */
	u32 mss;
	u32 ack_delay_us;	/* HyStart's allowance for GSO (hystart_ack_delay()) */
};

struct xtcp_cc_ops {
	const char *name;
	u8 id;				/* XTCP_CC_RENO, ... (uapi) */
	void (*init)(struct xtcp_cc *cc);
	u32 (*ssthresh)(struct xtcp_cc *cc, u32 flight, u32 mss);
	void (*cong_avoid)(struct xtcp_cc *cc, u32 acked, u32 mss, u64 now_ns);
	/* An RTO (Linux's TCP_CA_Loss state change); may be NULL. */
	void (*loss)(struct xtcp_cc *cc);
	/* An ACK that measured a round trip (HyStart); may be NULL. */
	void (*rtt_sample)(struct xtcp_cc *cc, const struct xtcp_ack_sample *s);
};

#define XTCP_CC_NAME_MAX	16	/* as TCP_CA_NAME_MAX */

extern const struct xtcp_cc_ops xtcp_reno_ops;
extern const struct xtcp_cc_ops xtcp_cubic_ops;

/* CUBIC's state (cubic.c, RFC 9438), and HyStart's (RFC 9406). */
struct xtcp_cubic {
	u64 epoch_ns;		/* when this avoidance epoch began; 0: none yet */
	u32 w_max;		/* cwnd before the last reduction, bytes */
	u32 k_ms;		/* how long the curve takes back to origin */
	u32 origin;		/* the curve's plateau, bytes */
	u32 w_est;		/* the Reno-friendly estimate, bytes (RFC 9438 4.3) */
	u64 acc;		/* growth owed to cwnd, in bytes times cwnd */
	u64 est_acc;		/* the same for w_est */
	u32 delay_min_us;	/* the least round trip (Linux's delay_min) */
	u32 round_end;		/* HyStart: the round ends when this is ACKed */
	u32 round_start_us;	/* when it began */
	u32 last_ack_us;	/* the last ACK of the round's ACK train */
	u32 round_min_us;	/* the least round trip of its first samples */
	u8 round_samples;
};

struct xtcp_cc {
	const struct xtcp_cc_ops *ops;
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
	u32 retrans_tsval;	/* the TSval of its first retransmission (Eifel) */
	u32 prior_cwnd;		/* cwnd when the reduction began: PRR's RecoverFS too */
	u32 prior_ssthresh;
	/*
	 * Whether the sender uses cwnd (Linux's tcp_cwnd_validate(), RFC
	 * 7661): cwnd grows only when it held data back this round, or in
	 * slow start while under twice the most in flight; an application
	 * writing slowly does not inflate it.
	 */
	bool cwnd_limited;
	u32 max_flight;
	u32 usage_seq;		/* the round ends when this is acknowledged */
	u32 prr_delivered;	/* PRR (RFC 6937): delivered since recovery began */
	u32 prr_out;		/* and sent */
	struct xtcp_cubic cubic;
};

void xtcp_cc_init(struct xtcp_cc *cc, u32 mss, u32 iss, const struct xtcp_cc_ops *ops);
const struct xtcp_cc_ops *xtcp_cc_find(const char *name);
const struct xtcp_cc_ops *xtcp_cc_default(struct net *net);
void xtcp_cc_available(char *buf, size_t len);
bool xtcp_cc_ack(struct xtcp_cc *cc, u32 ack, u32 acked, u32 flight, u32 mss, u64 now_ns);
u32 xtcp_reno_ssthresh(struct xtcp_cc *cc, u32 flight, u32 mss);
void xtcp_reno_cong_avoid(struct xtcp_cc *cc, u32 acked, u32 mss, u64 now_ns);
bool xtcp_cc_recovery(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss);
bool xtcp_cc_dupack(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss);
u32 xtcp_cc_send_window(const struct xtcp_cc *cc, u32 mss);
void xtcp_cc_retransmitted(struct xtcp_cc *cc, u32 tsval);
bool xtcp_cc_dsack(struct xtcp_cc *cc, u32 end_seq, u32 segs);
bool xtcp_cc_eifel(const struct xtcp_cc *cc, u32 tsecr);
void xtcp_cc_undo(struct xtcp_cc *cc);
void xtcp_cc_prr(struct xtcp_cc *cc, u32 pipe, u32 delivered, u32 mss, bool una_advanced,
		 bool newly_lost);
void xtcp_cc_timeout(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss, bool again);
void xtcp_cc_pushed(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 flight, bool limited);

/* Bytes went out (PRR counts them in recovery). */
static inline void xtcp_cc_sent(struct xtcp_cc *cc, u32 len)
{
	if (cc->in_recovery)
		cc->prr_out += len;
}

#endif /* _XTCP_CONG_H */
