// SPDX-License-Identifier: GPL-2.0
/*
 * listen() and accept(), and a listener's children (RFC 9293 3.10.7.2): a
 * SYN makes a child in SYN_RECV on the SYN queue, the end of its handshake
 * moves it to the accept queue, accept() grafts it to a new socket, and a
 * closing listener resets the children nobody accepted.
 */
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <net/ip.h>
#include <net/sock.h>

#include "xtcp/input.h"
#include "xtcp/listener.h"
#include "xtcp/output.h"
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

/* Close every child of a closing listener: RST to those the peer thinks are open. */
void xtcp_listener_stop(struct sock *listener)
{
	struct xtcp_sock *lxs = xtcp_sk(listener);
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
	struct xtcp_sock *xs;

	for (;;) {
		struct sock *sk;

		spin_lock_bh(&lxs->queue_lock);
		xs = list_first_entry_or_null(&lxs->accept_queue, struct xtcp_sock,
					      child_node);
		if (xs) {
			lxs->accept_queue_len--;
		} else {
			xs = list_first_entry_or_null(&lxs->syn_queue, struct xtcp_sock,
						      child_node);
			if (xs)
				lxs->syn_queue_len--;
		}
		if (xs)
			list_del_init(&xs->child_node);
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
}

/* What a child is made of: the peer's SYN, read from the segment or a cookie. */
struct xtcp_syn {
	__be32 laddr, raddr;
	__be16 rport;
	u32 irs;		/* the peer's ISN */
	u16 mss;		/* the peer's, 0: none announced */
	int wscale;		/* the peer's shift, -1: none offered */
	u32 window;		/* unscaled, as in a SYN */
};

/* As many connections wait for accept() as the backlog allows. */
static bool xtcp_accept_queue_full(const struct sock *listener)
{
	const struct xtcp_sock *lxs = xtcp_sk(listener);

	return lxs->accept_queue_len >= max_t(u32, lxs->backlog, 1);
}

/* No room for a half-open child: half-open and ready connections both count, as in Linux. */
static bool xtcp_syn_queue_full(const struct sock *listener)
{
	const struct xtcp_sock *lxs = xtcp_sk(listener);
	u32 max_syn = READ_ONCE(xtcp_net(sock_net(listener))->max_syn_backlog);

	return lxs->syn_queue_len >= min(max_t(u32, lxs->backlog, 1), max_syn) ||
	       xtcp_accept_queue_full(listener);
}

/* A child of listener for syn, with ISS iss, on the SYN queue; NULL without memory. */
static struct sock *xtcp_child_new(struct sock *listener, const struct xtcp_syn *syn, u32 iss)
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
	xs->copied_seq = xs->tcb.rcv_nxt;
	xs->adv_mss = xtcp_route_mss(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr);
	xs->mss = min_t(u16, xs->adv_mss, syn->mss ?: XTCP_MSS_DEFAULT);
	xtcp_wscale_offer(sk);
	xtcp_wscale_agree(sk, syn->wscale);
	xs->tcb.snd_wnd = syn->window;	/* a SYN's window is not scaled */
	xs->tcb.max_snd_wnd = syn->window;
	xs->tcb.snd_wl1 = syn->irs;
	xs->tcb.iss = iss;
	xtcp_cc_init(&xs->cc, xs->mss, xs->tcb.iss);

	sock_hold(listener);
	xs->parent = listener;
	spin_lock_bh(&lxs->queue_lock);
	list_add_tail(&xs->child_node, &lxs->syn_queue);
	lxs->syn_queue_len++;
	spin_unlock_bh(&lxs->queue_lock);
	return sk;
}

/*
 * The child's first event: SYN_RECV (decided by xtcp_child_decide) and,
 * for a cookie, the ACK in skb that completes it. The listener's lock is
 * held nested (input.c): the child's is the outer class. From the
 * listener's backlog we run with BHs on, and softirq takes this lock too.
 */
