// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly: the out-of-order queue, where in-window segments beyond
 * RCV.NXT wait for the hole before them to fill (RFC 9293 3.10.7.4,
 * seventh step: "held for later processing"). The queue is sorted by
 * sequence number and holds each byte at most once, so it never holds more
 * than the window's bytes. Only skbs and sequence numbers: KUnit drives it
 * with hand-made skbs. An skb's cb seq..end_seq is its data.
 */
#include <kunit/visibility.h>
#include <linux/skbuff.h>

#include "xtcp/mem.h"
#include "xtcp/reasm.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"

#define SEQ(skb)	(XTCP_SKB_CB(skb)->seq)
#define END(skb)	(XTCP_SKB_CB(skb)->end_seq)

/* A compact copy of small data leaves room for more to join it. */
#define XTCP_COALESCE_ROOM	SKB_WITH_OVERHEAD(2048)

static struct sk_buff *xtcp_ooo_after(struct sk_buff_head *q, struct sk_buff *skb)
{
	if (!skb)
		return skb_peek(q);
	return skb_queue_is_last(q, skb) ? NULL : skb->next;
}

/*
 * Put skb in q: bytes q already holds are cut from skb, and queued skbs
 * that skb covers whole are freed. Returns false if skb brings nothing new
 * (or cannot be cut); the caller still owns it then.
 */
bool xtcp_ooo_insert(struct sk_buff_head *q, struct sk_buff *skb)
{
	struct sk_buff *prev = NULL, *next, *p;

	/* The last skb starting at or before skb; from the tail, as data mostly comes in order. */
	skb_queue_reverse_walk(q, p) {
		if (xtcp_seq_before_eq(SEQ(p), SEQ(skb))) {
			prev = p;
			break;
		}
	}
	if (prev) {
		if (xtcp_seq_after_eq(END(prev), END(skb)))
			return false;
		if (xtcp_seq_after(END(prev), SEQ(skb))) {
			if (!pskb_pull(skb, END(prev) - SEQ(skb)))
				return false;
			SEQ(skb) = END(prev);
		}
	}
	next = xtcp_ooo_after(q, prev);
	while (next && xtcp_seq_before(SEQ(next), END(skb))) {
		if (xtcp_seq_after(END(next), END(skb))) {
			/* Overlaps skb's tail: keep the queued bytes, cut skb's. */
			if (SEQ(next) == SEQ(skb) || pskb_trim(skb, SEQ(next) - SEQ(skb)))
				return false;
			END(skb) = SEQ(next);
			break;
		}
		p = xtcp_ooo_after(q, next);
		__skb_unlink(next, q);
		kfree_skb_reason(next, SKB_DROP_REASON_TCP_OFOMERGE);
		next = p;
	}
	if (prev)
		__skb_queue_after(q, prev, skb);
	else
		__skb_queue_head(q, skb);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ooo_insert);

/*
 * The queued data that continues at rcv_nxt, cut to start there, out of
 * q; skbs wholly before rcv_nxt are freed. NULL while a hole remains.
 */
struct sk_buff *xtcp_ooo_next(struct sk_buff_head *q, u32 rcv_nxt)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(q)) && xtcp_seq_before_eq(SEQ(skb), rcv_nxt)) {
		__skb_unlink(skb, q);
		if (xtcp_seq_after(END(skb), rcv_nxt) && pskb_pull(skb, rcv_nxt - SEQ(skb))) {
			SEQ(skb) = rcv_nxt;
			return skb;
		}
		kfree_skb_reason(skb, SKB_DROP_REASON_TCP_OLD_DATA);
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ooo_next);

/*
 * The data [off, off + len) of skb, in a buffer sk's receive memory can
 * take: skb itself (*consumed) when its truesize fits, else a compact copy
 * (a clone of the sender's skb on loopback, or a trimmed segment, may be
 * far bigger than its data), with room for more small data to join it
 * (xtcp_coalesce()). NULL if even the copy does not fit, unless force:
 * in-order data inside the window we advertised is taken, as a small buffer
 * must not stall the connection (xtcp_ctx_of() closes the window once the
 * socket holds twice its buffer).
 */
