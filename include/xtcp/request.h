/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN_RECV as a small object (request.c), as Linux's request_sock: what a
 * half-open connection must remember until its handshake ends, 200 bytes
 * against a socket's 1,352 and its history's 392 (x86-64). The socket is
 * made only when the ACK of our SYN,ACK arrives (listener.c).
 */
#ifndef _XTCP_REQUEST_H
#define _XTCP_REQUEST_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>

#include "xtcp/timestamps.h"

struct sock;

/*
 * What a connection is made of: the peer's SYN, and what our SYN,ACK
 * answered it with. Kept in a request, or read back from a SYN cookie.
 */
struct xtcp_syn {
	__be32 laddr, raddr;
	__be16 lport, rport;
	u32 irs;		/* the peer's ISN */
	u32 iss;		/* ours: an ISN, or a cookie */
	u32 window;		/* the peer's, unscaled, as in a SYN */
	u32 rcv_wnd;		/* ours, as our SYN,ACK offered it */
	u16 mss;		/* the peer's, 0: none announced */
	u16 adv_mss;		/* ours, as our SYN,ACK announced it */
	s8 wscale;		/* the peer's shift, -1: none offered */
	s8 rcv_wscale;		/* ours, -1: window scaling not in use */
	u8 sack_ok;		/* the peer offered SACK (answered: we take it) */
	u8 cookie;		/* iss is a cookie: the TSval carries sack_ok */
	struct xtcp_ts ts;	/* ok: timestamps offered (answered: taken); recent: its TSval */
};

/*
 * References: the request table holds one while the request is hashed
 * (and on its listener's SYN queue: both end together), an armed timer
 * holds one, a lookup holds one until xtcp_req_put(). A request holds a
 * reference on its listener.
 */
struct xtcp_req {
	struct hlist_nulls_node node;	/* the request table, by 4-tuple */
	struct list_head syn_node;	/* its listener's SYN queue */
	refcount_t refcnt;
	struct sock *listener;
	struct xtcp_syn syn;
	u64 born_ns;			/* the SYN's arrival, and our first SYN,ACK */
	u64 last_oow_ack_ns;		/* answers to repeated SYNs: rate limited */
	u32 oow_ack_count;
	u8 retries;			/* SYN,ACKs sent again */
	u8 dead;			/* out of the table: never armed again */
	spinlock_t lock;		/* dead and arming the timer */
	struct hrtimer timer;		/* SYN,ACK retransmission */
	struct rcu_head rcu;
};

int xtcp_req_init(void);
void xtcp_req_exit(void);
bool xtcp_req_new(struct sock *listener, const struct xtcp_syn *syn, u64 now_ns);
void xtcp_req_rcv(struct xtcp_req *req, struct sk_buff *skb, u64 now_ns);
void xtcp_req_put(struct xtcp_req *req);
bool xtcp_req_end(struct xtcp_req *req, const char *why);
void xtcp_req_kill(struct xtcp_req *req, const char *why);
void xtcp_req_abort(struct xtcp_req *req);
void xtcp_req_expire(struct xtcp_req *req);
void xtcp_syn_answer(const struct sock *listener, struct xtcp_syn *syn);
void xtcp_synack_send(struct net *net, const struct xtcp_syn *syn);

#endif /* _XTCP_REQUEST_H */
