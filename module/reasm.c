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

#include "xtcp/seq.h"
#include "xtcp/xtcp.h"

#define SEQ(skb)	(XTCP_SKB_CB(skb)->seq)
#define END(skb)	(XTCP_SKB_CB(skb)->end_seq)

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
		kfree_skb(next);
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
		kfree_skb(skb);
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ooo_next);
