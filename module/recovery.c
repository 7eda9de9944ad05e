// SPDX-License-Identifier: GPL-2.0
/*
 * Loss recovery on a scoreboard, as Linux keeps it: each sent skb of the
 * write queue is marked SACKed (the peer holds it, RFC 2018), lost (to be
 * sent again) and retransmitted (lost, and sent again since), and the
 * socket counts the bytes of each mark (sacked_out, lost_out, retrans_out),
 * so what is in the network is RFC 6675's pipe in one subtraction.
 *
 * Segments are taken as lost by three duplicate ACKs or a partial ACK
 * (RFC 5681 3.2, RFC 6582: the first unacknowledged one), by SACK (RFC 6675
 * IsLost: more than two segments' worth SACKed above it), or by an RTO
 * (everything not SACKed, RFC 5681 3.1's loss window); lost segments go
 * again in order as the congestion window lets them (__xtcp_push), never
 * one the peer holds. What SND.UNA passes is freed and timed (RFC 6298,
 * Karn's rule). cong.c decides cwnd; this file decides what to resend.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/math64.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>

#include "xtcp/history.h"
#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/recovery.h"
#include "xtcp/rtt.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"
#include "xtcp/trace.h"

/* The sequence space an skb of the write queue takes (SYN and FIN: one). */
static u32 xtcp_skb_span(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->end_seq - XTCP_SKB_CB(skb)->seq;
}

/* Bytes taken as lost and not yet sent again. */
u32 xtcp_lost_bytes(const struct xtcp_sock *xs)
{
	return xs->lost_out - xs->retrans_out;
}

/*
 * What is in the network (RFC 6675 SetPipe, Linux's tcp_packets_in_flight()):
 * sent and unacknowledged, less what the peer holds and what is lost,
 * plus what was lost and sent again.
 */
u32 xtcp_in_flight(const struct xtcp_sock *xs)
{
	u32 out = xs->tcb.snd_nxt - xs->tcb.snd_una;
	u32 left = xs->sacked_out + xs->lost_out;

	return (left < out ? out - left : 0) + xs->retrans_out;
}

/* Take skb's marks off the counters (it is acknowledged, or marked anew). */
static void xtcp_unmark(struct xtcp_sock *xs, struct sk_buff *skb, u8 marks)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 span = xtcp_skb_span(skb);

	marks &= cb->sacked;
	if (marks & XTCP_SKB_SACKED) {
		xs->sacked_out -= span;
		xs->sacked_segs -= xtcp_skb_pcount(skb, xs->mss);
	}
	if (marks & XTCP_SKB_LOST)
		xs->lost_out -= span;
	if (marks & XTCP_SKB_RETRANS)
		xs->retrans_out -= span;
	cb->sacked &= ~marks;
}

/* skb is lost: it goes again as cwnd allows. One the peer holds is not. */
static void xtcp_mark_lost(struct xtcp_sock *xs, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->sacked & (XTCP_SKB_SACKED | XTCP_SKB_LOST))
		return;
	cb->sacked |= XTCP_SKB_LOST;
	xs->lost_out += xtcp_skb_span(skb);
}

int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	/* Segments, not skbs, as Linux counts (an skb may hold 45). */
	u32 segs = xtcp_skb_pcount(skb, xs->mss);

	xtcp_sk_add(sk, XTCP_MIB_RETRANS_SEGS, segs);
	/* In fast recovery, by segments, as Linux's TCPFastRetrans (not an RTO's, a probe's). */
	if (xs->cc.in_recovery)
		xtcp_sk_add(sk, XTCP_MIB_FAST_RETRANS, segs);
	trace_xtcp_retransmit(sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			      ntohs(sk->sk_dport), sk->sk_state, sk->sk_state,
			      "retransmission");
	if (!(cb->sacked & XTCP_SKB_EVER_RETRANS))
		xs->resent_queued++;
	cb->sacked |= XTCP_SKB_EVER_RETRANS;
	xtcp_cc_retransmitted(&xs->cc, xtcp_ts_now(xtcp_clock_ns(), xs->tcb.ts.offset));
	if ((cb->sacked & (XTCP_SKB_LOST | XTCP_SKB_RETRANS)) == XTCP_SKB_LOST) {
		cb->sacked |= XTCP_SKB_RETRANS;
		xs->retrans_out += xtcp_skb_span(skb);
	}
	xs->total_retrans += segs;
	return xtcp_transmit(sk, skb);
}

