// SPDX-License-Identifier: GPL-2.0
/*
 * Segments out over IPv4. An xtcp socket is not an inet_sock, so it routes
 * with ip_route_output_key() and sends with ip_local_out() itself. A data
 * segment is a clone of its write-queue skb with the headers pushed in
 * front (as TCP does), so a retransmission is the same skb sent again.
 * The checksum is left to the device, or to the stack just before it
 * (CHECKSUM_PARTIAL, as TCP's). New full segments sent in one push leave
 * as one GSO packet where the route stays in this host (a burst, below),
 * sharing the write queue's pages.
 */
#include <kunit/visibility.h>
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "xtcp/input.h"
#include "xtcp/output.h"
#include "xtcp/seq.h"
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

#if IS_ENABLED(CONFIG_KUNIT)
/* The whole checksum (RFC 9293 3.1), xtcp's protocol number in the pseudo-header. */
static void xtcp_checksum(struct sk_buff *skb, struct tcphdr *th, __be32 saddr, __be32 daddr)
{
	th->check = 0;
	th->check = csum_tcpudp_magic(saddr, daddr, skb->len, xtcp_ipproto,
				      skb_checksum(skb, 0, skb->len, 0));
}
#endif

/*
 * The pseudo-header's sum only; whoever needs the whole (the device, or
 * skb_checksum_help() before a device that cannot) adds the segment's
 * (as __tcp_v4_send_check()). On loopback and veth nobody needs it: the
 * receiver takes CHECKSUM_PARTIAL as verified.
 */
static void xtcp_checksum_partial(struct sk_buff *skb, struct tcphdr *th, __be32 saddr,
				  __be32 daddr)
{
	th->check = ~csum_tcpudp_magic(saddr, daddr, skb->len, xtcp_ipproto, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

static void xtcp_output_count(struct net *net, __be32 saddr, __be32 daddr,
			      const struct xtcp_seg *seg, u16 segs)
{
	xtcp_add(net, XTCP_MIB_OUT_SEGS, segs);
	if (seg->flags & XTCP_FLAG_RST) {
		xtcp_inc(net, XTCP_MIB_OUT_RSTS);
		trace_xtcp_send_reset(saddr, seg->src_port, daddr, seg->dst_port,
				      seg->seq, seg->ack);
	}
}

/* Push seg's header onto skb (whose data is the payload); NULL (skb freed) if it cannot. */
static struct tcphdr *xtcp_push_header(struct sk_buff *skb, const struct xtcp_seg *seg)
{
	unsigned int hdr_len;
	u8 hdr[XTCP_HDR_MAX];
	struct tcphdr *th;

	hdr_len = xtcp_seg_build(hdr, sizeof(hdr), seg);
	if (!hdr_len || skb_headroom(skb) < hdr_len + sizeof(struct iphdr) + LL_MAX_HEADER) {
		kfree_skb(skb);
		return NULL;
	}
	th = skb_push(skb, hdr_len);
	memcpy(th, hdr, hdr_len);
	skb_reset_transport_header(skb);
	return th;
}

static bool xtcp_kunit_peer(void)
{
#if IS_ENABLED(CONFIG_KUNIT)
	return READ_ONCE(xtcp_xmit_hook);
#else
	return false;
#endif
}

static int xtcp_ip_out(struct net *net, struct rtable *rt, const struct flowi4 *fl4,
		       struct sk_buff *skb, const struct xtcp_seg *seg);

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

	th = xtcp_push_header(skb, seg);
	if (!th)
		return -EINVAL;
#if IS_ENABLED(CONFIG_KUNIT)
	if (xtcp_kunit_peer()) {
		xtcp_checksum(skb, th, saddr, daddr);
		xtcp_output_count(net, saddr, daddr, seg, 1);
		return xtcp_xmit_hook(skb, saddr, daddr);
	}
#endif
	rt = xtcp_route(net, saddr, daddr, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
		return PTR_ERR(rt);
	}
	return xtcp_ip_out(net, rt, &fl4, skb, seg);
}

/* skb, its xtcp header pushed, out on rt with an IPv4 header. Consumes skb and rt. */
static int xtcp_ip_out(struct net *net, struct rtable *rt, const struct flowi4 *fl4,
		       struct sk_buff *skb, const struct xtcp_seg *seg)
{
	struct iphdr *iph;

	xtcp_checksum_partial(skb, tcp_hdr(skb), fl4->saddr, fl4->daddr);

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
	iph->saddr = fl4->saddr;
	iph->daddr = fl4->daddr;
	iph->tot_len = htons(skb->len);
	if (skb_is_gso(skb))
		ip_select_ident_segs(net, skb, NULL, skb_shinfo(skb)->gso_segs);
	else
		ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	xtcp_output_count(net, fl4->saddr, fl4->daddr, seg, skb_is_gso(skb) ?
			  skb_shinfo(skb)->gso_segs : 1);
	return ip_local_out(net, NULL, skb);
}

/*
 * GSO (as TCP's TSO packets): a burst's full segments leave as one packet
 * of gso_segs segments of gso_size bytes each (the last may be shorter),
 * under the first one's header, cut only where they must be: at a device
 * that cannot take it whole, by xtcp_gso_segment(). On loopback and veth
 * the receiver takes it whole, as one segment. Only those two, since the
 * packet stays in this host there, where xtcp's own offload cuts it: a
 * NIC's TSO or a virtio host would take it for TCP's.
 */
static bool xtcp_gso_fits(const struct net_device *dev, u32 segs, u32 len)
{
	return (dev->features & NETIF_F_GSO) && segs <= READ_ONCE(dev->gso_max_segs) &&
	       len + sizeof(struct iphdr) + XTCP_HDR_MAX <= READ_ONCE(dev->gso_max_size);
}

/* Whether a route's device takes GSO packets of XTCP_GSO_MAX (xs->gso_ok). */
static bool xtcp_gso_dev(const struct net_device *dev, u16 mss)
{
	bool local = (dev->flags & IFF_LOOPBACK) ||
		     (dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, "veth"));

	return local && xtcp_gso_fits(dev, XTCP_GSO_MAX / max_t(u16, mss, 1), XTCP_GSO_MAX);
}

