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

/*
 * A SYN reached a listener: make the child that answers it (in SYN_RECV);
 * false if the backlog is full or there is no memory for it.
 */
bool xtcp_child_create(struct sock *listener, struct sk_buff *skb, u64 now_ns)
{
	struct xtcp_sock *lxs = xtcp_sk(listener), *xs;
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct xtcp_net *xn = xtcp_net(sock_net(listener));
	u32 backlog = max_t(u32, lxs->backlog, 1);
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
	struct sock *sk;

	/* Bounded: half-open and ready connections both count, as in Linux. */
	if (lxs->syn_queue_len >= min_t(u32, backlog, xn->max_syn_backlog) ||
	    lxs->accept_queue_len >= backlog)
		return false;
	sk = sk_alloc(sock_net(listener), xtcp_family, GFP_ATOMIC, &xtcp_prot, 0);
	if (!sk)
		return false;
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

	sk->sk_rcv_saddr = ip_hdr(skb)->daddr;
	sk->sk_daddr = ip_hdr(skb)->saddr;
	sk->sk_num = listener->sk_num;
	sk->sk_dport = th->source;
	xs->tcb.rcv_nxt = cb->seq + 1;
	xs->tcb.rcv_wup = xs->tcb.rcv_nxt;
	xs->copied_seq = xs->tcb.rcv_nxt;
	xs->adv_mss = xtcp_route_mss(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr);
	xs->mss = min_t(u16, xs->adv_mss, cb->mss ?: XTCP_MSS_DEFAULT);
	xtcp_wscale_offer(sk);
	xtcp_wscale_agree(sk, cb->wscale);
	xs->tcb.snd_wnd = cb->window;	/* a SYN's window is not scaled */
	xs->tcb.max_snd_wnd = cb->window;
	xs->tcb.snd_wl1 = cb->seq;
	xs->tcb.iss = xtcp_isn(sk->sk_rcv_saddr, sk->sk_daddr, htons(sk->sk_num),
			       sk->sk_dport, now_ns);
	xtcp_cc_init(&xs->cc, xs->mss, xs->tcb.iss);

	sock_hold(listener);
	xs->parent = listener;
	spin_lock_bh(&lxs->queue_lock);
	list_add_tail(&xs->child_node, &lxs->syn_queue);
	lxs->syn_queue_len++;
	spin_unlock_bh(&lxs->queue_lock);

	/*
	 * The listener's lock is held nested (input.c): the child's is the
	 * outer class. From the listener's backlog we run with BHs on, and
	 * softirq takes this lock too.
	 */
	local_bh_disable();
	bh_lock_sock(sk);
	xtcp_ctx_of(sk, now_ns, &ctx);
	xtcp_child_decide(&ctx, &v);
	/* Hashed, with its SYN+ACK queued; without memory for it, done. */
	sock_hold(sk);
	xtcp_apply(sk, &ctx, NULL, NULL, &v);
	if (sk->sk_state != XTCP_CLOSE)
		xtcp_timers_peer_heard(sk, now_ns);
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
	consume_skb(skb);
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
