// SPDX-License-Identifier: GPL-2.0
/*
 * Segmentation offload for xtcp's IP protocol number (as Homa registers
 * one for its own): a GSO packet that xmit.c's burst made is cut here into
 * its segments when it meets a device that cannot take it whole (or netem
 * corrupting it), exactly as tcp_gso_segment() cuts TCP's: xtcp's header
 * is TCP's layout. Each segment gets its sequence number; FIN and PSH
 * stay on the last, CWR on the first (as TCP's); the checksum, over
 * xtcp's pseudo-header, is adjusted for each segment's length.
 */
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#ifdef XTCP_HAVE_NET_GSO_H
#include <net/gso.h>
#endif
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp/offload.h"
#include "xtcp/xtcp.h"

static struct sk_buff *xtcp_gso_segment(struct sk_buff *skb, netdev_features_t features)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL);
	unsigned int thlen, mss, oldlen;
	struct tcphdr *th;
	__sum16 newcheck;
	__wsum delta;
	u32 seq;

	if (!(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) ||
	    !pskb_may_pull(skb, sizeof(struct tcphdr)))
		return segs;
	th = tcp_hdr(skb);
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || skb->ip_summed != CHECKSUM_PARTIAL ||
	    skb_checksum_start(skb) != skb_transport_header(skb) || !pskb_may_pull(skb, thlen))
		return segs;
	oldlen = ~skb->len;
	__skb_pull(skb, thlen);
	mss = skb_shinfo(skb)->gso_size;
	if (unlikely(skb->len <= mss))
		return segs;

	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		return segs;
	if (skb_is_gso(segs))	/* GSO_PARTIAL: an MSS multiple and a rest */
		mss *= skb_shinfo(segs)->gso_segs;

	delta = (__force __wsum)htonl(oldlen + thlen + mss);
	skb = segs;
	th = tcp_hdr(skb);
	seq = ntohl(th->seq);
	newcheck = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	while (skb->next) {
		th->fin = 0;
		th->psh = 0;
		th->check = newcheck;
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			gso_reset_checksum(skb, csum_unfold(~th->check));
		else
			th->check = gso_make_checksum(skb, csum_unfold(~th->check));
		seq += mss;
		skb = skb->next;
		th = tcp_hdr(skb);
		th->seq = htonl(seq);
		th->cwr = 0;
	}
	/* The last: its own length. */
	delta = (__force __wsum)htonl(oldlen + (skb_tail_pointer(skb) - skb_transport_header(skb)) +
				      skb->data_len);
	th->check = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(skb, csum_unfold(~th->check));
	else
		th->check = gso_make_checksum(skb, csum_unfold(~th->check));
	return segs;
}

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment = xtcp_gso_segment,
	},
};

int xtcp_offload_init(void)
{
	return inet_add_offload(&xtcp_offload, xtcp_ipproto);
}

void xtcp_offload_exit(void)
{
	/* inet_del_offload() waits for the readers (synchronize_net()). */
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
}