/*
 * A connection's route, cached on the socket (sk_dst_cache, as TCP's) and
 * checked for validity each time (a change in the routes bumps the
 * generation the check reads): one route lookup for a connection, not one
 * for each segment. Returned held.
 */
static struct rtable *xtcp_sk_route(struct sock *sk, struct flowi4 *fl4)
{
	struct dst_entry *dst = sk_dst_check(sk, 0);
	struct rtable *rt;

	if (dst) {
		memset(fl4, 0, sizeof(*fl4));
		fl4->saddr = sk->sk_rcv_saddr;
		fl4->daddr = sk->sk_daddr;
		return container_of(dst, struct rtable, dst);
	}
	rt = xtcp_route(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, fl4);
	if (IS_ERR(rt))
		return rt;
	sk_dst_set(sk, dst_clone(&rt->dst));
	xtcp_sk(sk)->gso_ok = xtcp_gso_dev(rt->dst.dev, xtcp_sk(sk)->mss);
	return rt;
}

/* xtcp_output() for a connection's segment, on its cached route. Consumes skb. */
static int xtcp_output_sk(struct sock *sk, struct sk_buff *skb, const struct xtcp_seg *seg)
{
	struct flowi4 fl4;
	struct rtable *rt;

	if (xtcp_kunit_peer())
		return xtcp_output(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, skb, seg);
	if (!xtcp_push_header(skb, seg))
		return -EINVAL;
	rt = xtcp_sk_route(sk, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
		return PTR_ERR(rt);
	}
	return xtcp_ip_out(sock_net(sk), rt, &fl4, skb, seg);
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
		xtcp_sk_inc(sk, XTCP_MIB_DSACKS_SENT);
	}
	for (i = 0; i < xs->num_sacks && n < max; i++)
		seg->sack[n++] = xs->sack_rep[i];
	xtcp_sk_add(sk, XTCP_MIB_SACK_BLOCKS_SENT, i);
	seg->sack_blocks = n;
}

