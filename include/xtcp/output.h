/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segments out: xmit.c builds and sends one segment over IPv4; output.c is
 * the send path (the write queue, Nagle, cork, sender SWS avoidance, the
 * congestion and peer's windows).
 */
#ifndef _XTCP_OUTPUT_H
#define _XTCP_OUTPUT_H

#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/uio.h>

#include "xtcp/segment.h"

struct net;
struct sock;
struct sk_buff;
struct xtcp_sock;
struct xtcp_tcb;
struct xtcp_verdict;

#define XTCP_MAX_HEADER	(MAX_HEADER + sizeof(struct iphdr) + XTCP_HDR_MAX)

/* xmit.c */
#if IS_ENABLED(CONFIG_KUNIT)
typedef int (*xtcp_xmit_hook_t)(struct sk_buff *skb, __be32 saddr, __be32 daddr);
extern xtcp_xmit_hook_t xtcp_xmit_hook;
#endif
u16 xtcp_route_mss(struct net *net, __be32 saddr, __be32 daddr);
int xtcp_send_control(struct sock *sk, u8 flags, u64 now_ns);
int xtcp_transmit(struct sock *sk, struct sk_buff *skb);

/* A GSO packet's payload at most: its IPv4 length fits 16 bits. */
#define XTCP_GSO_MAX	(0xffff - sizeof(struct iphdr) - XTCP_HDR_MAX)

/* New segments a push sends together: one GSO packet where the route allows. */
struct xtcp_burst {
	struct sk_buff *first, *last;	/* in the write queue, in order */
	u64 now_ns;			/* when they went */
	u32 len;			/* their payload */
	u32 max_len;			/* a GSO packet's most (0: 64 KiB) */
	u16 skbs;
	u16 segs;			/* on the wire: MSS-sized, the last may be less */
};

int xtcp_burst_add(struct sock *sk, struct xtcp_burst *b, struct sk_buff *skb);
void xtcp_burst_flush(struct sock *sk, struct xtcp_burst *b);
void xtcp_send_raw(struct net *net, __be32 saddr, __be32 daddr,
		   const struct xtcp_seg *seg);
void xtcp_send_rst_to(struct net *net, const struct sk_buff *skb,
		      const struct xtcp_verdict *v);
void xtcp_send_reset_reply(struct net *net, struct sk_buff *skb);

/* output.c */
int xtcp_queue_syn(struct sock *sk, u8 flags);
u32 xtcp_tso_autosize(u32 mss, u32 cwnd, u32 ssthresh, u32 srtt_us, u32 min_rtt_us);
u64 xtcp_send_rate(u32 cwnd, u32 ssthresh, u32 srtt_us);
u32 xtcp_size_goal(const struct xtcp_sock *xs);
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len);
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);
/*
 * How a push treats the last, partial segment: Nagle's algorithm and
 * XTCP_CORK may hold it (NAGLE), MSG_MORE holds it too (MORE), XTCP_NODELAY
 * being set flushes it whatever the cork (NOW). PROBE: the persist timer's
 * send, which takes whatever fits.
 */
enum xtcp_push_how { XTCP_PUSH_NAGLE, XTCP_PUSH_MORE, XTCP_PUSH_NOW, XTCP_PUSH_PROBE };

/* What the send decision reads besides the TCB. */
struct xtcp_send_cond {
	u32 seq;		/* the first unsent segment: its first number */
	u32 len;		/* its payload (0: a SYN or FIN) */
	bool last;		/* nothing is queued after it */
	bool fin_queued;	/* the user is done sending */
	bool cork;		/* XTCP_CORK */
	bool nodelay;		/* XTCP_NODELAY */
	u16 mss;
	u32 in_flight;		/* bytes sent and not yet acknowledged or lost */
	u32 cwnd;		/* the congestion window (cong.c) */
};

u32 xtcp_send_decide(const struct xtcp_tcb *tcb, const struct xtcp_send_cond *c,
		     enum xtcp_push_how how);
void __xtcp_push(struct sock *sk, enum xtcp_push_how how);

static inline void xtcp_push(struct sock *sk)
{
	__xtcp_push(sk, XTCP_PUSH_NAGLE);
}

void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb);
void xtcp_mark_push(struct sock *sk);
bool xtcp_forced_push(const struct xtcp_sock *xs);
int xtcp_copy_to_frags(struct sock *sk, struct sk_buff *skb, struct iov_iter *from, int len);
int xtcp_append_tail(struct sock *sk, struct iov_iter *from, size_t len);
void xtcp_window_probe(struct sock *sk);
bool xtcp_send_new_probe(struct sock *sk);
void xtcp_send_probe(struct sock *sk);

#endif /* _XTCP_OUTPUT_H */