/*
 * Send skb again, at most segs segments of it: the rest, cut off, waits
 * its turn (tcp_retransmit_skb() cuts at what cwnd allows). SACKed skbs,
 * whose count is in segments, are not cut.
 */
static int xtcp_retransmit_part(struct sock *sk, struct sk_buff *skb, u32 segs)
{
	u32 most = max_t(u32, segs, 1) * xtcp_mss(xtcp_sk(sk));

	if (skb->len > most && !(XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED))
		xtcp_fragment(sk, skb, most);
	return xtcp_retransmit_skb(sk, skb);
}

/*
 * Send the oldest unacknowledged segment again, whatever cwnd says: the
 * RTO ran out, three duplicate ACKs or a partial ACK said it is lost, or a
 * SYN came again. It is taken as lost, and as sent again.
 */
void xtcp_retransmit(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb || skb == xtcp_sk(sk)->send_head)
		return;
	xtcp_mark_lost(xtcp_sk(sk), skb);
	xtcp_retransmit_part(sk, skb, 1);
}

/*
 * The oldest segment lost and not yet sent again goes, with those after it
 * in its skb as far as cwnd allows (one at least). False if none went.
 */
bool xtcp_resend_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 flight = xtcp_in_flight(xs), mss = xtcp_mss(xs);
	u32 room = xs->cc.cwnd > flight ? xs->cc.cwnd - flight : 0;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		u8 marks = XTCP_SKB_CB(skb)->sacked;

		if (skb == xs->send_head)
			break;
		if ((marks & (XTCP_SKB_LOST | XTCP_SKB_RETRANS)) == XTCP_SKB_LOST)
			return !xtcp_retransmit_part(sk, skb, min(room / mss,
								  xtcp_size_goal(xs) / mss));
	}
	return false;
}

/*
 * The RTO ran out: everything in flight the peer does not hold is lost,
 * and what was sent again is lost again (RFC 5681 3.1's loss window; RFC
 * 6298 5.4 resends the first at once); the rest follows as the ACKs of
 * slow start open cwnd. If the first unacknowledged segment is marked
 * SACKed, the peer has reneged (RFC 2018 8): its SACKs count no more.
 */
void xtcp_retransmit_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb, *head = skb_peek(&sk->sk_write_queue);
	bool reneged = head && head != xs->send_head &&
		       (XTCP_SKB_CB(head)->sacked & XTCP_SKB_SACKED);

	if (xs->tcb.retries <= 1)
		xtcp_recovery_event(sk, "loss: retransmission timeout (RFC 6298)");
	xtcp_cc_timeout(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, xs->mss, xs->tcb.retries > 1);
	xs->rack.tlp_out = 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		xtcp_unmark(xs, skb, XTCP_SKB_RETRANS | (reneged ? XTCP_SKB_SACKED : 0));
		xtcp_mark_lost(xs, skb);
	}
	xtcp_resend_lost(sk);
}

/*
 * A segment from seq, never sent twice, reached the peer after data up to
 * high (SACKed before) did: reordering, by that many segments. DupThresh
 * follows the deepest seen, as Linux's tcp_check_sack_reordering(), so
 * reordering is not taken for loss again.
 */
static void xtcp_reordering_seen(struct xtcp_sock *xs, u32 seq, u32 high)
{
	u32 mss = xtcp_mss(xs), segs;

	if (!xtcp_seq_before(seq, high))
		return;
	xs->reord_seen++;
	segs = min_t(u32, DIV_ROUND_UP(high - seq, mss), XTCP_REORDERING_MAX);
	if (segs > xs->reordering)
		xs->reordering = segs;
}

