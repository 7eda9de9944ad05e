// SPDX-License-Identifier: GPL-2.0
/*
 * Segments arriving from IPv4 under xtcp's protocol number. Every segment is
 * checked (length, data offset, options, flags, checksum) before anything
 * else looks at it; what fails is dropped.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp/segment.h"
#include "xtcp/xtcp.h"

/*
 * Check the segment in skb, whose data starts at the xtcp header, and fill
 * seg. The header (options included) is linear afterwards.
 */
static enum xtcp_seg_verdict xtcp_v4_check(struct sk_buff *skb,
					   struct xtcp_seg *seg)
{
	const struct tcphdr *th;

	if (!pskb_may_pull(skb, XTCP_HDR_MIN))
		return XTCP_SEG_SHORT;
	th = (const struct tcphdr *)skb->data;
	if (th->doff * 4 < XTCP_HDR_MIN)
		return XTCP_SEG_BAD_DOFF;
	if (!pskb_may_pull(skb, th->doff * 4))
		return XTCP_SEG_BAD_DOFF;
	/* RFC 9293 3.10.7.1: a segment with a bad checksum is discarded. */
	if (skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo) ||
	    skb_checksum_complete(skb))
		return XTCP_SEG_BAD_CSUM;
	return xtcp_seg_parse(skb->data, skb->len, seg);
}

static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct xtcp_seg seg;

	if (skb->pkt_type != PACKET_HOST)
		goto drop;
	if (xtcp_v4_check(skb, &seg) != XTCP_SEG_OK)
		goto drop;
	/* No socket can receive yet: the connection states come next. */
drop:
	kfree_skb(skb);
	return 0;
}

const struct net_protocol xtcp_net_protocol = {
	.handler = xtcp_v4_rcv,
	.no_policy = 1,
};