/*
 * The header of a segment sent at now_ns (its TSval): one clock read for
 * a segment's sending and its timestamp, as Linux's tcp_mstamp.
 */
static void xtcp_fill_seg(struct sock *sk, struct xtcp_seg *seg, u32 seq, u8 flags, u32 len,
			  u64 now_ns)
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
		seg->ts_val = xtcp_ts_now(now_ns, xs->tcb.ts.offset);
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

/* A segment with no data and no place in the retransmission queue, sent at now_ns. */
int xtcp_send_control(struct sock *sk, u8 flags, u64 now_ns)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	struct xtcp_seg seg;

	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, XTCP_MAX_HEADER);
	xtcp_fill_seg(sk, &seg, xtcp_sk(sk)->tcb.snd_nxt, flags, 0, now_ns);
	xtcp_sk(sk)->segs_out++;
	return xtcp_output_sk(sk, skb, &seg);
}

/* skb of the write queue is sent now: its time, and the counts. */
static void xtcp_sent(struct sock *sk, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	XTCP_SKB_CB(skb)->sent_ns = now_ns;
	xtcp_cc_sent(&xs->cc, skb->len);
	xs->segs_out += xtcp_skb_pcount(skb, xs->mss);
	xs->bytes_sent += skb->len;
}

/*
 * Send one skb of the write queue at now_ns (a clone: the original stays
 * until ACKed); count it as sent unless a burst already has.
 */
static int xtcp_transmit_copy(struct sock *sk, struct sk_buff *skb, u64 now_ns, bool count)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *out;
	struct xtcp_seg seg;

	out = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) : skb_clone(skb, GFP_ATOMIC);
	if (!out)
		return -ENOBUFS;
	if (count)
		xtcp_sent(sk, skb, now_ns);
	xtcp_fill_seg(sk, &seg, cb->seq, cb->flags, skb->len, now_ns);
	return xtcp_output_sk(sk, out, &seg);
}

/* skb joins burst b: it is sent now. */
static void xtcp_burst_take(struct sock *sk, struct xtcp_burst *b, struct sk_buff *skb)
{
	if (!b->skbs)
		b->first = skb;
	b->last = skb;
	b->skbs++;
	b->segs += xtcp_skb_pcount(skb, xtcp_sk(sk)->mss);
	b->len += skb->len;
	xtcp_sent(sk, skb, b->now_ns);
}

/*
 * Send skb of the write queue at now_ns; one of several segments goes as
 * a GSO burst of one.
 */
static int xtcp_transmit_at(struct sock *sk, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_burst b = { .now_ns = now_ns };

	if (xtcp_skb_pcount(skb, xtcp_sk(sk)->mss) == 1)
		return xtcp_transmit_copy(sk, skb, now_ns, true);
	xtcp_burst_take(sk, &b, skb);
	xtcp_burst_flush(sk, &b);
	return 0;
}

int xtcp_transmit(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_transmit_at(sk, skb, xtcp_clock_ns());
}

/*
 * from's page fragments onto the end of to, as references (merged with
 * to's last where they run on in the same page). Nonzero if they do not
 * fit in MAX_SKB_FRAGS.
 */
static int xtcp_frags_append(struct sk_buff *to, const struct sk_buff *from)
{
	const struct skb_shared_info *sh = skb_shinfo(from);
	int j;

	for (j = 0; j < sh->nr_frags; j++) {
		const skb_frag_t *f = &sh->frags[j];
		int n = skb_shinfo(to)->nr_frags;
		u32 size = skb_frag_size(f);

		if (skb_can_coalesce(to, n, skb_frag_page(f), skb_frag_off(f))) {
			skb_frag_size_add(&skb_shinfo(to)->frags[n - 1], size);
		} else {
			if (n >= MAX_SKB_FRAGS)
				return -EMSGSIZE;
			skb_fill_page_desc(to, n, skb_frag_page(f), skb_frag_off(f), size);
			get_page(skb_frag_page(f));
		}
		to->len += size;
		to->data_len += size;
		to->truesize += size;
	}
	return 0;
}