static struct sk_buff *xtcp_rcv_buf(struct sock *sk, struct sk_buff *skb, u32 seq,
				    u32 off, u32 len, bool force, bool *consumed)
{
	int room = xtcp_rcvbuf(sk) - atomic_read(&sk->sk_rmem_alloc);
	struct sk_buff *buf = skb;

	if (xtcp_rmem_refused(sk))
		return NULL;	/* the namespace is over net.xtcp.mem's high mark */
	if (skb->truesize <= room) {
		if (off && !pskb_pull(skb, off))
			return NULL;
		if (pskb_trim(skb, len))
			return NULL;
		skb_dst_drop(skb);
		*consumed = true;
	} else {
		if (!force && SKB_TRUESIZE(len) > room)
			return NULL;
		buf = alloc_skb(max_t(u32, len, XTCP_COALESCE_ROOM), GFP_ATOMIC);
		if (!buf)
			return NULL;
		if (skb_copy_bits(skb, off, skb_put(buf, len), len)) {
			kfree_skb_reason(buf, SKB_DROP_REASON_NOMEM);
			return NULL;
		}
	}
	XTCP_SKB_CB(buf)->seq = seq;
	XTCP_SKB_CB(buf)->end_seq = seq + len;
	xtcp_set_owner_r(buf, sk);
	return buf;
}

/*
 * Append in-order data to the receive queue's last buffer when that is our
 * own copy with room for it, as Linux's tcp_try_coalesce(): a stream of
 * tiny segments then costs about its bytes, not a buffer each.
 */
static bool xtcp_coalesce(struct sock *sk, struct sk_buff *skb, u32 off, u32 len)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);

	if (!tail || skb_cloned(tail) || skb_is_nonlinear(tail) || skb_tailroom(tail) < len ||
	    END(tail) != xtcp_sk(sk)->tcb.rcv_nxt)
		return false;
	if (skb_copy_bits(skb, off, skb_put(tail, len), len)) {
		__skb_trim(tail, tail->len - len);
		return false;
	}
	END(tail) += len;
	return true;
}

/*
 * The SACK blocks we report (RFC 2018 section 4): the first holds the
 * segment that arrived last, the others the blocks reported before, most
 * recent first, as many as fit. A new segment joins every block it
 * touches (Linux's tcp_sack_new_ofo_skb() and tcp_sack_maybe_coalesce()).
 */
static void xtcp_sack_new_ofo(struct xtcp_sock *xs, u32 start, u32 end)
{
	struct xtcp_sack_block *sp = xs->sack_rep;
	unsigned int i = 0, j, n = xs->num_sacks;

	while (i < n) {
		if (xtcp_seq_after(sp[i].start, end) || xtcp_seq_after(start, sp[i].end)) {
			i++;
			continue;
		}
		if (xtcp_seq_before(sp[i].start, start))
			start = sp[i].start;
		if (xtcp_seq_after(sp[i].end, end))
			end = sp[i].end;
		for (j = i; j + 1 < n; j++)
			sp[j] = sp[j + 1];
		n--;
	}
	if (n == XTCP_SACK_BLOCKS_MAX)
		n--;		/* the oldest goes */
	for (j = n; j > 0; j--)
		sp[j] = sp[j - 1];
	sp[0].start = start;
	sp[0].end = end;
	xs->num_sacks = n + 1;
}

/*
 * RFC 2883: [start, end) came again; the next ACK reports it first, a
 * DSACK, so the sender learns its retransmission was needless (with SACK
 * in use and net.xtcp.dsack on, as Linux's tcp_dsack_set()).
 */
void xtcp_dsack_set(struct sock *sk, u32 start, u32 end)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok || !READ_ONCE(xtcp_sk_net(sk)->dsack) ||
	    !xtcp_seq_before(start, end))
		return;
	xs->dsack_block.start = start;
	xs->dsack_block.end = end;
	xs->dsack_pending = 1;
}

