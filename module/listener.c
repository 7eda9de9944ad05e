// SPDX-License-Identifier: GPL-2.0
/*
 * listen() and accept(), and a listener's children (RFC 9293 3.10.7.2): a
 * SYN makes a request in SYN_RECV on the SYN queue (request.c), or a SYN
 * cookie; the ACK that ends the handshake makes the child, on the accept
 * queue; accept() grafts it to a new socket; a closing listener resets the
 * children nobody accepted and its requests.
 */
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <net/ip.h>
#include <net/sock.h>

#include "xtcp/history.h"
#include "xtcp/input.h"
#include "xtcp/listener.h"
#include "xtcp/output.h"
#include "xtcp/request.h"
#include "xtcp/rtt.h"
#include "xtcp/sock.h"
#include "xtcp/syncookies.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/window.h"

int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
	err = xtcp_open_decide(&ctx, false, &v);
	if (err)
		goto out;
	backlog = min_t(int, max(backlog, 0), READ_ONCE(sock_net(sk)->core.sysctl_somaxconn));
	xtcp_sk(sk)->backlog = backlog;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state != XTCP_LISTEN) {
		err = sk->sk_num ? xtcp_port_again(sk, true) : xtcp_bind_port(sk, 0, false);
		if (err)
			goto out;
		xtcp_apply(sk, &ctx, NULL, NULL, &v);
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

/*
 * Close a closing listener's connections: RST to each the peer may think
 * open, the children nobody accepted and the requests (as xtcp always has
 * and RFC 9293 3.10.4's ABORT says; Linux leaves requests to time out).
 */
void xtcp_listener_stop(struct sock *listener)
{
	struct xtcp_sock *lxs = xtcp_sk(listener);
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
	struct xtcp_req *req;
	struct xtcp_sock *xs;

	for (;;) {
		struct sock *sk;

		spin_lock_bh(&lxs->queue_lock);
		xs = list_first_entry_or_null(&lxs->accept_queue, struct xtcp_sock, child_node);
		if (xs) {
			list_del_init(&xs->child_node);
			lxs->accept_queue_len--;
		}
		spin_unlock_bh(&lxs->queue_lock);
		if (!xs)
			break;
		sk = &xs->sk;
		/* No user owns a child yet: its spinlock is enough (inet_csk_listen_stop). */
		local_bh_disable();
		bh_lock_sock(sk);
		xs->parent = NULL;
		xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
		xtcp_abort_decide(&ctx, "listener closed", &v);
		xtcp_apply(sk, &ctx, NULL, NULL, &v);
		bh_unlock_sock(sk);
		local_bh_enable();
		xtcp_timers_stop_sync(sk);
		sock_put(listener);
		sock_put(sk);	/* the queue's reference */
	}
	for (;;) {
		/* On the SYN queue, a request is in the table and holds its reference. */
		spin_lock_bh(&lxs->queue_lock);
		req = list_first_entry_or_null(&lxs->syn_queue, struct xtcp_req, syn_node);
		if (req)
			refcount_inc(&req->refcnt);
		spin_unlock_bh(&lxs->queue_lock);
		if (!req)
			break;
		xtcp_req_abort(req);
		xtcp_req_put(req);
	}
}

/* As many connections wait for accept() as the backlog allows. */
static bool xtcp_accept_queue_full(const struct sock *listener)
{
	const struct xtcp_sock *lxs = xtcp_sk(listener);

	return lxs->accept_queue_len >= max_t(u32, lxs->backlog, 1);
}

/* No room for a request: half-open and ready connections both count, as in Linux. */
static bool xtcp_syn_queue_full(const struct sock *listener)
{
	const struct xtcp_sock *lxs = xtcp_sk(listener);
	u32 max_syn = READ_ONCE(xtcp_net(sock_net(listener))->max_syn_backlog);

	return lxs->syn_queue_len >= min(max_t(u32, lxs->backlog, 1), max_syn) ||
	       xtcp_accept_queue_full(listener);
}

/* A child of listener for syn (its SYN,ACK sent); NULL without memory. */
static struct sock *xtcp_child_new(struct sock *listener, const struct xtcp_syn *syn)
{
	struct xtcp_sock *lxs = xtcp_sk(listener), *xs;
	struct sock *sk;

	sk = sk_alloc(sock_net(listener), xtcp_family, GFP_ATOMIC, &xtcp_prot, 0);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	xtcp_init_sock(sk, GFP_ATOMIC);
	xs = xtcp_sk(sk);
	sock_set_flag(sk, SOCK_DEAD);	/* no struct socket until accept() */
	sk->sk_rcvbuf = listener->sk_rcvbuf;
	sk->sk_sndbuf = listener->sk_sndbuf;
	sk->sk_userlocks |= listener->sk_userlocks & (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK);
	sk->sk_reuse = listener->sk_reuse;
	if (sock_flag(listener, SOCK_KEEPOPEN))
		sock_set_flag(sk, SOCK_KEEPOPEN);
	xs->keepalive_time = lxs->keepalive_time;
	xs->keepalive_intvl = lxs->keepalive_intvl;
	xs->keepalive_cnt = lxs->keepalive_cnt;

	sk->sk_rcv_saddr = syn->laddr;
	sk->sk_daddr = syn->raddr;
	sk->sk_num = listener->sk_num;
	sk->sk_dport = syn->rport;
	xs->tcb.rcv_nxt = syn->irs + 1;
	xs->tcb.rcv_wup = xs->tcb.rcv_nxt;
	xs->tcb.rcv_wnd = syn->rcv_wnd;
	xs->copied_seq = xs->tcb.rcv_nxt;
	xs->adv_mss = syn->adv_mss;
	xs->mss = min_t(u16, xs->adv_mss, syn->mss ?: XTCP_MSS_DEFAULT);
	/* The shifts our SYN,ACK and the peer's SYN offered (RFC 7323 2.2). */
	xs->wscale_ok = syn->rcv_wscale >= 0;
	xs->rcv_wscale = max_t(s8, syn->rcv_wscale, 0);
	xtcp_wscale_agree(sk, syn->wscale);
	xs->tcb.snd_wnd = syn->window;	/* a SYN's window is not scaled */
	xs->tcb.max_snd_wnd = syn->window;
	xs->tcb.snd_wl1 = syn->irs;
	xs->tcb.iss = syn->iss;
	xs->tcb.ts = syn->ts;		/* both SYNs had them: TS.Recent is the SYN's */
	if (xs->tcb.ts.ok) {
		xs->tcb.ts.recent_s = xtcp_ts_second(xtcp_clock_ns());
		xs->mss = xtcp_ts_mss(xs->mss);	/* every segment carries them */
	}
	xs->cc_ops = lxs->cc_ops;	/* the listener's, as Linux's children inherit it */
	xtcp_cc_init(&xs->cc, xs->mss, xs->tcb.iss, xs->cc_ops);
	xs->sack_ok = syn->sack_ok;	/* both SYNs offered it */
	xs->cc.sack = xs->sack_ok;

	/* The listener's until accept(); the first reference is the accept queue's. */
	sock_hold(listener);
	xs->parent = listener;
	return sk;
}

/*
 * The child's first events: SYN_RECV (decided by xtcp_child_decide) and
 * the ACK in skb that completes it, which puts it on the accept queue
 * (xtcp_child_established). The listener's lock is held nested (input.c):
 * the child's is the outer class. From the listener's backlog we run with
 * BHs on, and softirq takes this lock too.
 */
static void xtcp_child_start(struct sock *sk, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *listener = xs->parent;
	bool queued = true;
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;

	local_bh_disable();
	bh_lock_sock(sk);
	xtcp_ctx_of(sk, now_ns, &ctx);
	xtcp_child_decide(&ctx, &v);
	xtcp_apply(sk, &ctx, NULL, NULL, &v);
	xtcp_timers_peer_heard(sk, now_ns);
	xtcp_rcv_sk(sk, skb);
	/*
	 * The ACK was decided acceptable for the SYN_RECV it completes; if the
	 * socket took it otherwise, nothing else will complete it.
	 */
	if (list_empty(&xs->child_node)) {
		if (sk->sk_state != XTCP_CLOSE) {
			xtcp_ctx_of(sk, now_ns, &ctx);
			xtcp_abort_decide(&ctx, "handshake not completed", &v);
			xtcp_apply(sk, &ctx, NULL, NULL, &v);
		}
		xs->parent = NULL;
		queued = false;
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	if (!queued) {
		sock_put(listener);
		sock_put(sk);	/* the accept queue's reference, never taken */
	}
}

/*
 * A connection of listener made of syn, by the ACK in skb (consumed) to
 * the SYN,ACK of request req, or of a cookie (req NULL). False without
 * memory, skb untouched.
 */
static bool xtcp_child_make(struct sock *listener, const struct xtcp_syn *syn,
			    struct sk_buff *skb, const struct xtcp_req *req, u64 now_ns)
{
	struct sock *sk = xtcp_child_new(listener, syn);

	if (!sk)
		return false;
	if (req) {
		/* The request was the connection's SYN_RECV: the socket goes on from it. */
		xtcp_history_add(xtcp_sk(sk)->history, XTCP_CLOSE, XTCP_SYN_RECV, "rcv SYN",
				 req->born_ns);
		xtcp_sk(sk)->prev_state = XTCP_CLOSE;
		sk->sk_state = XTCP_SYN_RECV;
		/* RFC 6298 3 (Karn): a SYN,ACK sent once times the round trip. */
		if (!READ_ONCE(req->retries)) {
			u32 r_us = xtcp_us_since(now_ns, req->born_ns);

			xtcp_rtt_update(sk, r_us, r_us);
		}
	}
	xtcp_child_start(sk, skb, now_ns);
	return true;
}

/*
 * A SYN reached a listener: a request answers it (in SYN_RECV), or, with
 * the SYN queue full (or net.xtcp.syncookies 2), a SYN,ACK whose ISS is a
 * cookie (RFC 4987 3.6), keeping nothing. False if the SYN is refused: the
 * queue is full without cookies, or there is no memory for the request.
 * Consumes skb otherwise.
 */
bool xtcp_child_create(struct sock *listener, struct sk_buff *skb, u64 now_ns)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct net *net = sock_net(listener);
	int syncookies = READ_ONCE(xtcp_net(net)->syncookies);
	struct xtcp_syn syn = {
		.laddr = ip_hdr(skb)->daddr, .raddr = ip_hdr(skb)->saddr,
		.lport = th->dest, .rport = th->source, .irs = cb->seq,
		.mss = cb->mss, .wscale = cb->wscale, .window = cb->window,
		.sack_ok = cb->sack_ok, .ts = { .ok = cb->ts_ok, .recent = cb->ts_val },
	};

	xtcp_syn_answer(listener, &syn);
	if (syncookies == 2 || xtcp_syn_queue_full(listener)) {
		struct xtcp_cookie_data d = { .mss = syn.mss ?: XTCP_MSS_DEFAULT,
					      .wscale = syn.wscale };

		/* The accept queue full too: a cookie's connection would find no room. */
		if (!syncookies || xtcp_accept_queue_full(listener))
			return false;
		syn.iss = xtcp_cookie_make(syn.laddr, syn.raddr, syn.lport, syn.rport, syn.irs,
					   &d, now_ns);
		syn.cookie = 1;
		/* Nowhere to keep SACK without timestamps: not offered (as Linux). */
		syn.sack_ok = syn.sack_ok && syn.ts.ok;
		WRITE_ONCE(xtcp_sk(listener)->cookie_sent_ns, now_ns);
		xtcp_inc(net, XTCP_MIB_SYNCOOKIES_SENT);
		xtcp_synack_send(net, &syn);
		consume_skb(skb);
		return true;
	}
	syn.iss = xtcp_isn(syn.laddr, syn.raddr, syn.lport, syn.rport, now_ns);
	if (!xtcp_req_new(listener, &syn, now_ns))
		return false;
	consume_skb(skb);
	return true;
}

/*
 * An ACK reached a listener that sends cookies (RFC 4987 3.6): if SEG.ACK - 1
 * is the cookie of SEG.SEQ - 1 for its 4-tuple, make the connection and
 * let the ACK (and any data with it) complete it. False: not a cookie of
 * ours, skb untouched. True: skb consumed, the connection made, or dropped
 * for a full accept queue or no memory (ListenDrops).
 */
bool xtcp_cookie_child(struct sock *listener, struct sk_buff *skb, const struct xtcp_seg *seg,
		       u64 now_ns)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct xtcp_cookie_data d;
	struct xtcp_syn syn = {
		.laddr = ip_hdr(skb)->daddr, .raddr = ip_hdr(skb)->saddr,
		.lport = th->dest, .rport = th->source, .irs = seg->seq - 1, .iss = seg->ack - 1,
		/*
		 * A peer sends timestamps only if our SYN,ACK did (RFC 7323
		 * 3.2), and then their echo says whether it offered SACK.
		 */
		.ts = { .ok = seg->ts_ok, .recent = seg->ts_val },
		.sack_ok = seg->ts_ok && xtcp_cookie_ts_sack(seg->ts_ecr),
	};

	if (xtcp_cookie_check(syn.laddr, syn.raddr, syn.lport, syn.rport, syn.irs, syn.iss,
			      now_ns, &d))
		return false;
	syn.mss = d.mss;
	syn.wscale = d.wscale;
	xtcp_syn_answer(listener, &syn);
	if (xtcp_accept_queue_full(listener) ||
	    !xtcp_child_make(listener, &syn, skb, NULL, now_ns)) {
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_DROPS);
		xtcp_drop(sock_net(listener), skb, SKB_DROP_REASON_SOCKET_BACKLOG);
		return true;
	}
	xtcp_inc(sock_net(listener), XTCP_MIB_SYNCOOKIES_RECV);
	return true;
}

