// SPDX-License-Identifier: GPL-2.0
/*
 * Segments out. An xtcp socket is not an inet_sock, so it routes with
 * ip_route_output_key() and sends with ip_local_out() itself. Data, SYN and
 * FIN sit on sk_write_queue until acknowledged; each transmission sends a
 * clone with the headers pushed in front (as TCP does), so a retransmission
 * is the same skb sent again.
 */
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>

#include "xtcp/seq.h"
#include "xtcp/trace.h"
#include "xtcp/window.h"
#include "xtcp/xtcp.h"

#define XTCP_MSS_DEFAULT	536	/* RFC 9293 3.7.1, when the peer says nothing */

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
	rt = xtcp_route(net, saddr, daddr, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	th = skb_push(skb, hdr_len);
	memcpy(th, hdr, hdr_len);
	skb_reset_transport_header(skb);
	th->check = 0;
	th->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, skb->len, xtcp_ipproto,
				      skb_checksum(skb, 0, skb->len, 0));

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
	xtcp_inc(net, XTCP_MIB_OUT_SEGS);
	if (seg->flags & XTCP_FLAG_RST) {
		xtcp_inc(net, XTCP_MIB_OUT_RSTS);
		trace_xtcp_send_reset(fl4.saddr, seg->src_port, fl4.daddr, seg->dst_port,
				      seg->seq, seg->ack);
	}
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
 * The room we can offer: half the free receive buffer (the rest covers
 * skb overhead), at most what 16 bits hold at our window-scale shift.
 */
u32 xtcp_rcv_window(const struct sock *sk)
{
	int free = xtcp_rcvbuf(sk) - atomic_read(&sk->sk_rmem_alloc);
	u32 wnd = free > 0 ? free / 2 : 0;

	return min_t(u32, wnd, (u32)U16_MAX << xtcp_sk(sk)->rcv_wscale);
}

/* What is left of the window last advertised, from RCV.NXT to its right edge. */
u32 xtcp_rcv_wnd_left(const struct xtcp_sock *xs)
{
	u32 edge = xs->rcv_wup + xs->rcv_wnd;

	return xtcp_seq_after(edge, xs->rcv_nxt) ? edge - xs->rcv_nxt : 0;
}

/*
 * RFC 7323 2.2: the window scaling our SYN (or SYN+ACK) offers, unless
 * net.xtcp.window_scaling is off. Our shift covers the most room our
 * buffer may offer: the namespace's rmem maximum, or SO_RCVBUF's if the
 * user set it.
 */
void xtcp_wscale_offer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 space = sk->sk_userlocks & SOCK_RCVBUF_LOCK ? xtcp_rcvbuf(sk) :
		    READ_ONCE(xtcp_net(sock_net(sk))->rmem[XTCP_MEM_MAX]);

	xs->wscale_ok = READ_ONCE(xtcp_net(sock_net(sk))->window_scaling);
	xs->rcv_wscale = xs->wscale_ok ? xtcp_wscale_for(space / 2) : 0;
	xs->snd_wscale = 0;
}

/*
 * The peer's SYN came with the shift peer_wscale (-1: no option). Scaling
 * is used only when both SYNs carry it; otherwise not at all, either way.
 */
void xtcp_wscale_agree(struct sock *sk, int peer_wscale)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (peer_wscale >= 0 && xs->wscale_ok) {
		xs->snd_wscale = peer_wscale;
		return;
	}
	xs->wscale_ok = 0;
	xs->rcv_wscale = 0;
	xs->snd_wscale = 0;
}

/*
 * The window field of a segment we send now (window.c decides), and the
 * right edge it sets. A SYN's window is never scaled (RFC 7323 2.2).
 */
static u16 xtcp_select_window(struct sock *sk, bool syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u16 wire;

	xs->rcv_wnd = xtcp_window_choose(xtcp_rcv_window(sk), xtcp_rcv_wnd_left(xs),
					 syn ? 0 : xs->rcv_wscale, &wire);
	xs->rcv_wup = xs->rcv_nxt;
	return wire;
}

static void xtcp_fill_seg(struct sock *sk, struct xtcp_seg *seg, u32 seq, u8 flags)
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
		seg->ack = xs->rcv_nxt;
		xtcp_timer_ack_sent(sk);	/* a delayed ACK rides along */
	}
	seg->window = xtcp_select_window(sk, flags & XTCP_FLAG_SYN);
	seg->wscale = -1;
	if (flags & XTCP_FLAG_SYN) {
		seg->mss = xs->adv_mss;
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
	xtcp_fill_seg(sk, &seg, xtcp_sk(sk)->snd_nxt, flags);
	xtcp_sk(sk)->segs_out++;
	return xtcp_output(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, skb, &seg);
}

