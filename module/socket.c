// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP address family: the socket calls (RFC 9293 section 3.10's
 * user calls OPEN, SEND, RECEIVE, CLOSE, ABORT) with the errors Linux TCP
 * gives for each, and the life of a socket: a listener's children, the
 * end of a connection (xtcp_done) and close().
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "xtcp/seq.h"
#include "xtcp/trace.h"
#include "xtcp/window.h"
#include "xtcp/xtcp.h"

static const struct proto_ops xtcp_stream_ops;

#define XTCP_KEEPALIVE_MAX_S	32767	/* as TCP's MAX_TCP_KEEPIDLE/INTVL */
#define XTCP_KEEPCNT_MAX	127

void xtcp_history_add(struct xtcp_history *h, int from, int to, const char *why)
{
	if (!h)
		return;
	h->e[h->next].ns = ktime_get_ns();
	h->e[h->next].from = from;
	h->e[h->next].to = to;
	h->e[h->next].event = why;
	h->next = (h->next + 1) % XTCP_HISTORY;
	if (h->count < XTCP_HISTORY)
		h->count++;
}

/* Every state change goes through here, with its cause in the protocol's words. */
void xtcp_set_state(struct sock *sk, int state, const char *why)
{
	int old = sk->sk_state;

	/* Counted as Linux's tcp_set_state() counts (RFC 4022 semantics). */
	if (state == XTCP_CLOSE) {
		if (old == XTCP_ESTABLISHED || old == XTCP_CLOSE_WAIT)
			xtcp_inc(sock_net(sk), XTCP_MIB_ESTAB_RESETS);
		else if (old == XTCP_SYN_SENT || old == XTCP_SYN_RECV)
			xtcp_inc(sock_net(sk), XTCP_MIB_ATTEMPT_FAILS);
	}
	trace_xtcp_set_state(sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			     ntohs(sk->sk_dport), old, state, why);
	xtcp_history_add(xtcp_sk(sk)->history, old, state, why);
	xtcp_sk(sk)->prev_state = old;
	WRITE_ONCE(sk->sk_state, state);
}

/*
 * What is of no use once the connection is over: data not yet sent or not
 * yet acknowledged, and data after a hole. The reader keeps what is in order.
 */
static void xtcp_purge_queues(struct sock *sk)
{
	__skb_queue_purge(&xtcp_sk(sk)->ooo_queue);
	__skb_queue_purge(&sk->sk_write_queue);
	sk->sk_wmem_queued = 0;
	xtcp_sk(sk)->send_head = NULL;
}

/*
 * The connection is over (RFC 9293: "delete the TCB"): CLOSE, out of the
 * tables, timers stopped, unsent data dropped, and the user told err if
 * any. Called with the socket locked, from any context.
 */
void xtcp_done(struct sock *sk, int err, const char *why)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (sk->sk_state != XTCP_CLOSE)
		xtcp_set_state(sk, XTCP_CLOSE, why);
	xtcp_timers_stop(sk);
	xtcp_unhash_conn(sk);
	xtcp_unbind(sk);
	xtcp_purge_queues(sk);
	if (xs->parent) {
		/* A child that dies before accept() leaves the SYN queue. */
		struct xtcp_sock *lxs = xtcp_sk(xs->parent);
		bool was_queued = false;

		spin_lock_bh(&lxs->queue_lock);
		if (!list_empty(&xs->child_node) && sk->sk_state == XTCP_CLOSE &&
		    xs->prev_state == XTCP_SYN_RECV) {
			list_del_init(&xs->child_node);
			lxs->syn_queue_len--;
			was_queued = true;
		}
		spin_unlock_bh(&lxs->queue_lock);
		if (was_queued) {
			sock_put(xs->parent);
			xs->parent = NULL;
			__sock_put(sk);	/* the queue's reference */
		}
	}
	if (err) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	}
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
}