/*
 * An ACK of new data (SND.UNA was prior_una) echoed tsecr. If it answers
 * a segment sent before the first retransmission since a reduction (Eifel,
 * RFC 3522), the hole was filled by the original, late: that is
 * reordering (Linux's tcp_try_undo_partial() counts it so, and so must
 * RACK, or on a path where every late segment is resent first it would
 * never learn a reordering window). The reduction is undone, and what is
 * marked lost unmarked, once no retransmission is in flight (or at once
 * after an RTO, as tcp_try_undo_loss()). While some are, the reordering
 * is deeper than was thought: this ACK marks nothing more lost and
 * resends nothing (rack.hold, until xtcp_apply() is done with it; Linux's
 * tcp_try_undo_partial(): "do not mark more packets lost").
 */
void xtcp_eifel_ack(struct sock *sk, u32 tsecr, u32 prior_una)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (!xtcp_cc_eifel(&xs->cc, tsecr))
		return;
	if (xs->sacked_out)
		xtcp_reordering_seen(xs, prior_una, xs->high_sacked);
	if (xs->cc.in_recovery && xs->retrans_out) {
		xs->rack.hold = 1;
		return;
	}
	xtcp_cc_undo(&xs->cc);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		xtcp_unmark(xs, skb, XTCP_SKB_LOST | XTCP_SKB_RETRANS);
	}
	xtcp_recovery_event(sk, "undo: the original arrived (RFC 3522)");
	xs->undos++;
	xtcp_sk_inc(sk, XTCP_MIB_EIFEL_UNDOS);
}

/*
 * RACK (RFC 8985 6.2 step 2): skb was delivered (acknowledged or SACKed)
 * at now. RACK.rtt is the round trip of the segment delivered last
 * (take_rtt), the segment most recently sent of all delivered is the one
 * loss is judged against; a retransmitted one delivered sooner than the
 * least round trip is the original's delivery, not its own. Linux takes
 * the SACK blocks first and the cumulative ACK after (tcp_ack()), so on a
 * reordering path RACK.rtt is mostly that of a late segment, and the
 * segments overtaken wait that long before they are judged lost: an ACK
 * that moved SND.UNA keeps its round trip against its SACK blocks.
 */
static void xtcp_rack_advance(struct xtcp_sock *xs, const struct sk_buff *skb, u64 now_ns,
			      bool take_rtt)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u64 rtt_us = (now_ns - cb->sent_ns) / NSEC_PER_USEC;

	if ((cb->sacked & XTCP_SKB_EVER_RETRANS) && rtt_us < xs->rtt.min_rtt_us)
		return;
	if (take_rtt || !xs->rack.rtt_us)
		xs->rack.rtt_us = clamp_t(u64, rtt_us, 1, U32_MAX);
	if (cb->sent_ns < xs->rack.xmit_ns ||
	    (cb->sent_ns == xs->rack.xmit_ns && !xtcp_seq_after(cb->end_seq, xs->rack.end_seq)))
		return;
	xs->rack.xmit_ns = cb->sent_ns;
	xs->rack.end_seq = cb->end_seq;
}

/*
 * RACK's reordering window (RFC 8985 6.2 step 4, Linux's tcp_rack_reo_wnd()):
 * none while no reordering has been seen and the connection is recovering
 * or DupThresh segments are SACKed (then reordering is unlikely); else a
 * quarter of the least round trip, times the steps DSACKs have added, at
 * most the smoothed round trip.
 */
static u64 xtcp_rack_reo_wnd_ns(const struct xtcp_sock *xs)
{
	u32 min_rtt = xs->rtt.min_rtt_us ?: xs->rtt.srtt_us;

	if (!xs->reord_seen &&
	    (xs->cc.in_recovery || xtcp_lost_bytes(xs) || xs->sacked_segs >= xs->reordering))
		return 0;
	return (u64)min_t(u32, min_rtt / 4 * xs->rack.reo_wnd_mult, xs->rtt.srtt_us) *
	       NSEC_PER_USEC;
}

/*
 * RACK_detect_loss (RFC 8985 6.2 step 5): a segment sent before the RACK
 * segment and not delivered is lost once its own round trip plus the
 * reordering window has passed; a retransmission so judged is lost again.
 * Returns how long until the next such verdict is due (0: none is).
 * While no segment in the queue was sent twice, the queue is in sending
 * order too, so the walk ends at the first segment sent after the RACK
 * one (as Linux's walk of its time-sorted list): one step per ACK on a
 * clean path, not one per segment in flight.
 */