/* Send one skb of the write queue (a clone: the original stays until ACKed). */
static int xtcp_transmit(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *out;
	struct xtcp_seg seg;

	out = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) : skb_clone(skb, GFP_ATOMIC);
	if (!out)
		return -ENOBUFS;
	cb->sent_ns = ktime_get_ns();
	xtcp_sk(sk)->segs_out++;
	xtcp_sk(sk)->bytes_sent += skb->len;
	xtcp_fill_seg(sk, &seg, cb->seq, cb->flags);
	return xtcp_output(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr, out, &seg);
}

void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk->sk_wmem_queued += skb->truesize;
	if (!xs->send_head)
		xs->send_head = skb;
}

/*
 * Copy up to len bytes of the user's data onto the end of the write
 * queue's last skb while it is unsent and short of a full segment, so
 * small writes held by Nagle or a cork leave as one segment. Returns the
 * bytes taken (0: start a new skb) or -EFAULT.
 */
int xtcp_append_tail(struct sock *sk, struct iov_iter *from, size_t len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	unsigned int truesize;
	int room;

	if (!xs->send_head || !tail || tail->len >= xs->mss || skb_cloned(tail) ||
	    (XTCP_SKB_CB(tail)->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN)))
		return 0;
	len = min_t(size_t, len, xs->mss - tail->len);
	room = skb_tailroom(tail);
	if (room < len) {
		/* Grow by at least the data held, so byte-sized writes cost linear time. */
		int grow = max_t(int, len - room,
				 min_t(int, tail->len, xs->mss - tail->len - room));

		truesize = tail->truesize;
		if (pskb_expand_head(tail, 0, grow, sk->sk_allocation))
			return 0;
		sk->sk_wmem_queued += tail->truesize - truesize;
	}
	if (!copy_from_iter_full(skb_put(tail, len), len, from)) {
		__skb_trim(tail, tail->len - len);
		return -EFAULT;
	}
	XTCP_SKB_CB(tail)->end_seq += len;
	return len;
}

/* Queue and send the SYN (flags SYN) or SYN+ACK: it occupies ISS. */
int xtcp_queue_syn(struct sock *sk, u8 flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);

	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, XTCP_MAX_HEADER);
	XTCP_SKB_CB(skb)->seq = xs->iss;
	XTCP_SKB_CB(skb)->end_seq = xs->iss + 1;
	XTCP_SKB_CB(skb)->flags = flags;
	xs->snd_una = xs->iss;
	xs->snd_nxt = xs->iss;
	xs->snd_sml = xs->iss;
	xtcp_queue_tail(sk, skb);
	xtcp_push(sk);
	return 0;
}

/* The user is done sending: a FIN goes after the queued data. */
static void xtcp_queue_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	struct sk_buff *skb;
	u32 seq = tail ? XTCP_SKB_CB(tail)->end_seq : xs->snd_nxt;

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

static bool xtcp_resend_lost(struct sock *sk);

/*
 * Cut an unsent skb after len bytes; the rest becomes a new skb right after
 * it in the write queue (as tcp_fragment()). Data skbs are linear.
 */
static int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 rest = skb->len - len;
	struct sk_buff *tail;

	tail = alloc_skb(XTCP_MAX_HEADER + rest, GFP_ATOMIC);
	if (!tail)
		return -ENOBUFS;
	skb_reserve(tail, XTCP_MAX_HEADER);
	skb_put_data(tail, skb->data + len, rest);
	XTCP_SKB_CB(tail)->seq = cb->seq + len;
	XTCP_SKB_CB(tail)->end_seq = cb->end_seq;
	XTCP_SKB_CB(tail)->flags = cb->flags;
	cb->end_seq = cb->seq + len;
	skb_trim(skb, len);
	__skb_queue_after(&sk->sk_write_queue, skb, tail);
	sk->sk_wmem_queued += tail->truesize;
	return 0;
}

/* Bytes after an RTO still waiting to be sent again. */
u32 xtcp_lost_bytes(const struct xtcp_sock *xs)
{
	return xtcp_seq_before(xs->rtx_seq, xs->lost_end) ? xs->lost_end - xs->rtx_seq : 0;
}

/* What is in the network: sent, not acknowledged, not given up as lost. */
static u32 xtcp_in_flight(const struct xtcp_sock *xs)
{
	return xs->snd_nxt - xs->snd_una - xtcp_lost_bytes(xs);
}

/*
 * Nagle's algorithm (RFC 896, RFC 9293 3.7.4) in Minshall's form, as Linux
 * has it: a partial segment at the end of the queue waits while an earlier
 * partial one is unacknowledged, so at most one small segment is in flight
 * and full ones are never held back. XTCP_CORK and MSG_MORE hold it in any
 * case, until the persist timer's send (one RTO: Linux's 200 ms ceiling).
 * Nothing waits once the user has shut down sending.
 */
static bool xtcp_nagle_holds(const struct sock *sk, const struct sk_buff *skb,
			     enum xtcp_push_how how)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (how == XTCP_PUSH_NOW || skb->len >= xs->mss || xs->fin_queued ||
	    !skb_queue_is_last(&sk->sk_write_queue, skb))
		return false;
	if (xs->cork || how == XTCP_PUSH_MORE)
		return true;
	return !xs->nodelay && xtcp_seq_after(xs->snd_sml, xs->snd_una);
}