static void xtcp_sk_destruct(struct sock *sk)
{
	kfree(xtcp_sk(sk)->history);
	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_purge_queues(sk);
	/* A timer's own handler may drop the last reference: queued is the bug. */
	WARN_ON(hrtimer_is_queued(&xtcp_sk(sk)->rtx_timer));
	WARN_ON(hrtimer_is_queued(&xtcp_sk(sk)->state_timer));
}

/* sk_write_space: wake writers once a third of the send buffer is free. */
static void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || READ_ONCE(sk->sk_wmem_queued) * 3 > xtcp_sndbuf(sk) * 2)
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

static void xtcp_init_sock(struct sock *sk, gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->history = kzalloc(sizeof(*xs->history), gfp);
	xtcp_timers_init(sk);
	INIT_LIST_HEAD(&xs->child_node);
	INIT_LIST_HEAD(&xs->syn_queue);
	INIT_LIST_HEAD(&xs->accept_queue);
	INIT_HLIST_NODE(&xs->bind_node);
	INIT_HLIST_NODE(&xs->conn_node);
	__skb_queue_head_init(&xs->ooo_queue);
	spin_lock_init(&xs->queue_lock);
	xs->mss = 536;
	xtcp_cc_init(&xs->cc, xs->mss, 0);
	xs->last_rcv = ktime_get();
	sk->sk_state = XTCP_CLOSE;
	sk->sk_protocol = xtcp_ipproto;
	sk->sk_destruct = xtcp_sk_destruct;
	sk->sk_write_space = xtcp_write_space;
	sk->sk_backlog_rcv = xtcp_rcv_sk;
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
	/*
	 * A timer's handler may drop the last reference, and with it the
	 * module's; freeing after a grace period lets the handler return first.
	 */
	sock_set_flag(sk, SOCK_RCU_FREE);
}

/* proto.keepalive: SO_KEEPALIVE was just set or cleared. */
static void xtcp_keepalive(struct sock *sk, int on)
{
	if (on) {
		sock_set_flag(sk, SOCK_KEEPOPEN);
		xtcp_timer_keepalive_reset(sk);
	} else if (sk->sk_state != XTCP_FIN_WAIT2) {
		xtcp_timer_state_stop(sk);
	}
}

struct proto xtcp_prot = {
	.name = "XTCP",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct xtcp_sock),
	.backlog_rcv = xtcp_rcv_sk,
	.release_cb = xtcp_release_cb,
	.keepalive = xtcp_keepalive,
};

/* A SYN reached a listener: make the child that answers it (in SYN_RECV). */
struct sock *xtcp_child_create(struct sock *listener, struct sk_buff *skb)
{
	struct xtcp_sock *lxs = xtcp_sk(listener), *xs;
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct xtcp_net *xn = xtcp_net(sock_net(listener));
	u32 backlog = max_t(u32, lxs->backlog, 1);
	struct sock *sk;

	/* Bounded: half-open and ready connections both count, as in Linux. */
	if (lxs->syn_queue_len >= min_t(u32, backlog, xn->max_syn_backlog) ||
	    lxs->accept_queue_len >= backlog)
		return NULL;
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

	sk->sk_rcv_saddr = ip_hdr(skb)->daddr;
	sk->sk_daddr = ip_hdr(skb)->saddr;
	sk->sk_num = listener->sk_num;
	sk->sk_dport = th->source;
	xs->irs = cb->seq;
	xs->rcv_nxt = cb->seq + 1;
	xs->rcv_wup = xs->rcv_nxt;
	xs->adv_mss = xtcp_route_mss(sock_net(sk), sk->sk_rcv_saddr, sk->sk_daddr);
	xs->mss = min_t(u16, xs->adv_mss, cb->mss ?: 536);
	xtcp_wscale_offer(sk);
	xtcp_wscale_agree(sk, cb->wscale);
	xs->snd_wnd = cb->window;	/* a SYN's window is not scaled */
	xs->max_snd_wnd = cb->window;
	xs->snd_wl1 = cb->seq;
	xs->iss = xtcp_isn(sk->sk_rcv_saddr, sk->sk_daddr, htons(sk->sk_num),
			   sk->sk_dport, ktime_get_ns());
	xtcp_cc_init(&xs->cc, xs->mss, xs->iss);
	xtcp_set_state(sk, XTCP_SYN_RECV, "rcv SYN");
	xtcp_inc(sock_net(sk), XTCP_MIB_PASSIVE_OPENS);

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
	xtcp_hash_conn(sk);
	xtcp_queue_syn(sk, XTCP_FLAG_SYN | XTCP_FLAG_ACK);
	xtcp_timer_keepalive_reset(sk);
	bh_unlock_sock(sk);
	local_bh_enable();
	kfree_skb(skb);
	return sk;
}

