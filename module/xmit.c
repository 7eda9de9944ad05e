// SPDX-License-Identifier: GPL-2.0
/*
 * One segment out over IPv4. An xtcp socket is not an inet_sock, so it
 * routes with ip_route_output_key() and sends with ip_local_out() itself.
 * A data segment is a clone of its write-queue skb with the headers pushed
 * in front (as TCP does), so a retransmission is the same skb sent again.
 */
#include <kunit/visibility.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>

#include "xtcp/input.h"
#include "xtcp/output.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/timers.h"
#include "xtcp/trace.h"
#include "xtcp/window.h"

static struct rtable *xtcp_route(struct net *net, __be32 saddr, __be32 daddr,
				 struct flowi4 *fl4)
{
	memset(fl4, 0, sizeof(*fl4));
	fl4->daddr = daddr;
	fl4->saddr = saddr;
	fl4->flowi4_proto = xtcp_ipproto;
	return ip_route_output_key(net, fl4);
}

/* The MSS for this path: the route's MTU less the IP and xtcp headers. */
u16 xtcp_route_mss(struct net *net, __be32 saddr, __be32 daddr)
{
	struct flowi4 fl4;
	struct rtable *rt = xtcp_route(net, saddr, daddr, &fl4);
	u32 mtu;

	if (IS_ERR(rt))
		return XTCP_MSS_DEFAULT;
	mtu = min_t(u32, dst_mtu(&rt->dst), IP_MAX_MTU);
	ip_rt_put(rt);
	return max_t(u32, mtu - sizeof(struct iphdr) - XTCP_HDR_MIN, 64);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * KUnit's socket fixtures take every segment here, header pushed and
 * checksummed, instead of IP: they play the peer. Consumes skb.
 */
xtcp_xmit_hook_t xtcp_xmit_hook;
EXPORT_SYMBOL_IF_KUNIT(xtcp_xmit_hook);
#endif

/* The checksum over the pseudo-header (RFC 9293 3.1), xtcp's protocol number in it. */
static void xtcp_checksum(struct sk_buff *skb, struct tcphdr *th, __be32 saddr, __be32 daddr)
{
	th->check = 0;
	th->check = csum_tcpudp_magic(saddr, daddr, skb->len, xtcp_ipproto,
				      skb_checksum(skb, 0, skb->len, 0));
}

static void xtcp_output_count(struct net *net, __be32 saddr, __be32 daddr,
			      const struct xtcp_seg *seg)
{
	xtcp_inc(net, XTCP_MIB_OUT_SEGS);
	if (seg->flags & XTCP_FLAG_RST) {
		xtcp_inc(net, XTCP_MIB_OUT_RSTS);
		trace_xtcp_send_reset(saddr, seg->src_port, daddr, seg->dst_port,
				      seg->seq, seg->ack);
	}
}

/*
 * Push seg's header onto skb (whose data is the payload), checksum it, add
 * an IPv4 header and send it. Consumes skb.
 */
static int xtcp_output(struct net *net, __be32 saddr, __be32 daddr,
		       struct sk_buff *skb, const struct xtcp_seg *seg)
{
	struct flowi4 fl4;
	struct rtable *rt;
	struct tcphdr *th;
	struct iphdr *iph;
	unsigned int hdr_len;
	u8 hdr[XTCP_HDR_MAX];

	hdr_len = xtcp_seg_build(hdr, sizeof(hdr), seg);
	if (!hdr_len || skb_headroom(skb) < hdr_len + sizeof(*iph) + LL_MAX_HEADER) {
		kfree_skb(skb);
		return -EINVAL;
	}
	th = skb_push(skb, hdr_len);
	memcpy(th, hdr, hdr_len);
	skb_reset_transport_header(skb);
#if IS_ENABLED(CONFIG_KUNIT)
	if (READ_ONCE(xtcp_xmit_hook)) {
		xtcp_checksum(skb, th, saddr, daddr);
		xtcp_output_count(net, saddr, daddr, seg);
		return xtcp_xmit_hook(skb, saddr, daddr);
	}
#endif
	rt = xtcp_route(net, saddr, daddr, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
		return PTR_ERR(rt);
	}
	xtcp_checksum(skb, th, fl4.saddr, fl4.daddr);

	/* skb->cb is IP's from here (IPCB): xtcp's control block must not leak in. */
	memset(skb->cb, 0, sizeof(skb->cb));
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = xtcp_ipproto;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	iph->tot_len = htons(skb->len);
	ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, &rt->dst);
	xtcp_output_count(net, fl4.saddr, fl4.daddr, seg);
	return ip_local_out(net, NULL, skb);
}

/* A header-only segment not tied to a socket: RSTs, TIME_WAIT's ACKs. */
void xtcp_send_raw(struct net *net, __be32 saddr, __be32 daddr,
		   const struct xtcp_seg *seg)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);

	if (!skb)
		return;
	skb_reserve(skb, XTCP_MAX_HEADER);
	xtcp_output(net, saddr, daddr, skb, seg);
}

