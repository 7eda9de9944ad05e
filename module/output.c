// SPDX-License-Identifier: GPL-2.0
/*
 * The send path. Data, SYN and FIN sit on sk_write_queue until
 * acknowledged; send_head is the first not yet sent. A push sends what
 * the peer's window, the congestion window (cong.c), Nagle's algorithm,
 * a cork and sender-side silly window avoidance allow, and arms the
 * retransmission or persist timer for it. xmit.c puts each on the wire.
 */
#include <kunit/visibility.h>
#include <linux/skbuff.h>
#ifdef XTCP_HAVE_SKBUFF_REF_H
#include <linux/skbuff_ref.h>
#endif
#include <linux/uio.h>

#include "xtcp/ack.h"
#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/recovery.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"

void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	__skb_queue_tail(&sk->sk_write_queue, skb);
	xtcp_wmem_add(sk, skb->truesize);
	WRITE_ONCE(xs->write_seq, XTCP_SKB_CB(skb)->end_seq);
	if (!xs->send_head)
		xs->send_head = skb;
}

/*
 * Copy len bytes of the user's data onto the end of skb, into page
 * fragments (the socket's or the task's page_frag, as TCP's): no zeroed
 * kmalloc for each segment, and the pages go out as they are (a GSO
 * packet takes references, loopback hands them to the receiver). Returns
 * the bytes copied, fewer if skb has no fragment left; if none, -EFAULT
 * or -ENOBUFS.
 */
int xtcp_copy_to_frags(struct sock *sk, struct sk_buff *skb, struct iov_iter *from, int len)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int done = 0, err = 0;

	while (done < len) {
		int i = skb_shinfo(skb)->nr_frags, copy, got;
		bool merge;

		if (!sk_page_frag_refill(sk, pfrag)) {
			err = -ENOBUFS;
			break;
		}
		merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
		if (!merge && i >= MAX_SKB_FRAGS)
			break;
		copy = min_t(int, len - done, pfrag->size - pfrag->offset);
		got = copy_page_from_iter(pfrag->page, pfrag->offset, copy, from);
		if (!got) {
			err = -EFAULT;
			break;
		}
		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], got);
		} else {
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, got);
			get_page(pfrag->page);
		}
		pfrag->offset += got;
		skb->len += got;
		skb->data_len += got;
		skb->truesize += got;
		done += got;
	}
	return done ?: err;
}

/*
 * How many segments one GSO packet carries (Linux's tcp_tso_autosize()):
 * a millisecond of data at the rate the connection sends (cwnd per SRTT,
 * twice that in slow start and 1.2 times after: Linux's pacing rate,
 * shifted by sk_pacing_shift 10), plus 64 KiB >> (least round trip / 512
 * us) (tcp_tso_rtt_log 9); at least 2 (tcp_min_tso_segs), at most 64 KiB.
 * On loopback and veth that is 64 KiB; on a long path a few segments, so
 * that a reordering or a drop on the path moves a few, not 45, and the
 * recovery that follows resends as few. cwnd is the larger of cwnd and
 * what is in flight, as Linux's. Pure: KUnit's xtcp_send suite drives it.
 */
u32 xtcp_tso_autosize(u32 mss, u32 cwnd, u32 ssthresh, u32 srtt_us, u32 min_rtt_us)
{
	u64 bytes = XTCP_GSO_MAX;
	u32 r = min_rtt_us >> 9;

	mss = max_t(u32, mss, 1);
	if (srtt_us) {
		bytes = xtcp_send_rate(cwnd, ssthresh, srtt_us) >> 10;
		if (min_rtt_us && r < 32)
			bytes += XTCP_GSO_MAX >> r;
	}
	bytes = min_t(u64, bytes, XTCP_GSO_MAX);
	return max_t(u32, (u32)bytes / mss, 2);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tso_autosize);

/*
 * The rate the connection sends at, bytes a second, as Linux's pacing rate
 * (tcp_update_pacing_rate()): cwnd per SRTT, twice that in slow start
 * (below half ssthresh) and 1.2 times after. xtcp does not pace; GSO
 * sizing and HyStart read it as Linux's do. 0 before a round trip.
 */