/* The child's handshake is done: from the SYN queue to the accept queue. */
void xtcp_child_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *listener = xs->parent;
	struct xtcp_sock *lxs = xtcp_sk(listener);

	spin_lock_bh(&lxs->queue_lock);
	list_move_tail(&xs->child_node, &lxs->accept_queue);
	lxs->syn_queue_len--;
	lxs->accept_queue_len++;
	spin_unlock_bh(&lxs->queue_lock);
	listener->sk_data_ready(listener);
}

static int xtcp_check_addr(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;

	if (len < (int)sizeof(*addr))
		return -EINVAL;
	if (addr->sxtcp_family != xtcp_family)
		return -EAFNOSUPPORT;
	return 0;
}

/* inet_bind()'s compatibility game: AF_UNSPEC is taken for INADDR_ANY only. */
static int xtcp_check_bind_addr(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;

	if (len >= (int)sizeof(*addr) && addr->sxtcp_family == AF_UNSPEC &&
	    addr->sxtcp_addr.s_addr == htonl(INADDR_ANY))
		return 0;
	return xtcp_check_addr(sk, uaddr, len);
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	u16 port;
	int err;

	err = xtcp_check_bind_addr(sk, uaddr, len);
	if (err)
		return err;
	port = ntohs(addr->sxtcp_port);
	if (addr->sxtcp_addr.s_addr != htonl(INADDR_ANY)) {
		int type = inet_addr_type(net, addr->sxtcp_addr.s_addr);

		if (type != RTN_LOCAL && !READ_ONCE(net->ipv4.sysctl_ip_nonlocal_bind))
			return -EADDRNOTAVAIL;
	}
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != XTCP_CLOSE || sk->sk_num)
		goto out;
	sk->sk_rcv_saddr = addr->sxtcp_addr.s_addr;
	err = xtcp_bind_port(sk, port, sk->sk_reuse);
	if (err) {
		sk->sk_rcv_saddr = 0;
		if (err == -EADDRNOTAVAIL)
			err = -EADDRINUSE;
		goto out;
	}
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