static u64 xtcp_rack_detect(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 reo_wnd, wait = 0;
	struct sk_buff *skb;
	unsigned int lost = 0;

	if (!xs->rack.xmit_ns || !READ_ONCE(xtcp_sk_net(sk)->recovery))
		return 0;
	reo_wnd = xtcp_rack_reo_wnd_ns(xs);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u64 due;

		if (skb == xs->send_head)
			break;
		if ((cb->sacked & XTCP_SKB_SACKED) ||
		    (cb->sacked & (XTCP_SKB_LOST | XTCP_SKB_RETRANS)) == XTCP_SKB_LOST)
			continue;
		if (cb->sent_ns > xs->rack.xmit_ns ||
		    (cb->sent_ns == xs->rack.xmit_ns &&
		     !xtcp_seq_before(cb->end_seq, xs->rack.end_seq))) {
			if (!xs->resent_queued)
				break;
			continue;
		}
		due = cb->sent_ns + (u64)xs->rack.rtt_us * NSEC_PER_USEC + reo_wnd;
		if (due > now_ns) {
			wait = max(wait, due - now_ns);
			continue;
		}
		xtcp_unmark(xs, skb, XTCP_SKB_RETRANS);
		xtcp_mark_lost(xs, skb);
		lost++;
	}
	xtcp_sk_add(sk, XTCP_MIB_RACK_LOSSES, lost);
	return wait;
}

/* RACK's reordering timer expired (RFC 8985 6.3): judge again, resend. */
void xtcp_rack_timeout(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 wait = xtcp_rack_detect(sk, now_ns);
	bool start = xtcp_lost_bytes(xs) &&
		     xtcp_cc_recovery(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, xs->mss);

	/*
	 * PRR as on an ACK: one segment delivered when this starts recovery
	 * (Linux's tcp_cwnd_reduction(sk, 1, ...)), none otherwise, so what
	 * the timer marked lost goes as the ACKs allow, not at once.
	 */
	if (xs->cc.in_recovery)
		xtcp_cc_prr(&xs->cc, xtcp_in_flight(xs), start ? xs->mss : 0, xs->mss, false, true);
	if (start) {
		xtcp_recovery_event(sk, "recovery: RACK reordering timer (RFC 8985 6.3)");
		xtcp_sk_inc(sk, XTCP_MIB_SACK_RECOVERIES);
		xtcp_resend_lost(sk);
	}
	xtcp_push(sk);
	if (wait)
		xtcp_timers_reorder(sk, wait);
	else
		xtcp_timers_rearm(sk);
}

/*
 * The probe timeout (RFC 8985 7.2, as Linux's tcp_schedule_loss_probe()):
 * with SACK in use, nothing lost and no probe out, two smoothed round
 * trips after now, plus the minimum RTO if a single segment is out (its
 * ACK may be delayed), or 2 ms, rounded up to a jiffy as Linux's
 * usecs_to_jiffies() (a pause of the receiver longer than two round trips
 * is common under load; a probe sooner than Linux's is one Linux would
 * not send, and comes back a DSACK); never past the RTO of the oldest
 * segment. 0: no probe now.
 */
u64 xtcp_tlp_pto_ns(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	int early_retrans = READ_ONCE(xtcp_sk_net(sk)->early_retrans);
	u64 pto, rto_at;

	if ((early_retrans != 3 && early_retrans != 4) || !xs->sack_ok || xs->cc.in_recovery ||
	    xtcp_lost_bytes(xs) || xs->rack.tlp_out || !xs->rtt.srtt_us || !head ||
	    head == xs->send_head ||
	    !((1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_FIN_WAIT1) |
				     XTCPF(XTCP_CLOSE_WAIT) | XTCPF(XTCP_CLOSING) |
				     XTCPF(XTCP_LAST_ACK))))
		return 0;
	pto = 2 * (u64)xs->rtt.srtt_us * NSEC_PER_USEC;
	if (xs->tcb.snd_nxt - xs->tcb.snd_una <= xs->mss)
		pto += (u64)READ_ONCE(xtcp_sk_net(sk)->rto_min_ms) * NSEC_PER_MSEC;
	else
		pto += 2 * NSEC_PER_MSEC;
	pto = roundup(pto, TICK_NSEC);
	rto_at = XTCP_SKB_CB(head)->sent_ns + (u64)xs->tcb.rto_ms * NSEC_PER_MSEC;
	if (rto_at > now_ns)
		pto = min(pto, rto_at - now_ns);
	return pto;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tlp_pto_ns);