u64 xtcp_send_rate(u32 cwnd, u32 ssthresh, u32 srtt_us)
{
	u32 percent = cwnd < ssthresh / 2 ? 200 : 120;

	if (!srtt_us)
		return 0;
	return div64_u64((u64)cwnd * USEC_PER_SEC * percent, (u64)srtt_us * 100);
}

/*
 * How much one GSO packet (or one skb of the write queue) holds now:
 * where the route takes xtcp's GSO packets, the whole segments the
 * autosizing above gives, so that 64 KiB costs one skb and not 45, and
 * goes as one; else one segment.
 */
u32 xtcp_size_goal(const struct xtcp_sock *xs)
{
	if (!xs->gso_ok || !xs->mss || xs->mss > XTCP_GSO_MAX / 2)
		return xs->mss;
	return xtcp_tso_autosize(xs->mss, max(xs->cc.cwnd, xtcp_in_flight(xs)), xs->cc.ssthresh,
				 xs->rtt.srtt_us, xs->rtt.min_rtt_us) * xs->mss;
}

/*
 * Copy up to len bytes of the user's data onto the end of the write
 * queue's last skb while it is unsent and short of the size goal, so
 * small writes held by Nagle or a cork leave as one segment. Returns the
 * bytes taken (0: start a new skb) or -EFAULT.
 */
int xtcp_append_tail(struct sock *sk, struct iov_iter *from, size_t len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	u32 goal = xtcp_size_goal(xs);
	int copied;

	if (!xs->send_head || !tail || tail->len >= goal || skb_cloned(tail) ||
	    (XTCP_SKB_CB(tail)->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN)))
		return 0;
	len = min_t(size_t, len, goal - tail->len);
	copied = xtcp_copy_to_frags(sk, tail, from, len);
	if (copied <= 0)	/* a new skb tries again, and says why it cannot */
		return copied == -EFAULT ? -EFAULT : 0;
	xtcp_wmem_add(sk, copied);
	XTCP_SKB_CB(tail)->end_seq += copied;
	WRITE_ONCE(xs->write_seq, XTCP_SKB_CB(tail)->end_seq);
	return copied;
}

/*
 * PSH (RFC 9293 3.9.1 SEND's PUSH flag) as Linux sets it: on the segment
 * that ends a write, unless MSG_MORE says more follows (tcp_mark_push()),
 * and on the one that takes the unpushed data past half the largest
 * window the peer has offered, so a long write still pushes now and
 * then (forced_push()).
 */
void xtcp_mark_push(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	/* The tail, if unsent (send_head set) and data (not the SYN or FIN). */
	if (!xs->send_head || !tail->len)
		return;
	XTCP_SKB_CB(tail)->flags |= XTCP_FLAG_PSH;
	xs->pushed_seq = xs->write_seq;
}

bool xtcp_forced_push(const struct xtcp_sock *xs)
{
	return xtcp_seq_after(xs->write_seq, xs->pushed_seq + (xs->tcb.max_snd_wnd >> 1));
}

/* Queue and send the SYN (flags SYN) or SYN+ACK: it occupies ISS. */
int xtcp_queue_syn(struct sock *sk, u8 flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);

	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, XTCP_MAX_HEADER);
	XTCP_SKB_CB(skb)->seq = xs->tcb.iss;
	XTCP_SKB_CB(skb)->end_seq = xs->tcb.iss + 1;
	XTCP_SKB_CB(skb)->flags = flags;
	xs->tcb.snd_una = xs->tcb.iss;
	xs->tcb.snd_nxt = xs->tcb.iss;
	xs->tcb.snd_sml = xs->tcb.iss;
	xtcp_queue_tail(sk, skb);
	xs->pushed_seq = xs->write_seq;
	xtcp_push(sk);
	return 0;
}