static int xtcp_wait_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (XTCPF(XTCP_SYN_SENT) | XTCPF(XTCP_SYN_RECV))) {
		if (!timeo || signal_pending(current))
			break;
		sk_wait_event(sk, &timeo, !((1 << sk->sk_state) &
					    (XTCPF(XTCP_SYN_SENT) | XTCPF(XTCP_SYN_RECV))),
			      &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

static int xtcp_connect(struct socket *sock, struct sockaddr *uaddr, int len, int flags)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct flowi4 fl4 = {};
	struct rtable *rt;
	long timeo;
	int err;

	err = xtcp_check_addr(sk, uaddr, len);
	if (err)
		return err;
	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != XTCP_CLOSE)
			goto out;
		fl4.daddr = addr->sxtcp_addr.s_addr;
		fl4.saddr = sk->sk_rcv_saddr;
		fl4.flowi4_proto = xtcp_ipproto;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt)) {
			err = PTR_ERR(rt);
			goto out;
		}
		ip_rt_put(rt);
		if (!sk->sk_rcv_saddr)
			sk->sk_rcv_saddr = fl4.saddr;
		sk->sk_daddr = fl4.daddr;
		sk->sk_dport = addr->sxtcp_port;
		if (!sk->sk_num) {
			err = xtcp_bind_port(sk, 0, false);
			if (err)
				goto fail;
		}
		xs->adv_mss = xtcp_route_mss(net, sk->sk_rcv_saddr, sk->sk_daddr);
		xs->mss = xs->adv_mss;
		xtcp_wscale_offer(sk);
		xs->iss = xtcp_isn(sk->sk_rcv_saddr, sk->sk_daddr, htons(sk->sk_num),
				   sk->sk_dport, ktime_get_ns());
		xs->retries = 0;
		xtcp_set_state(sk, XTCP_SYN_SENT, "user connect");
		xtcp_inc(net, XTCP_MIB_ACTIVE_OPENS);
		xtcp_hash_conn(sk);
		err = xtcp_queue_syn(sk, XTCP_FLAG_SYN);
		if (err) {
			xtcp_done(sk, 0, "no memory for SYN");
			goto fail;
		}
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (XTCPF(XTCP_SYN_SENT) | XTCPF(XTCP_SYN_RECV))) {
		if (!timeo)
			goto out;	/* EINPROGRESS, or EALREADY */
		timeo = xtcp_wait_connect(sk, timeo);
		if ((1 << sk->sk_state) & (XTCPF(XTCP_SYN_SENT) | XTCPF(XTCP_SYN_RECV))) {
			err = signal_pending(current) ? sock_intr_errno(timeo) : -ETIMEDOUT;
			goto out;
		}
	}
	if (sk->sk_state == XTCP_CLOSE) {
		err = sock_error(sk) ?: -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
fail:
	sk->sk_daddr = 0;
	sk->sk_dport = 0;
	goto out;
}

static int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (sk->sk_state != XTCP_CLOSE && sk->sk_state != XTCP_LISTEN)
		goto out;
	backlog = min_t(int, max(backlog, 0), READ_ONCE(sock_net(sk)->core.sysctl_somaxconn));
	xtcp_sk(sk)->backlog = backlog;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state != XTCP_LISTEN) {
		if (!sk->sk_num) {
			err = xtcp_bind_port(sk, 0, false);
			if (err)
				goto out;
		}
		xtcp_set_state(sk, XTCP_LISTEN, "user listen");
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* Close every child of a closing listener: RST to those the peer thinks are open. */
static void xtcp_listener_stop(struct sock *listener)
{
	struct xtcp_sock *lxs = xtcp_sk(listener);
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
		if (sk->sk_state != XTCP_CLOSE)
			xtcp_send_control(sk, XTCP_FLAG_RST | XTCP_FLAG_ACK);
		xs->parent = NULL;
		xtcp_done(sk, 0, "listener closed");
		bh_unlock_sock(sk);
		local_bh_enable();
		xtcp_timers_stop_sync(sk);
		sock_put(listener);
		sock_put(sk);	/* the queue's reference */
	}
}

#ifdef XTCP_HAVE_PROTO_ACCEPT_ARG
static int xtcp_accept(struct socket *sock, struct socket *newsock,
		       struct proto_accept_arg *arg)
{
	int flags = arg->flags;
#else
static int xtcp_accept(struct socket *sock, struct socket *newsock, int flags, bool kern)
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

static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_xtcp *addr = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;

	memset(addr, 0, sizeof(*addr));
	addr->sxtcp_family = xtcp_family;
	if (peer) {
		if (!sk->sk_dport ||
		    ((1 << sk->sk_state) & (XTCPF(XTCP_CLOSE) | XTCPF(XTCP_SYN_SENT))))
			return -ENOTCONN;
		addr->sxtcp_port = sk->sk_dport;
		addr->sxtcp_addr.s_addr = sk->sk_daddr;
	} else {
		addr->sxtcp_port = htons(sk->sk_num);
		addr->sxtcp_addr.s_addr = sk->sk_rcv_saddr;
	}
	return sizeof(*addr);
}