/*
 * How much of skb may go now: all of it, a part that fills the window, or
 * nothing. RFC 9293 3.8.6.2.1 (sender's silly window avoidance): a part only
 * if it is a full segment or half the largest window the peer has offered,
 * unless a window probe takes whatever fits.
 */
static u32 xtcp_sendable(const struct sock *sk, const struct sk_buff *skb,
			 enum xtcp_push_how how)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 seq = XTCP_SKB_CB(skb)->seq, wnd_end = xs->snd_una + xs->snd_wnd;
	u32 room = xtcp_seq_after(wnd_end, seq) ? wnd_end - seq : 0;
	u32 in_flight = xtcp_in_flight(xs);
	bool probe = how == XTCP_PUSH_PROBE;

	/* SYN and FIN take no window. */
	if (!skb->len)
		return 0;
	/* Congestion window (RFC 5681): a segment goes if it fits, or if nothing is in flight. */
	if (!probe && in_flight && in_flight + skb->len > xs->cc.cwnd)
		return 0;
	if (!probe && xtcp_nagle_holds(sk, skb, how))
		return 0;
	if (room >= skb->len)
		return skb->len;
	if (probe || room >= min_t(u32, xs->mss, xs->max_snd_wnd / 2))
		return room;
	return 0;
}

/* Send send_head (or what fits of it); false if nothing could go. */
static bool xtcp_send_head(struct sock *sk, enum xtcp_push_how how)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->send_head;
	u32 len = xtcp_sendable(sk, skb, how);

	if (skb->len && !len)
		return false;
	if (len < skb->len && xtcp_fragment(sk, skb, len))
		return false;
	if (xtcp_transmit(sk, skb))
		return false;
	xs->snd_nxt = XTCP_SKB_CB(skb)->end_seq;
	if (skb->len && skb->len < xs->mss)
		xs->snd_sml = xs->snd_nxt;	/* for Nagle */
	xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
			NULL : skb_queue_next(&sk->sk_write_queue, skb);
	return true;
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
	bool sent = false;

	if (xs->fin_queued && !xs->fin_sent &&
	    ((1 << sk->sk_state) & (XTCPF(XTCP_FIN_WAIT1) | XTCPF(XTCP_LAST_ACK) |
				    XTCPF(XTCP_CLOSING))))
		xtcp_queue_fin(sk);
	while (xtcp_lost_bytes(xs) && xtcp_in_flight(xs) < xs->cc.cwnd &&
	       xtcp_resend_lost(sk))
		sent = true;
	while (xs->send_head && xtcp_send_head(sk, how))
		sent = true;
	if (sent)
		xtcp_timer_rtx_start(sk);
	else if (xs->send_head && xs->snd_una == xs->snd_nxt)
		xtcp_timer_persist_arm(sk);
}

/*
 * The persist timer fired: what fits in the window goes, or a zero-window
 * probe, <SEQ=SND.UNA-1><CTL=ACK>, which the peer answers with its window.
 */
void xtcp_window_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->send_head && xtcp_send_head(sk, XTCP_PUSH_PROBE)) {
		xtcp_timer_rtx_start(sk);
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

	xs->snd_nxt--;
	xtcp_send_control(sk, XTCP_FLAG_ACK);
	xs->snd_nxt++;
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
static bool xtcp_resend_lost(struct sock *sk)
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

	xtcp_cc_timeout(&xs->cc, xs->snd_una, xs->snd_nxt, xs->mss, xs->retries > 1);
	xs->rtx_seq = xs->snd_una;
	xs->lost_end = xs->snd_nxt;
	xtcp_resend_lost(sk);
}

/*
 * Free what SND.UNA has passed (none of it needs resending after an RTO
 * any more), and measure the round trip by the newest segment it covers,
 * unless one of them was retransmitted (Karn's rule).
 */
void xtcp_clean_acked(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool ambiguous = false;
	u64 sent_ns = 0;
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head &&
	       xtcp_seq_before_eq(XTCP_SKB_CB(skb)->end_seq, xs->snd_una)) {
		ambiguous |= XTCP_SKB_CB(skb)->retransmitted;
		sent_ns = XTCP_SKB_CB(skb)->sent_ns;
		xs->bytes_acked += skb->len;
		__skb_unlink(skb, &sk->sk_write_queue);
		sk->sk_wmem_queued -= skb->truesize;
		kfree_skb(skb);
	}
	if (xtcp_seq_before(xs->rtx_seq, xs->snd_una))
		xs->rtx_seq = xs->snd_una;
	if (sent_ns && !ambiguous)
		xtcp_rtt_update(sk, min_t(u64, (ktime_get_ns() - sent_ns) / NSEC_PER_USEC,
					  U32_MAX));
}