/* The user is done sending: a FIN goes after the queued data. */
static void xtcp_queue_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	struct sk_buff *skb;
	u32 seq = tail ? XTCP_SKB_CB(tail)->end_seq : xs->tcb.snd_nxt;

	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return;		/* the FIN is retried on the next push */
	skb_reserve(skb, XTCP_MAX_HEADER);
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + 1;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_FIN;
	xtcp_queue_tail(sk, skb);
	xs->fin_sent = 1;
}

/*
 * A write-queue skb about to change: if a clone in flight shares its data,
 * it takes a copy of its own (skb_unclone()), charged as before
 * (skb_unclone_keeptruesize(), which 6.1 does not export).
 */
static int xtcp_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err = skb_unclone(skb, GFP_ATOMIC);

	skb->truesize = truesize;
	return err;
}

/*
 * Cut a write-queue skb after len bytes; the rest becomes a new skb right
 * after it (as tcp_fragment()), its page fragments moved over. A sent one
 * may be cut too (a SACK block's edge, what cwnd lets go again): both parts
 * keep its sending time and marks, whose byte counts do not change; it
 * must not be marked SACKed, whose count is in segments.
 */
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *tail;
	u32 linear, moved;

	/* Both parts hold data: a SYN or FIN alone is never cut. */
	if (!len || len >= skb->len)
		return -EINVAL;
	/* A clone in flight shares the fragments skb_split() moves. */
	if (xtcp_unclone(skb))
		return -ENOBUFS;
	linear = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	tail = alloc_skb(XTCP_MAX_HEADER + linear, GFP_ATOMIC);
	if (!tail)
		return -ENOBUFS;
	skb_reserve(tail, XTCP_MAX_HEADER);
	skb_split(skb, tail, len);
	moved = tail->data_len;
	tail->truesize += moved;
	skb->truesize -= moved;
	*XTCP_SKB_CB(tail) = *cb;
	XTCP_SKB_CB(tail)->seq = cb->seq + len;
	/* As tcp_fragment(): PSH and FIN belong to the end, the second part. */
	cb->flags &= ~(XTCP_FLAG_PSH | XTCP_FLAG_FIN);
	cb->end_seq = cb->seq + len;
	if (cb->sacked & XTCP_SKB_EVER_RETRANS)
		xs->resent_queued++;
	__skb_queue_after(&sk->sk_write_queue, skb, tail);
	xtcp_wmem_add(sk, tail->truesize - moved);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_fragment);