static __poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	int state = READ_ONCE(sk->sk_state);
	u8 shutdown;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (state == XTCP_LISTEN)
		return list_empty_careful(&xtcp_sk(sk)->accept_queue) ? 0 : EPOLLIN | EPOLLRDNORM;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == XTCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != XTCP_SYN_SENT && state != XTCP_SYN_RECV) {
		if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (shutdown & SEND_SHUTDOWN) {
			mask |= EPOLLOUT | EPOLLWRNORM;
		} else if (READ_ONCE(sk->sk_wmem_queued) < xtcp_sndbuf(sk)) {
			mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			/* Pairs with xtcp_write_space(): see NOSPACE, or see the room. */
			smp_mb__after_atomic();
			if (READ_ONCE(sk->sk_wmem_queued) < xtcp_sndbuf(sk))
				mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	return mask;
}

/* shutdown(SHUT_WR) or close(): the FIN goes after the queued data. */
static void xtcp_send_fin(struct sock *sk, const char *why)
{
	int state = sk->sk_state;

	if (!xtcp_close_sends_fin(state))
		return;
	xtcp_set_state(sk, xtcp_state_after_close(state), why);
	xtcp_sk(sk)->fin_queued = 1;
	xtcp_push(sk);
}

static int xtcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;	/* SHUT_RD/WR/RDWR to RCV_SHUTDOWN/SEND_SHUTDOWN/both */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) & (XTCPF(XTCP_SYN_SENT) | XTCPF(XTCP_SYN_RECV) |
					   XTCPF(XTCP_CLOSE)))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}
	switch (sk->sk_state) {
	case XTCP_CLOSE:
		err = -ENOTCONN;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		break;
	case XTCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		xtcp_listener_stop(sk);
		xtcp_done(sk, 0, "user shutdown");
		sock->state = SS_UNCONNECTED;
		break;
	case XTCP_SYN_SENT:
		xtcp_done(sk, 0, "user shutdown");
		sock->state = SS_UNCONNECTED;
		break;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if (how & SEND_SHUTDOWN)
			xtcp_send_fin(sk, "user shutdown");
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	bool unread, abort;
	long timeout = 0;

	if (!sk)
		return 0;
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sk->sk_state == XTCP_LISTEN)
		xtcp_listener_stop(sk);

	/* RFC 9293 3.10.4 / RFC 2525 2.17: unread data, or linger {1, 0}: abort. */
	unread = !skb_queue_empty(&sk->sk_receive_queue);
	abort = sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime;
	__skb_queue_purge(&sk->sk_receive_queue);
	if ((unread || abort) &&
	    !((1 << sk->sk_state) & (XTCPF(XTCP_CLOSE) | XTCPF(XTCP_LISTEN)))) {
		if (sk->sk_state != XTCP_SYN_SENT)
			xtcp_send_control(sk, XTCP_FLAG_RST | XTCP_FLAG_ACK);
		xtcp_done(sk, 0, "user abort");
	} else if (xtcp_close_sends_fin(sk->sk_state)) {
		xtcp_send_fin(sk, "user close");
		if (sock_flag(sk, SOCK_LINGER))
			timeout = sk->sk_lingertime;
	} else if (sk->sk_state != XTCP_CLOSE &&
		   !((1 << sk->sk_state) & (XTCPF(XTCP_FIN_WAIT1) | XTCPF(XTCP_FIN_WAIT2) |
					    XTCPF(XTCP_CLOSING) | XTCPF(XTCP_LAST_ACK)))) {
		xtcp_done(sk, 0, "user close");	/* LISTEN, SYN_SENT */
	}
	if (timeout)
		sk_stream_wait_close(sk, timeout);

	sock_orphan(sk);
	if (sk->sk_state == XTCP_FIN_WAIT2)
		xtcp_timer_fin_wait2(sk);
	if (sk->sk_state == XTCP_CLOSE)
		xtcp_unbind(sk);
	release_sock(sk);
	if (sk->sk_state == XTCP_CLOSE)
		xtcp_timers_stop_sync(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/* The states in which the user's data may be sent (RFC 9293 3.10.2). */
static bool xtcp_can_send(const struct sock *sk)
{
	return (1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_CLOSE_WAIT));
}