static void xtcp_child_start(struct sock *sk, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;

	local_bh_disable();
	bh_lock_sock(sk);
	xtcp_ctx_of(sk, now_ns, &ctx);
	xtcp_child_decide(&ctx, !!skb, &v);
	/* Hashed, with its SYN+ACK queued; without memory for it, done. */
	sock_hold(sk);
	xtcp_apply(sk, &ctx, NULL, NULL, &v);
	if (sk->sk_state != XTCP_CLOSE)
		xtcp_timers_peer_heard(sk, now_ns);
	if (skb)
		xtcp_rcv_sk(sk, skb);
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/*
 * RFC 4987 3.6: answer the SYN in skb with a SYN,ACK whose ISS is a
 * cookie, and keep nothing. The options are those the child would send.
 */
static void xtcp_cookie_synack(struct sock *listener, struct sk_buff *skb,
			       const struct xtcp_syn *syn, u64 now_ns)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct net *net = sock_net(listener);
	struct xtcp_cookie_data d = { .mss = syn->mss ?: XTCP_MSS_DEFAULT, .wscale = syn->wscale };
	u8 shift = xtcp_wscale_offered(listener);
	struct xtcp_seg synack = {
		.src_port = ntohs(th->dest), .dst_port = ntohs(th->source),
		.ack = syn->irs + 1, .flags = XTCP_FLAG_SYN | XTCP_FLAG_ACK,
		.window = min_t(u32, xtcp_rcv_window(listener), U16_MAX),
		.mss = xtcp_route_mss(net, syn->laddr, syn->raddr),
		.wscale = syn->wscale >= 0 && READ_ONCE(xtcp_net(net)->window_scaling) ? shift : -1,
	};

	synack.seq = xtcp_cookie_make(syn->laddr, syn->raddr, th->dest, th->source, syn->irs, &d,
				      now_ns);
	WRITE_ONCE(xtcp_sk(listener)->cookie_sent_ns, now_ns);
	xtcp_inc(net, XTCP_MIB_SYNCOOKIES_SENT);
	xtcp_send_raw(net, syn->laddr, syn->raddr, &synack);
}

/*
 * A SYN reached a listener: make the child that answers it (in SYN_RECV),
 * or, with the SYN queue full (or net.xtcp.syncookies 2), answer with a
 * cookie. False if the SYN is refused: the queue is full without cookies,
 * or there is no memory for the child. Consumes skb otherwise.
 */
bool xtcp_child_create(struct sock *listener, struct sk_buff *skb, u64 now_ns)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	int syncookies = READ_ONCE(xtcp_net(sock_net(listener))->syncookies);
	struct xtcp_syn syn = {
		.laddr = ip_hdr(skb)->daddr, .raddr = ip_hdr(skb)->saddr, .rport = th->source,
		.irs = cb->seq, .mss = cb->mss, .wscale = cb->wscale, .window = cb->window,
	};
	struct sock *sk;

	if (syncookies == 2 || xtcp_syn_queue_full(listener)) {
		/* The accept queue full too: a cookie's connection would find no room. */
		if (!syncookies || xtcp_accept_queue_full(listener))
			return false;
		xtcp_cookie_synack(listener, skb, &syn, now_ns);
		consume_skb(skb);
		return true;
	}
	sk = xtcp_child_new(listener, &syn, xtcp_isn(syn.laddr, syn.raddr, th->dest, th->source,
						     now_ns));
	if (!sk)
		return false;
	xtcp_child_start(sk, NULL, now_ns);
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
		.laddr = ip_hdr(skb)->daddr, .raddr = ip_hdr(skb)->saddr, .rport = th->source,
		.irs = seg->seq - 1,
	};
	struct sock *sk;

	if (xtcp_cookie_check(syn.laddr, syn.raddr, th->dest, th->source, syn.irs, seg->ack - 1,
			      now_ns, &d))
		return false;
	syn.mss = d.mss;
	syn.wscale = d.wscale;
	sk = xtcp_accept_queue_full(listener) ? NULL : xtcp_child_new(listener, &syn, seg->ack - 1);
	if (!sk) {
		xtcp_inc(sock_net(listener), XTCP_MIB_LISTEN_DROPS);
		xtcp_drop(sock_net(listener), skb, SKB_DROP_REASON_SOCKET_BACKLOG);
		return true;
	}
	xtcp_inc(sock_net(listener), XTCP_MIB_SYNCOOKIES_RECV);
	xtcp_child_start(sk, skb, now_ns);
	return true;
}

/* The child's handshake is done: from the SYN queue to the accept queue. */
void xtcp_child_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *listener = xs->parent;
	struct xtcp_sock *lxs = xtcp_sk(listener);

	spin_lock_bh(&lxs->queue_lock);
	/*
	 * A closing listener may have taken it off the SYN queue already
	 * (xtcp_listener_stop() unlinks first, then locks the child): it is
	 * that listener's to reset, not to queue again.
	 */
	if (list_empty(&xs->child_node)) {
		spin_unlock_bh(&lxs->queue_lock);
		return;
	}
	list_move_tail(&xs->child_node, &lxs->accept_queue);
	lxs->syn_queue_len--;
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