/*
 * SND.UNA passed the first len bytes of a sent skb: free them now (as
 * tcp_trim_head()), not when the rest is acknowledged. The caller keeps
 * the scoreboard's counts.
 */
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	u32 head = min(len, skb_headlen(skb)), eat = len - head;
	struct skb_shared_info *sh;
	int i, k = 0;

	/* A clone in flight shares the fragments this changes. */
	if (xtcp_unclone(skb))
		return -ENOBUFS;
	sh = skb_shinfo(skb);
	__skb_pull(skb, head);
	for (i = 0; i < sh->nr_frags; i++) {
		u32 size = skb_frag_size(&sh->frags[i]);

		if (size <= eat) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		sh->frags[k] = sh->frags[i];
		if (eat) {
			skb_frag_off_add(&sh->frags[k], eat);
			skb_frag_size_sub(&sh->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	sh->nr_frags = k;
	skb->data_len -= len - head;
	skb->len -= len - head;
	skb->truesize -= len;
	xtcp_wmem_add(sk, -(int)len);
	XTCP_SKB_CB(skb)->seq += len;
	return 0;
}

/*
 * Nagle's algorithm (RFC 896, RFC 9293 3.7.4) in Minshall's form, as Linux
 * has it: a partial segment at the end of the queue waits while an earlier
 * partial one is unacknowledged, so at most one small segment is in flight
 * and full ones are never held back. XTCP_CORK and MSG_MORE hold it in any
 * case, until the persist timer's send (one RTO: Linux's 200 ms ceiling).
 * Nothing waits once the user has shut down sending.
 */
static bool xtcp_nagle_holds(const struct xtcp_tcb *tcb, const struct xtcp_send_cond *c,
			     enum xtcp_push_how how)
{
	if (how == XTCP_PUSH_NOW || c->len >= c->mss || c->fin_queued || !c->last)
		return false;
	if (c->cork || how == XTCP_PUSH_MORE)
		return true;
	return !c->nodelay && xtcp_seq_after(tcb->snd_sml, tcb->snd_una);
}

/*
 * The send decision: how much of the first unsent skb may go now: all of
 * it, a part that fills a window, or nothing. The congestion window (RFC
 * 5681) lets a segment go if it fits, or if nothing is in flight, and of
 * an skb of several segments the whole ones that fit (Linux's
 * tcp_mss_split_point()); Nagle and the cork may hold a small one, or the
 * partial segment at the end of a longer one; RFC 9293 3.8.6.2.1 (sender's
 * silly window avoidance) sends a part only if it is a full segment or
 * half the largest window the peer has offered, unless a window probe
 * takes whatever fits. Pure: KUnit's xtcp_send suite drives it.
 */
u32 xtcp_send_decide(const struct xtcp_tcb *tcb, const struct xtcp_send_cond *c,
		     enum xtcp_push_how how)
{
	u32 wnd_end = tcb->snd_una + tcb->snd_wnd;
	u32 room = xtcp_seq_after(wnd_end, c->seq) ? wnd_end - c->seq : 0;
	bool probe = how == XTCP_PUSH_PROBE;
	u32 mss = max_t(u32, c->mss, 1), len = c->len;

	/* SYN and FIN take no window. */
	if (!len)
		return 0;
	if (!probe && c->in_flight && c->in_flight + len > c->cwnd) {
		u32 cwnd_room = c->cwnd > c->in_flight ? c->cwnd - c->in_flight : 0;

		len = cwnd_room - cwnd_room % mss;
		if (!len)
			return 0;
	}
	if (!probe && xtcp_nagle_holds(tcb, c, how))
		return 0;
	if (!probe && len == c->len && len > mss && len % mss) {
		struct xtcp_send_cond tail = *c;

		tail.len = len % mss;
		if (xtcp_nagle_holds(tcb, &tail, how))
			len -= tail.len;
	}
	if (room >= len)
		return len;
	if (!probe && room >= mss)
		return room - room % mss;
	if (probe || room >= min_t(u32, c->mss, tcb->max_snd_wnd / 2))
		return room;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_send_decide);

/* What the send decision reads of skb (at send_head) and of the socket. */
static void xtcp_send_cond_of(const struct sock *sk, const struct sk_buff *skb,
			      struct xtcp_send_cond *c)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	c->seq = XTCP_SKB_CB(skb)->seq;
	c->len = skb->len;
	c->last = skb_queue_is_last(&sk->sk_write_queue, skb);
	c->fin_queued = xs->fin_queued;
	c->cork = xs->cork;
	c->nodelay = xs->nodelay;
	c->mss = xs->mss;
	c->in_flight = xtcp_in_flight(xs);
	c->cwnd = xtcp_cc_send_window(&xs->cc, xs->mss);
}

/*
 * Send send_head (or what fits of it), in burst if given; false if nothing
 * could go.
 */
static bool xtcp_send_head(struct sock *sk, enum xtcp_push_how how, struct xtcp_burst *burst)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->send_head;
	struct xtcp_send_cond c;
	u32 len;

	xtcp_send_cond_of(sk, skb, &c);
	len = xtcp_send_decide(&xs->tcb, &c, how);

	if (skb->len && !len)
		return false;
	/* No more than a GSO packet's worth at a time (tcp_write_xmit()'s max_segs). */
	if (burst && burst->max_len && len > burst->max_len)
		len = burst->max_len;
	if (len < skb->len && xtcp_fragment(sk, skb, len))
		return false;
	if (burst ? xtcp_burst_add(sk, burst, skb) : xtcp_transmit(sk, skb))
		return false;
	xs->tcb.snd_nxt = XTCP_SKB_CB(skb)->end_seq;
	if (skb->len)
		xtcp_ack_data_sent(sk, XTCP_SKB_CB(skb)->sent_ns);
	if (skb->len && skb->len % xtcp_mss(xs))
		xs->tcb.snd_sml = xs->tcb.snd_nxt;	/* for Nagle: it ends short */
	xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
			NULL : skb_queue_next(&sk->sk_write_queue, skb);
	return true;
}