/*
 * The probe timer expired (RFC 8985 7.3): one new segment if the peer's
 * window takes it, whatever cwnd says, else the last segment sent again,
 * so that an ACK comes and RACK can judge the tail. One probe at a time,
 * until the ACK covers what was sent before it.
 */
void xtcp_loss_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *last = NULL, *skb;

	/* Recovery began since the probe was armed: it resends, not the probe. */
	if (!xs->sack_ok || xs->cc.in_recovery || xtcp_lost_bytes(xs) || xs->rack.tlp_out)
		return;
	xtcp_sk_inc(sk, XTCP_MIB_TLPS);
	xs->rack.tlp_out = 1;
	xs->rack.tlp_high_seq = xs->tcb.snd_nxt;
	xs->tlps++;
	if (xtcp_send_new_probe(sk))
		return;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		last = skb;
	}
	if (!last)
		return;
	/* Only the last segment of an skb of several (tcp_send_loss_probe()). */
	if (xtcp_skb_pcount(last, xs->mss) > 1 && !(XTCP_SKB_CB(last)->sacked & XTCP_SKB_SACKED) &&
	    !xtcp_fragment(sk, last, last->len - (last->len % xs->mss ?: xs->mss)))
		last = skb_queue_next(&sk->sk_write_queue, last);
	xtcp_retransmit_skb(sk, last);
}

/* The ACK passed what was sent before the probe: another may go. */
void xtcp_tlp_acked(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->rack.tlp_out && !xtcp_seq_before(xs->tcb.snd_una, xs->rack.tlp_high_seq))
		xs->rack.tlp_out = 0;
}

/*
 * RFC 2018 section 3: the peer holds [start, end) for each SACK block in
 * seg. Whole skbs inside a block are marked SACKed (a lost or resent one
 * no longer counts as such); blocks that are no SACK of data in flight
 * (empty, below SND.UNA, past SND.NXT) are ignored. Returns how many
 * blocks were taken.
 */
static unsigned int xtcp_sack_mark(struct sock *sk, const struct xtcp_seg *seg,
				   unsigned int first, bool acked, u64 now_ns,
				   struct xtcp_ack_times *t)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 prior_high = xs->sacked_out ? xs->high_sacked : xs->tcb.snd_una;
	unsigned int b, taken = 0;

	for (b = first; b < seg->sack_blocks && b < XTCP_SACK_BLOCKS_MAX; b++) {
		u32 start = seg->sack[b].start, end = seg->sack[b].end;
		struct sk_buff *skb;

		if (!xtcp_seq_before(start, end) || !xtcp_seq_after(end, xs->tcb.snd_una) ||
		    xtcp_seq_after(end, xs->tcb.snd_nxt) ||
		    xtcp_seq_before(start, xs->tcb.snd_una))
			continue;
		taken++;
		skb_queue_walk(&sk->sk_write_queue, skb) {
			struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

			if (skb == xs->send_head || !xtcp_seq_before(cb->seq, end))
				break;
			if (cb->sacked & XTCP_SKB_SACKED)
				continue;
			/* A block's edge inside an skb of several segments cuts it there. */
			if (xtcp_seq_before(cb->seq, start) && xtcp_seq_after(cb->end_seq, start) &&
			    !xtcp_fragment(sk, skb, start - cb->seq))
				continue;
			if (xtcp_seq_after(cb->end_seq, end) && xtcp_seq_before(cb->seq, end))
				xtcp_fragment(sk, skb, end - cb->seq);
			if (xtcp_seq_before(cb->seq, start) || xtcp_seq_after(cb->end_seq, end))
				continue;
			if (!(cb->sacked & XTCP_SKB_EVER_RETRANS)) {
				xtcp_reordering_seen(xs, cb->seq, prior_high);
				/* tcp_sacktag_one()'s first_sackt and last_sackt */
				t->last_sack_ns = cb->sent_ns;
				t->first_sack_ns = t->first_sack_ns ?: cb->sent_ns;
			}
			xtcp_rack_advance(xs, skb, now_ns, !acked);
			xtcp_unmark(xs, skb, XTCP_SKB_LOST | XTCP_SKB_RETRANS);
			if (!xs->sacked_out || xtcp_seq_after(cb->end_seq, xs->high_sacked))
				xs->high_sacked = cb->end_seq;
			cb->sacked |= XTCP_SKB_SACKED;
			xs->sacked_out += xtcp_skb_span(skb);
			xs->sacked_segs += xtcp_skb_pcount(skb, xs->mss);
		}
	}
	return taken;
}