/* RCV.NXT moved: blocks it reached are in order now (tcp_sack_remove()). */
static void xtcp_sack_remove(struct xtcp_sock *xs)
{
	unsigned int i, n = 0;

	for (i = 0; i < xs->num_sacks; i++)
		if (xtcp_seq_before(xs->tcb.rcv_nxt, xs->sack_rep[i].start))
			xs->sack_rep[n++] = xs->sack_rep[i];
	xs->num_sacks = n;
}

/*
 * In-order data: to the receive queue, and with it whatever the
 * out-of-order queue holds that now continues it. True if skb was kept;
 * without memory for a copy, *reason says so and RCV.NXT stays.
 */
bool xtcp_data_in_order(struct sock *sk, struct sk_buff *skb,
			const struct xtcp_verdict *v, enum skb_drop_reason *reason)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool consumed = false;
	struct sk_buff *buf;

	if (xtcp_coalesce(sk, skb, v->data_off, v->data_len)) {
		xs->tcb.rcv_nxt += v->data_len;
		xs->bytes_received += v->data_len;
		buf = xtcp_ooo_next(&xs->ooo_queue, xs->tcb.rcv_nxt);
	} else {
		buf = xtcp_rcv_buf(sk, skb, xs->tcb.rcv_nxt, v->data_off, v->data_len, true,
				   &consumed);
		if (!buf) {
			xtcp_sk_inc(sk, XTCP_MIB_RCVQ_DROPS);
			*reason = SKB_DROP_REASON_PROTO_MEM;
			return false;
		}
	}
	while (buf) {
		__skb_queue_tail(&sk->sk_receive_queue, buf);
		xs->tcb.rcv_nxt = XTCP_SKB_CB(buf)->end_seq;
		xs->bytes_received += buf->len;
		buf = xtcp_ooo_next(&xs->ooo_queue, xs->tcb.rcv_nxt);
	}
	if (xs->num_sacks)
		xtcp_sack_remove(xs);
	sk->sk_data_ready(sk);
	return consumed;
}

/* Data after a hole: held in the out-of-order queue if memory allows. */
bool xtcp_data_out_of_order(struct sock *sk, struct sk_buff *skb,
			    const struct xtcp_seg *seg, const struct xtcp_verdict *v,
			    enum skb_drop_reason *reason)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 seq = seg->seq + v->data_off;
	bool consumed = false;
	struct sk_buff *buf;

	/* Under memory pressure, data after a hole is not kept (Linux prunes it). */
	if (xtcp_mem_pressure(sk)) {
		xtcp_sk_inc(sk, XTCP_MIB_OOO_DROPS);
		*reason = SKB_DROP_REASON_PROTO_MEM;
		__skb_queue_purge(&xs->ooo_queue);
		xs->num_sacks = 0;	/* reneging (RFC 2018 8): the sender's RTO mends it */
		return false;
	}
	buf = xtcp_rcv_buf(sk, skb, seq, v->data_off, v->data_len, false, &consumed);
	if (!buf) {
		xtcp_sk_inc(sk, XTCP_MIB_OOO_DROPS);
		*reason = SKB_DROP_REASON_TCP_OFO_DROP;
		return false;
	}
	if (!xtcp_ooo_insert(&xs->ooo_queue, buf)) {
		/* Nothing new: every byte is held already. */
		xtcp_dsack_set(sk, seq, seq + v->data_len);
		if (!consumed)
			consume_skb(buf);	/* a copy; skb itself the caller drops */
		*reason = SKB_DROP_REASON_TCP_OFOMERGE;
		return false;
	}
	xtcp_sk_inc(sk, XTCP_MIB_OOO_QUEUED);
	if (xs->sack_ok)
		xtcp_sack_new_ofo(xs, seq, seq + v->data_len);
	return consumed;
}