/* A RST answering the segment in skb: to its source, from its destination. */
void xtcp_send_rst_to(struct net *net, const struct sk_buff *skb,
		      const struct xtcp_verdict *v)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct xtcp_seg rst = {
		.src_port = ntohs(th->dest), .dst_port = ntohs(th->source),
		.seq = v->rst_seq, .ack = v->rst_ack, .flags = v->rst_flags,
		.wscale = -1,
	};

	xtcp_send_raw(net, ip_hdr(skb)->daddr, ip_hdr(skb)->saddr, &rst);
}

/* 3.10.7.1: answer a segment that matches no connection with a RST. */
void xtcp_send_reset_reply(struct net *net, struct sk_buff *skb)
{
	struct xtcp_seg in;
	struct xtcp_verdict v;

	xtcp_seg_of(skb, &in);
	xtcp_reset_reply(&in, &v);
	if (v.actions & XTCP_ACT_SEND_RST)
		xtcp_send_rst_to(net, skb, &v);
}

/*
 * SACK blocks for an ACK of ours (RFC 2018 4), as many as fit: in the
 * option space, and in what a segment of len payload bytes leaves of the
 * MSS (a full-sized data segment carries none; its pure ACKs do).
 */
static void xtcp_fill_sack(struct sock *sk, struct xtcp_seg *seg, u32 len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 room = len < xs->mss ? xs->mss - len : 0;
	unsigned int n = 0, i, max;

	if (room < 4 + 8)
		return;
	/* Beside timestamps, the 40 option bytes hold three blocks (RFC 2018 3). */
	max = min_t(u32, (room - 4) / 8, XTCP_SACK_BLOCKS_MAX - xs->tcb.ts.ok);
	/* A DSACK first (RFC 2883 4), once. */
	if (xs->dsack_pending) {
		seg->sack[n++] = xs->dsack_block;
		xs->dsack_pending = 0;
		xtcp_inc(sock_net(sk), XTCP_MIB_DSACKS_SENT);
	}
	for (i = 0; i < xs->num_sacks && n < max; i++)
		seg->sack[n++] = xs->sack_rep[i];
	xtcp_add(sock_net(sk), XTCP_MIB_SACK_BLOCKS_SENT, i);
	seg->sack_blocks = n;
}

static void xtcp_fill_seg(struct sock *sk, struct xtcp_seg *seg, u32 seq, u8 flags, u32 len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(seg, 0, sizeof(*seg));
	seg->src_port = sk->sk_num;
	seg->dst_port = ntohs(sk->sk_dport);
	seg->seq = seq;
	seg->flags = flags;
	/* Everything after the opening SYN acknowledges (RFC 9293 3.10.7.4). */
	if (sk->sk_state != XTCP_SYN_SENT && !(flags & XTCP_FLAG_RST && !(flags & XTCP_FLAG_ACK)))
		seg->flags |= XTCP_FLAG_ACK;
	if (seg->flags & XTCP_FLAG_ACK) {
		seg->ack = xs->tcb.rcv_nxt;
		xtcp_timers_ack_sent(sk);	/* a delayed ACK rides along */
	}
	seg->window = xtcp_select_window(sk, flags & XTCP_FLAG_SYN);
	seg->wscale = -1;
	/* RFC 7323 3.2: on every segment once agreed (offered on our SYN). */
	if (xs->tcb.ts.ok) {
		seg->ts_ok = 1;
		seg->ts_val = xtcp_ts_now(xtcp_clock_ns(), xs->tcb.ts.offset);
		seg->ts_ecr = xs->tcb.ts.recent;
	}
	if (xs->sack_ok && (xs->num_sacks || xs->dsack_pending) &&
	    (seg->flags & XTCP_FLAG_ACK) && !(flags & (XTCP_FLAG_SYN | XTCP_FLAG_RST)))
		xtcp_fill_sack(sk, seg, len);
	if (flags & XTCP_FLAG_SYN) {
		seg->mss = xs->adv_mss;
		/* RFC 2018 2: offered in a SYN, answered only to an offer. */
		seg->sack_ok = xs->sack_ok;
		/* RFC 7323 2.2: offered in a SYN, answered only to an offer. */
		if (xs->wscale_ok)
			seg->wscale = xs->rcv_wscale;
	}
}

/* A segment with no data and no place in the retransmission queue. */
int xtcp_send_control(struct sock *sk, u8 flags)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	struct xtcp_seg seg;

	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, XTCP_MAX_HEADER);
	xtcp_fill_seg(sk, &seg, xtcp_sk(sk)->tcb.snd_nxt, flags, 0);
	xtcp_sk(sk)->segs_out++;
	return xtcp_output(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, skb, &seg);
}

/* Send one skb of the write queue (a clone: the original stays until ACKed). */
int xtcp_transmit(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *out;
	struct xtcp_seg seg;

	out = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) : skb_clone(skb, GFP_ATOMIC);
	if (!out)
		return -ENOBUFS;
	cb->sent_ns = xtcp_clock_ns();
	xtcp_cc_sent(&xtcp_sk(sk)->cc, skb->len);
	xtcp_sk(sk)->segs_out++;
	xtcp_sk(sk)->bytes_sent += skb->len;
	xtcp_fill_seg(sk, &seg, cb->seq, cb->flags, skb->len);
	return xtcp_output(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, out, &seg);
}