/*
 * RFC 6675 section 4, IsLost(): a segment not SACKed, below the highest
 * SACKed one, is lost when DupThresh segments above it are SACKed (as
 * Linux counts, tcp_time_to_recover()), or more than (DupThresh - 1)
 * segments' worth of bytes. DupThresh is the reordering seen, 3 at first.
 */
static void xtcp_sack_mark_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 above = xs->sacked_out, segs = xs->sacked_segs;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (skb == xs->send_head || !xtcp_seq_before(cb->seq, xs->high_sacked) ||
		    (segs < xs->reordering && above <= (xs->reordering - 1) * xs->mss))
			break;
		if (cb->sacked & XTCP_SKB_SACKED) {
			above -= xtcp_skb_span(skb);
			segs -= xtcp_skb_pcount(skb, xs->mss);
		} else {
			xtcp_mark_lost(xs, skb);
		}
	}
}

/*
 * RFC 2883 4: a first SACK block below the ACK, or inside the second, is a
 * DSACK: the peer got those bytes twice. It counts against the
 * retransmissions of the last reduction (cong.c may undo it) and is no
 * SACK of data in flight. Returns 1 if the first block was one.
 *
 * As Linux's tcp_dsack_seen(), one is dubious, and taken for nothing, if
 * it is wider than any window the peer offered or if more segments have
 * been reported twice than were ever sent twice: the network duplicated
 * them, or the peer says so to undo a reduction or stretch RACK's window.
 */
static unsigned int xtcp_dsack_seen(struct sock *sk, const struct xtcp_seg *seg)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_sack_block *b = seg->sack;
	u32 mss = xtcp_mss(xs), len, segs;

	if (!seg->sack_blocks || !xtcp_seq_before(b[0].start, b[0].end))
		return 0;
	if (!xtcp_seq_before(b[0].start, seg->ack) &&
	    (seg->sack_blocks < 2 || xtcp_seq_before(b[0].start, b[1].start) ||
	     xtcp_seq_after(b[0].end, b[1].end)))
		return 0;
	xs->dsacks++;
	xtcp_sk_inc(sk, XTCP_MIB_DSACKS_RECV);
	len = b[0].end - b[0].start;
	if (len > xs->tcb.max_snd_wnd)
		return 0;
	segs = DIV_ROUND_UP(len, mss);
	xs->dsack_dups += segs;
	if (xs->dsack_dups > xs->total_retrans)
		return 0;
	/*
	 * RACK: a wider reordering window, a step a round trip (RFC 8985 6.2
	 * step 4), once reordering has been seen, and not for the DSACK of a
	 * loss probe, which the timer sent, not a RACK verdict (Linux).
	 */
	if (xs->reord_seen && !(len <= mss && b[0].end == xs->rack.tlp_high_seq) &&
	    xs->bytes_acked >= xs->rack.dsack_round) {
		xs->rack.reo_wnd_mult = min_t(u32, xs->rack.reo_wnd_mult + 1,
					      XTCP_REO_WND_MULT_MAX);
		xs->rack.dsack_round = xs->bytes_acked + (xs->tcb.snd_nxt - xs->tcb.snd_una);
		xs->rack.reo_wnd_persist = XTCP_RACK_RECOVERY_THRESH;
	}
	if (xtcp_cc_dsack(&xs->cc, b[0].end, segs)) {
		/* A recovery undone by DSACKs: the window lasts one more (Linux). */
		xs->rack.reo_wnd_persist = min_t(u32, xs->rack.reo_wnd_persist + 1,
						 XTCP_RACK_RECOVERY_THRESH);
		xtcp_recovery_event(sk, "undo: every resend came twice (RFC 3708)");
		xs->undos++;
		xtcp_sk_inc(sk, XTCP_MIB_DSACK_UNDOS);
	}
	return 1;
}

