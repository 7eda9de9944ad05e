/* SPDX-License-Identifier: GPL-2.0 */
/* TIME_WAIT as a small object (timewait.c); its decisions are state.c's. */
#ifndef _XTCP_TIMEWAIT_H
#define _XTCP_TIMEWAIT_H

#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>

#include "xtcp/history.h"
#include "xtcp/state.h"

struct sock;

struct xtcp_tw {
	struct hlist_nulls_node node;
	struct hlist_node port_node;
	struct list_head queue;		/* the namespace's, in order of expiry (timers.c) */
	u64 expires_ns;		/* xtcp_clock_ns() when 2*MSL is over */
	possible_net_t net;
	refcount_t refcnt;
	__be32 saddr;		/* local */
	__be32 daddr;		/* remote */
	__be16 sport;
	__be16 dport;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 rcv_wnd;
	u32 oow_ack_count;	/* ACKs to dataless segments: rate limited */
	struct xtcp_ts ts;	/* TS.Recent and our clock (RFC 7323, RFC 6191) */
	u8 rcv_wscale;		/* our window's shift (RFC 7323) */
	u8 dead;		/* out of the table: never queued again (xn->tw_lock) */
	u8 reuse;		/* the socket had SO_REUSEADDR */
	u64 last_oow_ack_ns;
	struct xtcp_history *history;	/* taken over (net.xtcp.tw_history), or NULL */
	struct xtcp_history_entry entered;	/* how it came into TIME_WAIT */
	struct rcu_head rcu;
};

int xtcp_tw_init(void);
void xtcp_tw_exit(void);
void xtcp_time_wait(struct sock *sk);
enum xtcp_tw_action xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb);
void xtcp_tw_put(struct xtcp_tw *tw);
void xtcp_tw_kill(struct xtcp_tw *tw, const char *why);
void xtcp_tw_expire(struct xtcp_tw *tw);

#endif /* _XTCP_TIMEWAIT_H */