/*
 * The ACK in skb completes request req (request.c decided it): the socket
 * takes the connection over and the request ends. With the accept queue
 * full the ACK is dropped and the request kept, for the peer's next one or
 * our SYN,ACK's (ListenOverflows, as Linux with tcp_abort_on_overflow 0).
 * False if skb was not used (the caller drops it).
 */
bool xtcp_child_from_req(struct sock *listener, struct xtcp_req *req, struct sk_buff *skb,
			 u64 now_ns)
{
	struct net *net = sock_net(listener);

	if (xtcp_accept_queue_full(listener)) {
		xtcp_inc(net, XTCP_MIB_LISTEN_OVERFLOWS);
		xtcp_inc(net, XTCP_MIB_LISTEN_DROPS);
		return false;
	}
	/* Its timer may have ended it meanwhile: then the ACK finds nothing. */
	if (!xtcp_req_end(req, NULL))
		return false;
	if (xtcp_req_timer_stop(req))
		xtcp_req_put(req);
	if (!xtcp_child_make(listener, &req->syn, skb, req, now_ns)) {
		xtcp_inc(net, XTCP_MIB_LISTEN_DROPS);
		return false;
	}
	return true;
}

/* The child's handshake is done: on the accept queue. */
void xtcp_child_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *listener = xs->parent;
	struct xtcp_sock *lxs = xtcp_sk(listener);

	spin_lock_bh(&lxs->queue_lock);
	list_add_tail(&xs->child_node, &lxs->accept_queue);
	lxs->accept_queue_len++;
	spin_unlock_bh(&lxs->queue_lock);
	listener->sk_data_ready(listener);
}