/*
 * A recovery ended, not undone (Linux's tcp_try_undo_recovery()): the
 * reordering that widened RACK's window has not been seen for
 * XTCP_RACK_RECOVERY_THRESH of them, and the window is a quarter of the
 * least round trip again (RFC 8985 6.2 step 4, reo_wnd_persist).
 */
void xtcp_rack_recovered(struct xtcp_sock *xs)
{
	if (xs->rack.reo_wnd_persist && !--xs->rack.reo_wnd_persist)
		xs->rack.reo_wnd_mult = 1;
}

/*
 * An ACK came on a connection that uses SACK: mark what its blocks say the
 * peer holds (Linux's tcp_sacktag_write_queue()), noting in t when the
 * segments they newly cover were sent.
 */
void xtcp_sack_tag(struct sock *sk, const struct xtcp_seg *seg, u32 prior_una, u64 now_ns,
		   struct xtcp_ack_times *t)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned int dsack = xtcp_dsack_seen(sk, seg), taken;

	taken = xtcp_sack_mark(sk, seg, dsack, xs->tcb.snd_una != prior_una, now_ns, t);
	xtcp_sk_add(sk, XTCP_MIB_SACK_BLOCKS_RECV, taken);
	xtcp_sk_add(sk, XTCP_MIB_SACK_DISCARDS, seg->sack_blocks - dsack - taken);
}

/*
 * After the scoreboard and the round trip took the ACK: what is lost, by
 * time (RACK, RFC 8985), arming RACK's timer for what may yet be, unless
 * rack.hold (the ACK showed deeper reordering than was thought); with
 * net.xtcp.recovery 0, by DupThresh (RFC 6675 IsLost) instead, as Linux
 * uses one or the other. True if something is lost and not yet sent
 * again: loss recovery starts (RFC 8985 6.2, as Linux's
 * tcp_time_to_recover()).
 */
bool xtcp_sack_detect(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 wait;

	if (xs->sacked_out && !READ_ONCE(xtcp_sk_net(sk)->recovery))
		xtcp_sack_mark_lost(sk);
	wait = xs->rack.hold ? 0 : xtcp_rack_detect(sk, now_ns);
	if (wait)
		xtcp_timers_reorder(sk, wait);
	return xtcp_lost_bytes(xs);
}

/*
 * SND.UNA is inside skb, an skb of several segments: the bytes it passed
 * are freed now (tcp_tso_acked()), and their marks' counts. A SACKed skb
 * keeps them until the rest is acknowledged. True if it was trimmed.
 */
static bool xtcp_ack_part(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 acked = xs->tcb.snd_una - cb->seq;
	u8 marks = cb->sacked;

	if (!skb->len || (marks & XTCP_SKB_SACKED) || xtcp_trim_head(sk, skb, acked))
		return false;
	if (marks & XTCP_SKB_LOST)
		xs->lost_out -= acked;
	if (marks & XTCP_SKB_RETRANS)
		xs->retrans_out -= acked;
	xs->bytes_acked += acked;
	return true;
}

/*
 * An acknowledged skb sent once and not SACKed times the round trip
 * (tcp_clean_rtx_queue()'s first_ackt and last_ackt): the first such sets
 * first_ns, each sets last_ns.
 */
static void xtcp_rtt_sent_times(const struct sk_buff *skb, struct xtcp_ack_times *t)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->sacked & (XTCP_SKB_SACKED | XTCP_SKB_EVER_RETRANS))
		return;
	t->last_ns = cb->sent_ns;
	t->first_ns = t->first_ns ?: t->last_ns;
}

/*
 * Free what SND.UNA has passed, its marks with it, and note in t when the
 * segments it covers were sent, for xtcp_ack_rtt() (as Linux's
 * tcp_clean_rtx_queue()).
 */