static int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags;
	size_t copied = 0;
	long timeo;
	int err;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (!xtcp_can_send(sk)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto error;
	}
	while (copied < size) {
		struct sk_buff *skb, *tail;
		size_t chunk;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto error;
		if (READ_ONCE(sk->sk_wmem_queued) >= xtcp_sndbuf(sk)) {
			xtcp_push(sk);
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			err = sk_stream_wait_memory(sk, &timeo);
			if (err)
				goto error;
			continue;
		}
		err = xtcp_append_tail(sk, &msg->msg_iter, size - copied);
		if (err < 0)
			goto error;
		if (err) {
			copied += err;
			continue;
		}
		chunk = min_t(size_t, size - copied, xs->mss);
		skb = alloc_skb(XTCP_MAX_HEADER + chunk, sk->sk_allocation);
		if (!skb) {
			err = -ENOBUFS;
			goto error;
		}
		skb_reserve(skb, XTCP_MAX_HEADER);
		if (!copy_from_iter_full(skb_put(skb, chunk), chunk, &msg->msg_iter)) {
			kfree_skb(skb);
			err = -EFAULT;
			goto error;
		}
		tail = skb_peek_tail(&sk->sk_write_queue);
		XTCP_SKB_CB(skb)->seq = tail ? XTCP_SKB_CB(tail)->end_seq : xs->snd_nxt;
		XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq + chunk;
		XTCP_SKB_CB(skb)->flags = XTCP_FLAG_PSH;
		xtcp_queue_tail(sk, skb);
		copied += chunk;
	}
	__xtcp_push(sk, flags & MSG_MORE ? XTCP_PUSH_MORE : XTCP_PUSH_NAGLE);
	release_sock(sk);
	return copied;

error:
	xtcp_push(sk);
	if (copied) {
		release_sock(sk);
		return copied;
	}
	if (sk->sk_err && err == -EPIPE)
		err = sock_error(sk);
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/* Tell the peer about room the reader made, when worth it (window.c). */
static void xtcp_window_update(struct sock *sk)
{
	if (xtcp_window_update_due(xtcp_rcv_wnd_left(xtcp_sk(sk)), xtcp_rcv_window(sk),
				   xtcp_sk(sk)->mss) &&
	    (1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_FIN_WAIT1) |
				   XTCPF(XTCP_FIN_WAIT2)))
		xtcp_send_control(sk, XTCP_FLAG_ACK);
}

static int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sock->sk;
	size_t copied = 0;
	int target, err = 0;
	long timeo;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (sk->sk_state == XTCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	while (copied < len) {
		struct sk_buff *skb, *tmp, *last = NULL;
		size_t peek_off = 0;

		skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
			size_t chunk, off = 0;

			last = skb;
			if (flags & MSG_PEEK) {
				if (peek_off + skb->len <= copied) {
					peek_off += skb->len;
					continue;
				}
				off = copied - peek_off;
			}
			chunk = min_t(size_t, skb->len - off, len - copied);
			if (skb_copy_datagram_msg(skb, off, msg, chunk)) {
				err = -EFAULT;
				goto done;
			}
			copied += chunk;
			if (flags & MSG_PEEK) {
				peek_off += skb->len;
			} else if (chunk == skb->len) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				kfree_skb(skb);
				last = NULL;
			} else {
				pskb_pull(skb, chunk);
			}
			if (copied >= len)
				break;
		}
		if (copied >= target)
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == XTCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || signal_pending(current))
				break;
		} else {
			/* tcp_recvmsg()'s order: a FIN read, then an error, then shutdown. */
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				err = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == XTCP_CLOSE) {
				err = -ENOTCONN;
				break;
			}
			if (!timeo) {
				err = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				err = sock_intr_errno(timeo);
				break;
			}
		}
		if (!(flags & MSG_PEEK))
			xtcp_window_update(sk);
		sk_wait_data(sk, &timeo, skb_peek_tail(&sk->sk_receive_queue) == last ?
			     last : NULL);
	}
done:
	if (!(flags & MSG_PEEK))
		xtcp_window_update(sk);
out:
	release_sock(sk);
	return copied ? copied : err;
}

