// SPDX-License-Identifier: GPL-2.0
/*
 * Loss recovery: what SND.UNA passes is freed (and timed, RFC 6298 with
 * Karn's rule); the oldest segment is sent again on three duplicate ACKs
 * or a partial ACK (RFC 5681 3.2, RFC 6582); after an RTO everything in
 * flight is taken as lost and resent as cwnd opens (RFC 5681 3.1, RFC 6298
 * 5.4). cong.c decides cwnd; this file decides what to resend.
 */
#include <linux/skbuff.h>

#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/recovery.h"
#include "xtcp/rtt.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"
#include "xtcp/trace.h"

/* Bytes after an RTO still waiting to be sent again. */
u32 xtcp_lost_bytes(const struct xtcp_sock *xs)
{
	return xtcp_seq_before(xs->rtx_seq, xs->lost_end) ? xs->lost_end - xs->rtx_seq : 0;
}

/* What is in the network: sent, not acknowledged, not given up as lost. */
u32 xtcp_in_flight(const struct xtcp_sock *xs)
{
	return xs->tcb.snd_nxt - xs->tcb.snd_una - xtcp_lost_bytes(xs);
}

static int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	xtcp_inc(sock_net(sk), XTCP_MIB_RETRANS_SEGS);
	trace_xtcp_retransmit(sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			      ntohs(sk->sk_dport), sk->sk_state, sk->sk_state,
			      "retransmission");
	XTCP_SKB_CB(skb)->retransmitted = 1;
	xtcp_sk(sk)->total_retrans++;
	return xtcp_transmit(sk, skb);
}

/*
 * Send the oldest unacknowledged segment again: the RTO ran out, three
 * duplicate ACKs or a partial ACK said it is lost, or a SYN came again.
 */
void xtcp_retransmit(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (skb && skb != xtcp_sk(sk)->send_head)
		xtcp_retransmit_skb(sk, skb);
}

/* After an RTO: the next segment of [rtx_seq, lost_end). False if none went. */
bool xtcp_resend_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		if (xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, xs->rtx_seq)) {
			if (xtcp_retransmit_skb(sk, skb))
				return false;
			xs->rtx_seq = XTCP_SKB_CB(skb)->end_seq;
			return true;
		}
	}
	xs->rtx_seq = xs->lost_end;
	return false;
}

/*
 * The RTO ran out: everything in flight is taken as lost (RFC 5681 3.1's
 * loss window; RFC 6298 5.4 resends the first), and the rest follows as
 * the ACKs of slow start open cwnd again.
 */
void xtcp_retransmit_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_cc_timeout(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, xs->mss, xs->tcb.retries > 1);
	xs->rtx_seq = xs->tcb.snd_una;
	xs->lost_end = xs->tcb.snd_nxt;
	xtcp_resend_lost(sk);
}

/*
 * Free what SND.UNA has passed (none of it needs resending after an RTO
 * any more), and measure the round trip by the newest segment it covers,
 * unless one of them was retransmitted (Karn's rule).
 */
void xtcp_clean_acked(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool ambiguous = false;
	u64 sent_ns = 0;
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head &&
	       xtcp_seq_before_eq(XTCP_SKB_CB(skb)->end_seq, xs->tcb.snd_una)) {
		ambiguous |= XTCP_SKB_CB(skb)->retransmitted;
		sent_ns = XTCP_SKB_CB(skb)->sent_ns;
		xs->bytes_acked += skb->len;
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_add(sk, -skb->truesize);
		consume_skb(skb);
	}
	if (xtcp_seq_before(xs->rtx_seq, xs->tcb.snd_una))
		xs->rtx_seq = xs->tcb.snd_una;
	/* A round trip under a microsecond (loopback, a coarse clock) counts as 1 us. */
	if (sent_ns && !ambiguous)
		xtcp_rtt_update(sk, clamp_t(u64, (now_ns - sent_ns) / NSEC_PER_USEC, 1,
					    U32_MAX));
}