void xtcp_clean_acked(struct sock *sk, u64 now_ns, struct xtcp_ack_times *t)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sacked = xs->sacked_out;
	u32 prior_high = xs->high_sacked;
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head &&
	       xtcp_seq_before_eq(XTCP_SKB_CB(skb)->end_seq, xs->tcb.snd_una)) {
		u8 marks = XTCP_SKB_CB(skb)->sacked;

		t->ambiguous |= !!(marks & XTCP_SKB_EVER_RETRANS);
		if (marks & XTCP_SKB_EVER_RETRANS)
			xs->resent_queued--;
		/* Sent once, not SACKed, yet below what was: it came late. */
		if (sacked && !(marks & (XTCP_SKB_EVER_RETRANS | XTCP_SKB_SACKED)))
			xtcp_reordering_seen(xs, XTCP_SKB_CB(skb)->seq, prior_high);
		if (!(marks & XTCP_SKB_SACKED))
			xtcp_rack_advance(xs, skb, now_ns, true);
		xtcp_rtt_sent_times(skb, t);
		t->acked = true;
		xtcp_unmark(xs, skb, XTCP_SKB_SACKED | XTCP_SKB_LOST | XTCP_SKB_RETRANS);
		xs->bytes_acked += skb->len;
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_add(sk, -skb->truesize);
		consume_skb(skb);
	}
	if (skb && skb != xs->send_head &&
	    xtcp_seq_after(xs->tcb.snd_una, XTCP_SKB_CB(skb)->seq) && xtcp_ack_part(sk, skb)) {
		t->ambiguous |= !!(XTCP_SKB_CB(skb)->sacked & XTCP_SKB_EVER_RETRANS);
		xtcp_rack_advance(xs, skb, now_ns, true);
		xtcp_rtt_sent_times(skb, t);
		t->acked = true;
	}
}

/*
 * The round trip an ACK measured, as Linux's tcp_ack_update_rtt(), from
 * what xtcp_clean_acked() and the SACK blocks noted in t: SRTT by the
 * oldest segment acknowledged that was sent once and not SACKed before
 * (its ACK was due first), else by the oldest one this ACK SACKed; the
 * least round trip and congestion control by the newest one SACKed, else
 * the newest acknowledged. So an ACK that only SACKs measures too, and on
 * a reordering path the segments let through early count (Linux's
 * ca_rtt_us from last_sackt). If a segment acknowledged was sent more
 * than once (Karn's rule) and none was SACKed, or none qualifies, the
 * echoed timestamp, ts_rtt_us, says which sending the ACK answers (RFC
 * 7323 4.1; 0: none), if the ACK moved SND.UNA (RTTM's rule).
 */
void xtcp_ack_rtt(struct sock *sk, const struct xtcp_ack_times *t, u64 now_ns, u32 ts_rtt_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 seq_us = 0, ca_us = 0;

	if (t->first_ns && !t->ambiguous) {
		seq_us = xtcp_us_since(now_ns, t->first_ns);
		ca_us = xtcp_us_since(now_ns, t->last_ns);
	}
	if (t->first_sack_ns) {
		seq_us = seq_us ?: xtcp_us_since(now_ns, t->first_sack_ns);
		ca_us = xtcp_us_since(now_ns, t->last_sack_ns);
	}
	if (!seq_us && t->acked && ts_rtt_us) {
		seq_us = ts_rtt_us;
		ca_us = ts_rtt_us;
	}
	if (!seq_us)
		return;
	xtcp_rtt_update(sk, seq_us, ca_us);
	if (xs->cc.ops->rtt_sample) {
		struct xtcp_ack_sample sample = {
			.now_ns = now_ns, .snd_una = xs->tcb.snd_una, .snd_nxt = xs->tcb.snd_nxt,
			.rtt_us = ca_us, .mss = xs->mss,
		};
		/* HyStart's only (slow start): no division per ACK after it. */
		u64 rate = xs->cc.cwnd < xs->cc.ssthresh ?
			   xtcp_send_rate(xs->cc.cwnd, xs->cc.ssthresh, xs->rtt.srtt_us) : 0;

		/* hystart_ack_delay(): four 64 KiB packets at that rate, at most 1 ms. */
		if (xs->gso_ok && rate)
			sample.ack_delay_us = min_t(u64, USEC_PER_MSEC,
						    div64_u64(4ULL * SZ_64K * USEC_PER_SEC, rate));
		xs->cc.ops->rtt_sample(&xs->cc, &sample);
	}
}