/*
 * A tail loss probe's new segment (RFC 8985 7.3): send_head, if the
 * peer's window takes it whole, whatever cwnd and Nagle say. False if
 * none went (the probe resends the last segment instead).
 */
bool xtcp_send_new_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->send_head;

	if (!skb || !skb->len)
		return false;
	/* One segment (tcp_send_loss_probe() sends one). */
	if (skb->len > xs->mss && xtcp_fragment(sk, skb, xs->mss))
		return false;
	if (xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, xs->tcb.snd_una + xs->tcb.snd_wnd))
		return false;
	return xtcp_send_head(sk, XTCP_PUSH_PROBE, NULL);
}

/*
 * After a push: whether cwnd held data back (as Linux's tcp_write_xmit()
 * sees it: something waits and no segment more fits), for cwnd's growth.
 */
static void xtcp_push_done(struct sock *sk, bool sent)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 flight = xtcp_in_flight(xs);
	bool limited = (xs->send_head || xtcp_lost_bytes(xs)) &&
		       flight + xs->mss > xtcp_cc_send_window(&xs->cc, xs->mss);

	if (sent || limited)
		xtcp_cc_pushed(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, flight, limited);
}

/*
 * Send what the peer's window allows, from send_head on; then the FIN if
 * the user has shut down writing. Arms the retransmission timer for
 * whatever is now in flight, or the persist timer if the window (or a
 * cork) holds everything back (RFC 9293 3.8.6.1).
 */
void __xtcp_push(struct sock *sk, enum xtcp_push_how how)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_burst burst = { .max_len = xtcp_size_goal(xs) };
	bool sent = false;

	if (xs->fin_queued && !xs->fin_sent &&
	    ((1 << sk->sk_state) & (XTCPF(XTCP_FIN_WAIT1) | XTCPF(XTCP_LAST_ACK) |
				    XTCPF(XTCP_CLOSING))))
		xtcp_queue_fin(sk);
	/* Unless the ACK just taken said to wait (tcp_try_undo_partial()): new data then. */
	while (!xs->rack.hold && xtcp_lost_bytes(xs) && xtcp_in_flight(xs) < xs->cc.cwnd &&
	       xtcp_resend_lost(sk))
		sent = true;
	while (xs->send_head && xtcp_send_head(sk, how, &burst))
		sent = true;
	xtcp_burst_flush(sk, &burst);
	xtcp_push_done(sk, sent);
	if (sent)	/* from when the burst went, if one did, as Linux's tcp_mstamp */
		xtcp_timers_data_sent(sk, burst.now_ns ?: xtcp_clock_ns());
	else if (xs->send_head && xs->tcb.snd_una == xs->tcb.snd_nxt)
		xtcp_timers_send_blocked(sk);
}

/*
 * The persist timer fired: what fits in the window goes, or a zero-window
 * probe, <SEQ=SND.UNA-1><CTL=ACK>, which the peer answers with its window.
 */
void xtcp_window_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->send_head && xtcp_send_head(sk, XTCP_PUSH_PROBE, NULL)) {
		xtcp_timers_data_sent(sk, xtcp_clock_ns());
		return;
	}
	xtcp_send_probe(sk);
}

/*
 * <SEQ=SND.NXT-1><CTL=ACK>: an old sequence number, which the peer must
 * answer with an ACK (RFC 9293 3.8.4 keepalive, 3.8.6.1 window probe).
 */
void xtcp_send_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->tcb.snd_nxt--;
	xtcp_send_control(sk, XTCP_FLAG_ACK, xtcp_clock_ns());
	xs->tcb.snd_nxt++;
}