#ifdef XTCP_HAVE_PROTO_ACCEPT_ARG
int xtcp_accept(struct socket *sock, struct socket *newsock, struct proto_accept_arg *arg)
{
	int flags = arg->flags;
#else
int xtcp_accept(struct socket *sock, struct socket *newsock, int flags, bool kern)
{
#endif
	struct sock *sk = sock->sk;
	struct xtcp_sock *lxs = xtcp_sk(sk), *xs = NULL;
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *child;
	long timeo;
	int err = 0;

	lock_sock(sk);
	if (sk->sk_state != XTCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	for (;;) {
		spin_lock_bh(&lxs->queue_lock);
		xs = list_first_entry_or_null(&lxs->accept_queue, struct xtcp_sock, child_node);
		if (xs) {
			list_del_init(&xs->child_node);
			lxs->accept_queue_len--;
		}
		spin_unlock_bh(&lxs->queue_lock);
		if (xs)
			break;
		err = -EAGAIN;
		if (!timeo)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		err = -EINVAL;
		if (sk->sk_state != XTCP_LISTEN)
			break;
		sk_wait_event(sk, &timeo, !list_empty(&lxs->accept_queue) ||
			      sk->sk_state != XTCP_LISTEN, &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (!xs)
		return err;
	/* The listener is released first: one socket lock at a time, as inet_accept(). */
	child = &xs->sk;
	lock_sock(child);
	sock_graft(child, newsock);
	sock_reset_flag(child, SOCK_DEAD);
	newsock->state = SS_CONNECTED;
	newsock->ops = &xtcp_stream_ops;
	xs->parent = NULL;
	release_sock(child);
	sock_put(sk);	/* the child's reference on its listener */
	return 0;
out:
	release_sock(sk);
	return err;
}
