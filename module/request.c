// SPDX-License-Identifier: GPL-2.0
/*
 * SYN_RECV as a small object, as Linux's request_sock (RFC 9293 3.10.7.2;
 * 3.10.7.4 in SYN-RECEIVED). A SYN below the listener's queue limit makes
 * a request, not a socket: it answers SYN,ACK, sends it again on its
 * timer, and takes what the peer sends next. Its decisions are a
 * socket's in SYN_RECV: state.c and timeout.c decide on the TCB the
 * request stands for (xtcp_req_tcb()); this file carries the verdicts out.
 * The ACK of our SYN,ACK makes the socket (listener.c); a RST, the retry
 * limit or the listener's close ends the request.
 *
 * A request's segments come to it under its listener's lock (input.c
 * hands them to the listener); its timer runs without it. Both may end
 * it: the first to take it out of the table does.
 */
#include <kunit/visibility.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "xtcp/input.h"
#include "xtcp/listener.h"
#include "xtcp/output.h"
#include "xtcp/request.h"
#include "xtcp/rtt.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/syncookies.h"
#include "xtcp/table.h"
#include "xtcp/timeout.h"
#include "xtcp/timers.h"
#include "xtcp/trace.h"
#include "xtcp/window.h"

static struct kmem_cache *xtcp_req_cachep __read_mostly;

int xtcp_req_init(void)
{
	xtcp_req_cachep = kmem_cache_create("xtcp_request", sizeof(struct xtcp_req), 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	return xtcp_req_cachep ? 0 : -ENOMEM;
}

void xtcp_req_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(xtcp_req_cachep);
}

static void xtcp_req_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(xtcp_req_cachep, container_of(head, struct xtcp_req, rcu));
}

