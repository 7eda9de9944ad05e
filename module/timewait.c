// SPDX-License-Identifier: GPL-2.0
/*
 * TIME_WAIT as a small object (176 bytes instead of a whole socket): the
 * 4-tuple, the two sequence numbers it must answer with, and its place in
 * the namespace's queue of entries waiting out 2*MSL (timers.c).
 * The socket it came from is closed at once, so close() never waits.
 *
 * References: the table holds one while the entry is hashed, the
 * namespace's queue of entries waiting out 2*MSL holds one, and a lookup
 * holds one until xtcp_tw_put().
 */
#include <kunit/visibility.h>
#include <linux/slab.h>

#include "xtcp/history.h"
#include "xtcp/input.h"
#include "xtcp/output.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"
#include "xtcp/trace.h"
#include "xtcp/window.h"

static struct kmem_cache *xtcp_tw_cachep __read_mostly;

int xtcp_tw_init(void)
{
	/* Not cache-aligned: with 100k entries, size matters more (as Linux's). */
	xtcp_tw_cachep = kmem_cache_create("xtcp_time_wait", sizeof(struct xtcp_tw), 0, 0, NULL);
	return xtcp_tw_cachep ? 0 : -ENOMEM;
}

void xtcp_tw_exit(void)
{
	xtcp_tw_flush(NULL);
	rcu_barrier();
	kmem_cache_destroy(xtcp_tw_cachep);
}

static void xtcp_tw_free_rcu(struct rcu_head *head)
{
	struct xtcp_tw *tw = container_of(head, struct xtcp_tw, rcu);

	kfree(tw->history);
	kmem_cache_free(xtcp_tw_cachep, tw);
}

