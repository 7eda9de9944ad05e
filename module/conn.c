// SPDX-License-Identifier: GPL-2.0
/*
 * A connection's life as a socket: made (xtcp_init_sock), ended
 * (xtcp_done: RFC 9293's "delete the TCB") and freed (sk_destruct), and
 * the send buffer's wake-ups.
 */
#include <kunit/visibility.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "xtcp/history.h"
#include "xtcp/input.h"
#include "xtcp/mem.h"
#include "xtcp/recovery.h"
#include "xtcp/sock.h"
#include "xtcp/sockopt.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"

atomic_t xtcp_orphan_count = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(xtcp_orphan_count);

/*
 * What is of no use once the connection is over: data not yet sent or not
 * yet acknowledged, and data after a hole. The reader keeps what is in order.
 */
static void xtcp_purge_queues(struct sock *sk)
{
	__skb_queue_purge(&xtcp_sk(sk)->ooo_queue);
	__skb_queue_purge(&sk->sk_write_queue);
	xtcp_wmem_add(sk, -sk->sk_wmem_queued);
	xtcp_sk(sk)->send_head = NULL;
	xtcp_sk(sk)->resent_queued = 0;
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
		xtcp_set_state(sk, XTCP_CLOSE, why, xtcp_clock_ns());
	xtcp_timers_connection_done(sk);
	if (xs->orphan_counted) {
		xs->orphan_counted = 0;
		atomic_dec(&xtcp_orphan_count);
	}
	xtcp_unhash_conn(sk);
	xtcp_unbind(sk);
	xtcp_purge_queues(sk);
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
	/* The route xmit.c cached (the core leaves it to the protocol, as inet_sock_destruct()). */
	dst_release(rcu_dereference_protected(sk->sk_dst_cache, 1));
	RCU_INIT_POINTER(sk->sk_dst_cache, NULL);
	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_purge_queues(sk);
	/* A timer's own handler may drop the last reference: queued is the bug. */
	WARN_ON(hrtimer_is_queued(&xtcp_sk(sk)->rtx_timer));
	WARN_ON(hrtimer_is_queued(&xtcp_sk(sk)->state_timer));
	WARN_ON(hrtimer_is_queued(&xtcp_sk(sk)->delack_timer));
	/* Every orphan ends in xtcp_done(), which uncounts it. */
	WARN_ON(xtcp_sk(sk)->orphan_counted);
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

void xtcp_init_sock(struct sock *sk, gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->xn = xtcp_net(sock_net(sk));
	xs->history = kzalloc(sizeof(*xs->history), gfp);
	xtcp_timers_init(sk);
	INIT_LIST_HEAD(&xs->child_node);
	INIT_LIST_HEAD(&xs->syn_queue);
	INIT_LIST_HEAD(&xs->accept_queue);
	xs->bind_node.pprev = NULL;	/* unhashed */
	xs->conn_node.pprev = NULL;
	__skb_queue_head_init(&xs->ooo_queue);
	spin_lock_init(&xs->queue_lock);
	xs->mss = XTCP_MSS_DEFAULT;
	xs->cc_ops = xtcp_cc_default(sock_net(sk));
	xtcp_cc_init(&xs->cc, xs->mss, 0, xs->cc_ops);
	xs->reordering = XTCP_REORDERING_INIT;
	xs->rack.reo_wnd_mult = 1;
	xs->tcb.last_rcv_ns = xtcp_clock_ns();
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

struct proto xtcp_prot = {
	.name = "XTCP",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct xtcp_sock),
	.backlog_rcv = xtcp_rcv_sk,
	.release_cb = xtcp_release_cb,
	.keepalive = xtcp_keepalive,
};