/*
 * The burst's segments in one skb, without a copy: it takes references to
 * their pages (the write queue's skbs keep theirs until ACKed, as a clone
 * shares them). NULL if a segment's data is not all in pages or they do
 * not fit in one skb: then they go one by one.
 */
static struct sk_buff *xtcp_burst_skb(const struct xtcp_burst *b, u16 mss)
{
	struct sk_buff *out, *skb = b->first;
	int i;

	out = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!out)
		return NULL;
	skb_reserve(out, XTCP_MAX_HEADER);
	for (i = 0; i < b->skbs; i++, skb = skb->next) {
		if (skb_headlen(skb) || xtcp_frags_append(out, skb)) {
			kfree_skb(out);
			return NULL;
		}
	}
	skb_shinfo(out)->gso_size = mss;
	skb_shinfo(out)->gso_type = SKB_GSO_TCPV4;
	skb_shinfo(out)->gso_segs = b->segs;
	return out;
}

/*
 * A push's new data segments go through here. One joins the burst if it
 * continues it (right after it, the burst's last segment full-sized, no
 * SYN or FIN, at most 64 KiB in all), and is counted as sent at once; PSH
 * or a short segment ends the burst. Nonzero only if skb could not go: a
 * burst that fails later is lost as a drop on the path is, and repaired so.
 */
int xtcp_burst_add(struct sock *sk, struct xtcp_burst *b, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xtcp_mss(xs);
	u8 flags = XTCP_SKB_CB(skb)->flags;

	if (b->skbs && (b->last->len % mss || b->len + skb->len > (b->max_len ?: XTCP_GSO_MAX) ||
			skb != b->last->next))
		xtcp_burst_flush(sk, b);
	if (!skb->len || (flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN))) {
		xtcp_burst_flush(sk, b);
		/* Its time is the burst's too, for the timers armed after it. */
		b->now_ns = xtcp_clock_ns();
		return xtcp_transmit_at(sk, skb, b->now_ns);
	}
	if (!b->skbs)
		b->now_ns = xtcp_clock_ns();
	xtcp_burst_take(sk, b, skb);
	if ((flags & XTCP_FLAG_PSH) || skb->len % mss)
		xtcp_burst_flush(sk, b);
	return 0;
}

/*
 * Send the burst: one GSO packet where the route allows, else segment by
 * segment, an skb of several cut into segments first (their marks and
 * sending time go with them).
 */
void xtcp_burst_flush(struct sock *sk, struct xtcp_burst *b)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct sk_buff *skb = b->first, *out;
	struct xtcp_seg seg;
	struct flowi4 fl4;
	struct rtable *rt;
	u32 end_seq;

	if (!b->skbs)
		return;
	if (b->segs > 1 && !xtcp_kunit_peer()) {
		rt = xtcp_sk_route(sk, &fl4);
		if (!IS_ERR(rt) && xs->gso_ok && xtcp_gso_fits(rt->dst.dev, b->segs, b->len)) {
			out = xtcp_burst_skb(b, xs->mss);
			xtcp_fill_seg(sk, &seg, XTCP_SKB_CB(b->first)->seq,
				      XTCP_SKB_CB(b->last)->flags, b->len, b->now_ns);
			if (out && xtcp_push_header(out, &seg)) {
				xtcp_inc(net, XTCP_MIB_OUT_GSO);
				xtcp_ip_out(net, rt, &fl4, out, &seg);
				goto done;
			}
		}
		if (!IS_ERR(rt))
			ip_rt_put(rt);
	}
	end_seq = XTCP_SKB_CB(b->last)->end_seq;
	while (xtcp_seq_before(XTCP_SKB_CB(skb)->seq, end_seq)) {
		/* Not cut: it goes whole, too long, and is lost as a drop is. */
		if (skb->len > xs->mss)
			xtcp_fragment(sk, skb, xs->mss);
		xtcp_transmit_copy(sk, skb, b->now_ns, false);
		if (skb_queue_is_last(&sk->sk_write_queue, skb))
			break;
		skb = skb_queue_next(&sk->sk_write_queue, skb);
	}
done:
	b->skbs = 0;
	b->segs = 0;
	b->len = 0;
}