void xtcp_tw_put(struct xtcp_tw *tw)
{
	if (refcount_dec_and_test(&tw->refcnt))
		call_rcu(&tw->rcu, xtcp_tw_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_put);

/* sk, now in TIME_WAIT, hands its 4-tuple to a new entry for 2*MSL. */
void xtcp_time_wait(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_net(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tw *tw;

	/*
	 * Beyond max_tw_buckets entries, or without memory, the connection
	 * just ends, as Linux's does (TCPTimeWaitOverflow).
	 */
	if (atomic_inc_return(&xn->tw_count) > READ_ONCE(xn->max_tw_buckets))
		goto overflow;
	tw = kmem_cache_zalloc(xtcp_tw_cachep, GFP_ATOMIC);
	if (!tw)
		goto overflow;
	xtcp_sk_inc(sk, XTCP_MIB_TIME_WAIT);
	refcount_set(&tw->refcnt, 1);
	write_pnet(&tw->net, sock_net(sk));
	tw->saddr = sk->sk_rcv_saddr;
	tw->daddr = sk->sk_daddr;
	tw->sport = htons(sk->sk_num);
	tw->dport = sk->sk_dport;
	tw->snd_nxt = xs->tcb.snd_nxt;
	tw->rcv_nxt = xs->tcb.rcv_nxt;
	tw->rcv_wnd = max_t(u32, xtcp_rcv_wnd_left(xs), 1);
	tw->rcv_wscale = xs->rcv_wscale;
	tw->ts = xs->tcb.ts;
	tw->reuse = sk->sk_reuse;
	/*
	 * Asked for, the entry takes the whole history over and keeps it
	 * until it ends; else only the change that brought it here, so that
	 * it stays a fraction of the socket it replaces.
	 */
	if (xtcp_history_last(xs->history))
		tw->entered = *xtcp_history_last(xs->history);
	if (READ_ONCE(xn->tw_history)) {
		tw->history = xs->history;
		xs->history = NULL;
	}
	tw->node.pprev = NULL;		/* unhashed */
	INIT_HLIST_NODE(&tw->port_node);
	INIT_LIST_HEAD(&tw->queue);
	xtcp_tw_hash(tw);
	xtcp_tw_timer_arm(tw);
	xtcp_tw_put(tw);
	return;

overflow:
	atomic_dec(&xn->tw_count);
	xtcp_sk_inc(sk, XTCP_MIB_TW_OVERFLOW);
}

/* The entry leaves the table; the first to take it out reports TIME_WAIT's end. */
static void xtcp_tw_end(struct xtcp_tw *tw, const char *why)
{
	if (!xtcp_tw_unhash(tw))
		return;
	atomic_dec(&xtcp_net(read_pnet(&tw->net))->tw_count);
	trace_xtcp_set_state(tw, tw->saddr, ntohs(tw->sport), tw->daddr, ntohs(tw->dport),
			     XTCP_TIME_WAIT, XTCP_CLOSE, why);
	xtcp_tw_put(tw);
}

/* End the entry now: out of the table and the timer's queue. Caller holds a reference. */
void xtcp_tw_kill(struct xtcp_tw *tw, const char *why)
{
	xtcp_tw_end(tw, why);
	if (xtcp_tw_timer_stop(tw))
		xtcp_tw_put(tw);
}

/* 2*MSL is over (timers.c calls this with the queue's reference, now ours). */
void xtcp_tw_expire(struct xtcp_tw *tw)
{
	xtcp_tw_end(tw, "timer TIME_WAIT");
	xtcp_tw_put(tw);
}

/*
 * A segment for the entry: what was done with it. XTCP_TW_NEW_SYN: it
 * should go on to a listener (a new incarnation's SYN). The caller owns
 * skb either way.
 */
enum xtcp_tw_action xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb)
{
	struct xtcp_seg seg;
	struct xtcp_seg ack = {
		.src_port = ntohs(tw->sport), .dst_port = ntohs(tw->dport),
		.seq = tw->snd_nxt, .ack = tw->rcv_nxt, .flags = XTCP_FLAG_ACK,
		.window = min_t(u32, tw->rcv_wnd >> tw->rcv_wscale, U16_MAX),
		.wscale = -1,
	};
	struct net *net = read_pnet(&tw->net);
	enum xtcp_tw_action action;
	u64 now_ns = xtcp_clock_ns();
	bool restart;

	xtcp_seg_of(skb, &seg);
	action = xtcp_tw_decide(tw->rcv_nxt, tw->rcv_wnd, &tw->ts, now_ns, &seg, &restart);
	if (tw->ts.ok && seg.ts_ok && !xtcp_paws_ok(&tw->ts, seg.ts_val, now_ns))
		xtcp_inc(net, XTCP_MIB_PAWS_REJECTS);
	switch (action) {
	case XTCP_TW_ACK:
	case XTCP_TW_CHALLENGE:
		if (restart) {
			xtcp_tw_timer_arm(tw);
			/* The FIN again: its TSval is the one to echo (4.3). */
			if (tw->ts.ok && seg.ts_ok)
				xtcp_ts_store(&tw->ts, seg.ts_val, seg.seq, seg.seq, now_ns);
		}
		if (tw->ts.ok) {
			ack.ts_ok = 1;
			ack.ts_val = xtcp_ts_now(now_ns, tw->ts.offset);
			ack.ts_ecr = tw->ts.recent;
		}
		/* As Linux's TIME_WAIT: dataless segments are answered every 500 ms at most. */
		if (!xtcp_oow_ack_allowed(net, &seg, now_ns, &tw->last_oow_ack_ns,
					  &tw->oow_ack_count, XTCP_MIB_TW_ACKS_SKIPPED))
			break;
		if (action == XTCP_TW_CHALLENGE) {
			if (!xtcp_challenge_allowed(net, now_ns))
				break;
			xtcp_inc(net, XTCP_MIB_CHALLENGE_ACKS);
		}
		xtcp_send_raw(net, tw->saddr, tw->daddr, &ack);
		break;
	case XTCP_TW_KILL:
		xtcp_tw_kill(tw, "rcv RST");
		break;
	case XTCP_TW_NEW_SYN:
		xtcp_inc(read_pnet(&tw->net), XTCP_MIB_TIME_WAIT_RECYCLED);
		xtcp_tw_kill(tw, "rcv SYN (RFC 6191)");
		break;
	default:
		break;
	}
	return action;
}
