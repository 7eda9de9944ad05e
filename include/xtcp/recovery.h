/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loss recovery (recovery.c): the scoreboard (SACKed, lost, sent again),
 * what an ACK frees, what three duplicate ACKs, a partial ACK (RFC 5681,
 * RFC 6582), SACK (RFC 2018, RFC 6675) and an RTO (RFC 6298 5.4, RFC 5681
 * 3.1) take as lost. cong.c decides cwnd; this file resends.
 */
#ifndef _XTCP_RECOVERY_H
#define _XTCP_RECOVERY_H

#include <linux/types.h>

#define XTCP_REORDERING_INIT	3	/* Linux's tcp_reordering: RFC 6675's DupThresh */
#define XTCP_REORDERING_MAX	300	/* Linux's tcp_max_reordering */
#define XTCP_REO_WND_MULT_MAX	255	/* Linux's u8 reo_wnd_steps: SRTT caps the window */
#define XTCP_RACK_RECOVERY_THRESH 16	/* recoveries a widened window lasts (Linux's) */

struct sk_buff;
struct sock;
struct xtcp_seg;
struct xtcp_sock;

/*
 * What one ACK covered, for its round trip (xtcp_ack_rtt()): when the
 * oldest and the newest segment it acknowledged were sent (of those sent
 * once and not SACKed before), whether one acknowledged was sent more
 * than once, and when the oldest and newest it SACKed were sent (of those
 * sent once). 0: none.
 */
struct xtcp_ack_times {
	u64 first_ns, last_ns;
	u64 first_sack_ns, last_sack_ns;
	bool ambiguous;		/* Karn's rule: the cumulative times do not count */
	bool acked;		/* SND.UNA passed a segment of the queue */
};

u32 xtcp_lost_bytes(const struct xtcp_sock *xs);
u32 xtcp_in_flight(const struct xtcp_sock *xs);
void xtcp_retransmit(struct sock *sk);
bool xtcp_resend_lost(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_retransmit_timeout(struct sock *sk);
void xtcp_sack_tag(struct sock *sk, const struct xtcp_seg *seg, u32 prior_una, u64 now_ns,
		   struct xtcp_ack_times *t);
bool xtcp_sack_detect(struct sock *sk, u64 now_ns);
u64 xtcp_tlp_pto_ns(struct sock *sk, u64 now_ns);
void xtcp_rack_timeout(struct sock *sk, u64 now_ns);
void xtcp_loss_probe(struct sock *sk);
void xtcp_tlp_acked(struct sock *sk);
void xtcp_clean_acked(struct sock *sk, u64 now_ns, struct xtcp_ack_times *t);
void xtcp_ack_rtt(struct sock *sk, const struct xtcp_ack_times *t, u64 now_ns, u32 ts_rtt_us);
void xtcp_eifel_ack(struct sock *sk, u32 tsecr, u32 prior_una);
void xtcp_rack_recovered(struct xtcp_sock *xs);

#endif /* _XTCP_RECOVERY_H */