static bool xtcp_opt_level(int level)
{
	return level == xtcp_ipproto || level == IPPROTO_TCP;
}

static int xtcp_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val, err = 0;

	if (!xtcp_opt_level(level))
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	switch (optname) {
	case XTCP_KEEPIDLE:
		if (val < 1 || val > XTCP_KEEPALIVE_MAX_S) {
			err = -EINVAL;
			break;
		}
		xs->keepalive_time = val;
		if (sock_flag(sk, SOCK_KEEPOPEN)) {
			xtcp_timer_state_stop(sk);
			xtcp_timer_keepalive_reset(sk);
		}
		break;
	case XTCP_KEEPINTVL:
		if (val < 1 || val > XTCP_KEEPALIVE_MAX_S)
			err = -EINVAL;
		else
			xs->keepalive_intvl = val;
		break;
	case XTCP_KEEPCNT:
		if (val < 1 || val > XTCP_KEEPCNT_MAX)
			err = -EINVAL;
		else
			xs->keepalive_cnt = val;
		break;
	case XTCP_NODELAY:
		/* As TCP_NODELAY: turning it on flushes what waits, cork or not. */
		xs->nodelay = !!val;
		if (val && xtcp_can_send(sk))
			__xtcp_push(sk, XTCP_PUSH_NOW);
		break;
	case XTCP_CORK:
		xs->cork = !!val;
		if (!val && xtcp_can_send(sk))
			xtcp_push(sk);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

static int xtcp_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_net(sock_net(sk));
	int len, val;

	if (!xtcp_opt_level(level))
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname == XTCP_INFO) {
		struct xtcp_info info;

		lock_sock(sk);
		xtcp_get_info(sk, &info);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	len = min_t(unsigned int, len, sizeof(int));
	switch (optname) {
	case XTCP_KEEPIDLE:
		val = xs->keepalive_time ?: xn->keepalive_time_s;
		break;
	case XTCP_KEEPINTVL:
		val = xs->keepalive_intvl ?: xn->keepalive_intvl_s;
		break;
	case XTCP_KEEPCNT:
		val = xs->keepalive_cnt ?: xn->keepalive_probes;
		break;
	case XTCP_MAXSEG:
		val = xs->mss;
		break;
	case XTCP_NODELAY:
		val = xs->nodelay;
		break;
	case XTCP_CORK:
		val = xs->cork;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/*
 * .family is the default number and only informational: nothing reads a
 * socket's ops->family. The number in force is in xtcp_family_ops, which
 * sock_register() uses, and in every socket's sk_family.
 */
static const struct proto_ops xtcp_stream_ops = {
	.family = PF_XTCP,
	.owner = THIS_MODULE,
	.release = xtcp_release,
	.bind = xtcp_bind,
	.connect = xtcp_connect,
	.socketpair = sock_no_socketpair,
	.accept = xtcp_accept,
	.getname = xtcp_getname,
	.poll = xtcp_poll,
	.ioctl = sock_no_ioctl,
	.listen = xtcp_listen,
	.shutdown = xtcp_shutdown,
	.setsockopt = xtcp_setsockopt,
	.getsockopt = xtcp_getsockopt,
	.sendmsg = xtcp_sendmsg,
	.recvmsg = xtcp_recvmsg,
	.mmap = sock_no_mmap,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct sock *sk;

	/* The same checks, in the same order, as inet_create(). */
	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, xtcp_family, GFP_KERNEL, &xtcp_prot, kern);
	if (!sk)
		return -ENOBUFS;
	sock->ops = &xtcp_stream_ops;
	sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	xtcp_init_sock(sk, GFP_KERNEL);
	/* As tcp_init_sock(): the namespace's defaults; accepted sockets copy them. */
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(xtcp_net(net)->wmem[XTCP_MEM_DEFAULT]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(xtcp_net(net)->rmem[XTCP_MEM_DEFAULT]));
	return 0;
}

struct net_proto_family xtcp_family_ops = {
	.create = xtcp_create,
	.owner = THIS_MODULE,
};