void xtcp_req_put(struct xtcp_req *req)
{
	if (refcount_dec_and_test(&req->refcnt)) {
		sock_put(req->listener);
		/* Its own timer's handler may drop the last reference. */
		call_rcu(&req->rcu, xtcp_req_free_rcu);
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_put);

/*
 * What our SYN,ACK answers syn with, as listener would make the child now:
 * our MSS, our window (unscaled: a SYN's), our shift if the peer offered one,
 * SACK-permitted if the peer offered it and net.xtcp.sack allows (RFC 2018 2),
 * timestamps likewise (RFC 7323 3.2).
 */
void xtcp_syn_answer(const struct sock *listener, struct xtcp_syn *syn)
{
	struct net *net = sock_net(listener);

	syn->adv_mss = xtcp_route_mss(net, syn->laddr, syn->raddr);
	syn->rcv_wnd = min_t(u32, xtcp_rcv_window(listener), U16_MAX);
	syn->rcv_wscale = syn->wscale >= 0 && READ_ONCE(xtcp_net(net)->window_scaling) ?
			  xtcp_wscale_offered(listener) : -1;
	syn->sack_ok = syn->sack_ok && READ_ONCE(xtcp_net(net)->sack);
	xtcp_ts_answer(&syn->ts, net, syn->laddr, syn->raddr);
}

/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, with the options syn says (a request's or a cookie's). */
void xtcp_synack_send(struct net *net, const struct xtcp_syn *syn)
{
	struct xtcp_seg synack = {
		.src_port = ntohs(syn->lport), .dst_port = ntohs(syn->rport),
		.seq = syn->iss, .ack = syn->irs + 1, .flags = XTCP_FLAG_SYN | XTCP_FLAG_ACK,
		.window = syn->rcv_wnd, .mss = syn->adv_mss, .wscale = syn->rcv_wscale,
		.sack_ok = syn->sack_ok, .ts_ok = syn->ts.ok, .ts_ecr = syn->ts.recent,
		.ts_val = xtcp_ts_now(xtcp_clock_ns(), syn->ts.offset),
	};

	if (syn->cookie)
		synack.ts_val = xtcp_cookie_tsval(synack.ts_val, syn->sack_ok);

	xtcp_send_raw(net, syn->laddr, syn->raddr, &synack);
}

static void xtcp_req_trace(const struct xtcp_req *req, int from, int to, const char *why)
{
	trace_xtcp_set_state(req, req->syn.laddr, ntohs(req->syn.lport), req->syn.raddr,
			     ntohs(req->syn.rport), from, to, why);
}

/* The RTO before any measurement (RFC 6298 2.1), within the sysctls. */
static u32 xtcp_req_rto_ms(struct net *net)
{
	static const struct xtcp_rtt none;
	struct xtcp_net *xn = xtcp_net(net);

	return xtcp_rto_ms(&none, READ_ONCE(xn->rto_min_ms), READ_ONCE(xn->rto_max_ms));
}

/*
 * A request for syn on listener's SYN queue: hashed, its SYN,ACK sent and
 * its timer armed. False without memory.
 */
bool xtcp_req_new(struct sock *listener, const struct xtcp_syn *syn, u64 now_ns)
{
	struct xtcp_sock *lxs = xtcp_sk(listener);
	struct net *net = sock_net(listener);
	struct xtcp_req *req;

	req = kmem_cache_zalloc(xtcp_req_cachep, GFP_ATOMIC);
	if (!req)
		return false;
	refcount_set(&req->refcnt, 1);
	sock_hold(listener);
	req->listener = listener;
	req->syn = *syn;
	req->born_ns = now_ns;
	spin_lock_init(&req->lock);
	req->node.pprev = NULL;		/* unhashed */
	xtcp_req_timer_init(req);
	/* On the SYN queue exactly while in the table: xtcp_req_end() takes both. */
	spin_lock_bh(&lxs->queue_lock);
	list_add_tail(&req->syn_node, &lxs->syn_queue);
	lxs->syn_queue_len++;
	xtcp_req_hash(req);
	spin_unlock_bh(&lxs->queue_lock);
	xtcp_req_trace(req, XTCP_CLOSE, XTCP_SYN_RECV, "rcv SYN");
	xtcp_req_timer_arm(req, (u64)xtcp_req_rto_ms(net) * NSEC_PER_MSEC);
	xtcp_synack_send(net, &req->syn);
	xtcp_req_put(req);
	return true;
}

/*
 * The request leaves the table and its listener's SYN queue. The first
 * caller to end it gets true (and the table's reference is dropped); why,
 * if not NULL, is the end of the attempt (SYN_RECV -> CLOSE, AttemptFails);
 * NULL: a socket takes the connection over.
 */
bool xtcp_req_end(struct xtcp_req *req, const char *why)
{
	struct xtcp_sock *lxs = xtcp_sk(req->listener);
	bool ended;

	spin_lock_bh(&lxs->queue_lock);
	ended = xtcp_req_unhash(req);
	if (ended) {
		list_del_init(&req->syn_node);
		lxs->syn_queue_len--;
	}
	spin_unlock_bh(&lxs->queue_lock);
	if (!ended)
		return false;
	if (why) {
		xtcp_req_trace(req, XTCP_SYN_RECV, XTCP_CLOSE, why);
		xtcp_inc(sock_net(req->listener), XTCP_MIB_ATTEMPT_FAILS);
	}
	xtcp_req_put(req);
	return true;
}

/*
 * End the request now: out of the table, its timer stopped (a handler
 * running, its own included, finds it dead). The caller holds a reference.
 */
void xtcp_req_kill(struct xtcp_req *req, const char *why)
{
	xtcp_req_end(req, why);
	if (xtcp_req_timer_stop(req))
		xtcp_req_put(req);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_kill);

/*
 * The TCB a socket in SYN_RECV would have for req, and what its events are
 * decided under: nothing received yet, nothing queued, our SYN,ACK in flight.
 */
static void xtcp_req_tcb(const struct xtcp_req *req, u64 now_ns, struct xtcp_tcb *tcb,
			 struct xtcp_ctx *ctx)
{
	const struct xtcp_syn *syn = &req->syn;
	struct net *net = sock_net(req->listener);

	memset(tcb, 0, sizeof(*tcb));
	tcb->iss = syn->iss;
	tcb->snd_una = syn->iss;
	tcb->snd_nxt = syn->iss + 1;
	tcb->snd_sml = syn->iss;
	tcb->snd_wnd = syn->window;
	tcb->max_snd_wnd = syn->window;
	tcb->snd_wl1 = syn->irs;
	tcb->rcv_nxt = syn->irs + 1;
	tcb->rcv_wup = tcb->rcv_nxt;
	tcb->ts = syn->ts;
	if (tcb->ts.ok)
		tcb->ts.recent_s = xtcp_ts_second(req->born_ns);
	tcb->rcv_wnd = syn->rcv_wnd;
	tcb->rto_ms = xtcp_req_rto_ms(net);
	tcb->retries = READ_ONCE(req->retries);
	tcb->last_rcv_ns = req->born_ns;
	memset(ctx, 0, sizeof(*ctx));
	ctx->now_ns = now_ns;
	ctx->state = XTCP_SYN_RECV;
	ctx->ooo_empty = true;
	ctx->delack = READ_ONCE(xtcp_net(net)->delayed_ack_ms) > 0;
	ctx->quickack = true;	/* the connection's first data (ack.c) */
	ctx->rcv_space = syn->rcv_wnd;
	ctx->rcv_mss = min_t(u16, syn->adv_mss, syn->mss ?: XTCP_MSS_DEFAULT);
}

/* <SEQ=ISS+1><ACK=RCV.NXT> with flags (ACK, or RST,ACK): what the socket would send. */
static void xtcp_req_send(const struct xtcp_req *req, u8 flags)
{
	const struct xtcp_syn *syn = &req->syn;
	struct xtcp_seg seg = {
		.src_port = ntohs(syn->lport), .dst_port = ntohs(syn->rport),
		.seq = syn->iss + 1, .ack = syn->irs + 1, .flags = flags,
		.window = syn->rcv_wnd, .wscale = -1,
	};

	xtcp_send_raw(sock_net(req->listener), syn->laddr, syn->raddr, &seg);
}

/* Our SYN,ACK again: on the timer, or for a repeated SYN. */
static void xtcp_req_resend(struct xtcp_req *req, const char *why)
{
	struct net *net = sock_net(req->listener);

	xtcp_inc(net, XTCP_MIB_RETRANS_SEGS);
	trace_xtcp_retransmit(req, req->syn.laddr, ntohs(req->syn.lport), req->syn.raddr,
			      ntohs(req->syn.rport), XTCP_SYN_RECV, XTCP_SYN_RECV, why);
	xtcp_synack_send(net, &req->syn);
}

/*
 * The interpreter for a request: carry out v, decided for req as for a
 * socket in SYN_RECV. For a segment, skb and seg are it (skb is consumed);
 * for the timer, both are NULL.
 */
static void xtcp_req_apply(struct xtcp_req *req, struct sk_buff *skb,
			   const struct xtcp_seg *seg, const struct xtcp_verdict *v, u64 now_ns)
{
	struct net *net = sock_net(req->listener);
	enum skb_drop_reason reason = v->drop;
	bool answer;

	if (v->mib != XTCP_MIB_MAX)
		xtcp_inc(net, v->mib);
	if (v->actions & XTCP_ACT_SYNCHRONIZED) {
		/* The ACK of our SYN,ACK: a socket takes it (and any data) over. */
		if (xtcp_child_from_req(req->listener, req, skb, now_ns))
			return;
		reason = SKB_DROP_REASON_SOCKET_BACKLOG;
		goto out;
	}
	if (v->actions & XTCP_ACT_RETRANSMIT) {
		WRITE_ONCE(req->retries, req->retries + 1);
		xtcp_req_resend(req, v->event);
	}
	if (v->timer)
		xtcp_req_timer_arm(req, v->timer_ns);
	if (v->actions & XTCP_ACT_RESET)
		xtcp_req_kill(req, v->event);
	if (v->actions & XTCP_ACT_SEND_RST)
		xtcp_send_rst_to(net, skb, v);
	/* Answers to what the peer sent: as a socket's, at most one per 500 ms without data. */
	answer = (v->actions & (XTCP_ACT_SEND_SYNACK | XTCP_ACT_CHALLENGE_ACK |
				XTCP_ACT_SEND_ACK)) &&
		 xtcp_oow_ack_allowed(net, seg, now_ns, &req->last_oow_ack_ns,
				      &req->oow_ack_count, XTCP_MIB_OOW_ACKS_SKIPPED);
	if (answer && (v->actions & XTCP_ACT_SEND_SYNACK)) {
		xtcp_req_resend(req, v->event);
	} else if (answer && (v->actions & XTCP_ACT_CHALLENGE_ACK)) {
		if (xtcp_challenge_allowed(net, now_ns)) {
			xtcp_inc(net, XTCP_MIB_CHALLENGE_ACKS);
			xtcp_req_send(req, XTCP_FLAG_ACK);
		}
	} else if (answer) {
		xtcp_req_send(req, XTCP_FLAG_ACK);
	}
out:
	if (skb)
		xtcp_drop(net, skb, reason);
}

/* A segment for req, under its listener's lock. Consumes skb. */
void xtcp_req_rcv(struct xtcp_req *req, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_verdict v;
	struct xtcp_seg seg;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	xtcp_seg_of(skb, &seg);
	/* RFC 7323 2.3: every window but a SYN's is scaled, once both offered. */
	if (!(seg.flags & XTCP_FLAG_SYN) && req->syn.rcv_wscale >= 0 && req->syn.wscale >= 0)
		seg.window <<= req->syn.wscale;
	xtcp_req_tcb(req, now_ns, &tcb, &ctx);
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	xtcp_req_apply(req, skb, &seg, &v, now_ns);
}

/* The listener is closing: RST,ACK to the peer, which may think itself connected. */
void xtcp_req_abort(struct xtcp_req *req)
{
	if (!READ_ONCE(req->dead))
		xtcp_req_send(req, XTCP_FLAG_RST | XTCP_FLAG_ACK);
	xtcp_req_kill(req, "listener closed");
}

/* The SYN,ACK timer fired (timers.c calls this, holding the timer's reference). */
void xtcp_req_expire(struct xtcp_req *req)
{
	struct xtcp_timer_cfg cfg;
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	if (READ_ONCE(req->dead))
		return;
	xtcp_req_tcb(req, xtcp_clock_ns(), &tcb, &ctx);
	xtcp_timer_cfg_net(sock_net(req->listener), &cfg);
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_RETRANSMIT, &cfg, &v);
	xtcp_req_apply(req, NULL, NULL, &v, ctx.now_ns);
}
