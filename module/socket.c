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

#include "xtcp/input.h"
#include "xtcp/listener.h"
#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/sock.h"
#include "xtcp/sockopt.h"
#include "xtcp/state.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/window.h"

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
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
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
		xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
		err = xtcp_open_decide(&ctx, true, &v);
		if (err)
			goto out;
		fl4.daddr = addr->sxtcp_addr.s_addr;
		fl4.saddr = sk->sk_rcv_saddr;
		fl4.flowi4_proto = xtcp_ipproto;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt)) {
			err = PTR_ERR(rt);
			goto out;
		}
		/* A connection has one peer: no broadcast or multicast (as tcp_v4_connect). */
		err = rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST) ? -ENETUNREACH : 0;
		ip_rt_put(rt);
		if (err)
			goto out;
		if (!sk->sk_rcv_saddr)
			sk->sk_rcv_saddr = fl4.saddr;
		sk->sk_daddr = fl4.daddr;
		sk_dst_reset(sk);	/* the route xmit.c caches is this peer's */
		sk->sk_dport = addr->sxtcp_port;
		err = sk->sk_num ? xtcp_port_again(sk, false) : xtcp_bind_port(sk, 0, false);
		if (err)
			goto fail;
		err = -EADDRNOTAVAIL;
		if (xtcp_tuple_in_use(sk))
			goto fail;
		xs->adv_mss = xtcp_route_mss(net, sk->sk_rcv_saddr, sk->sk_daddr);
		xs->mss = xs->adv_mss;
		xtcp_wscale_offer(sk);
		xs->sack_ok = READ_ONCE(xtcp_net(net)->sack);
		xtcp_ts_offer(&xs->tcb.ts, net, sk->sk_rcv_saddr, sk->sk_daddr);
		xs->tcb.ts.syn_tsval = xtcp_ts_now(ctx.now_ns, xs->tcb.ts.offset);
		xs->tcb.iss = xtcp_isn(sk->sk_rcv_saddr, sk->sk_daddr, htons(sk->sk_num),
				       sk->sk_dport, ctx.now_ns);
		xs->tcb.retries = 0;
		xtcp_apply(sk, &ctx, NULL, NULL, &v);
		if (sk->sk_state == XTCP_CLOSE) {
			err = -ENOBUFS;	/* no memory for the SYN */
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
		} else if (!xtcp_wmem_full(sk)) {
			mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			/* Pairs with xtcp_write_space(): see NOSPACE, or see the room. */
			smp_mb__after_atomic();
			if (!xtcp_wmem_full(sk))
				mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	return mask;
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
	if (sk->sk_state == XTCP_CLOSE) {
		err = -ENOTCONN;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	} else {
		struct xtcp_verdict v;
		struct xtcp_ctx ctx;

		xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
		xtcp_shutdown_decide(&ctx, how & SEND_SHUTDOWN, how & RCV_SHUTDOWN, &v);
		if (v.state == XTCP_CLOSE) {
			if (sk->sk_state == XTCP_LISTEN)
				xtcp_listener_stop(sk);
			sock->state = SS_UNCONNECTED;
		} else if (sk->sk_state != XTCP_LISTEN) {
			WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		}
		xtcp_apply(sk, &ctx, NULL, NULL, &v);
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;
	bool unread, abort, orphans_full;
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
	/* As Linux's tcp_too_many_orphans(): max_orphans may live, no more. */
	orphans_full = atomic_read(&xtcp_orphan_count) >=
		       READ_ONCE(xtcp_sk_net(sk)->max_orphans);
	xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
	xtcp_close_decide(&xtcp_sk(sk)->tcb, &ctx, unread, abort, orphans_full, &v);
	if (v.actions || v.state != ctx.state)
		xtcp_apply(sk, &ctx, NULL, NULL, &v);
	if ((v.actions & XTCP_ACT_QUEUE_FIN) && sock_flag(sk, SOCK_LINGER))
		timeout = sk->sk_lingertime;
	if (timeout)
		sk_stream_wait_close(sk, timeout);

	sock_orphan(sk);
	if (sk->sk_state != XTCP_CLOSE) {
		xtcp_sk(sk)->orphan_counted = 1;
		atomic_inc(&xtcp_orphan_count);
	}
	if (sk->sk_state == XTCP_FIN_WAIT2)
		xtcp_timers_orphan_fin_wait2(sk);
	if (sk->sk_state == XTCP_CLOSE)
		xtcp_unbind(sk);
	release_sock(sk);
	if (sk->sk_state == XTCP_CLOSE)
		xtcp_timers_stop_sync(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * Wait until sk may queue more (xtcp_wmem_full(): its buffer as xtcp
 * bounds it, or the namespace's memory), an error or a shutdown, for at
 * most *timeo. sk_stream_wait_memory() knows only the socket core's
 * sk_sndbuf: while that has room it sleeps a random fifth of a second at
 * most (its memory-pressure wait), and sendmsg would poll.
 */
static int xtcp_wait_memory(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue(sk_sleep(sk), &wait);
	while (xtcp_wmem_full(sk) && !sk->sk_err && !(sk->sk_shutdown & SEND_SHUTDOWN)) {
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		sk_wait_event(sk, timeo, READ_ONCE(sk->sk_err) ||
			      (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) || !xtcp_wmem_full(sk),
			      &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
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
		if (xtcp_wmem_full(sk)) {
			xtcp_push(sk);
			err = xtcp_wait_memory(sk, &timeo);
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
		chunk = min_t(size_t, size - copied, xtcp_size_goal(xs));
		skb = alloc_skb(XTCP_MAX_HEADER, sk->sk_allocation);
		if (!skb) {
			err = -ENOBUFS;
			goto error;
		}
		skb_reserve(skb, XTCP_MAX_HEADER);
		err = xtcp_copy_to_frags(sk, skb, &msg->msg_iter, chunk);
		if (err <= 0) {
			kfree_skb(skb);
			err = err ?: -ENOBUFS;
			goto error;
		}
		chunk = err;
		tail = skb_peek_tail(&sk->sk_write_queue);
		XTCP_SKB_CB(skb)->seq = tail ? XTCP_SKB_CB(tail)->end_seq : xs->tcb.snd_nxt;
		XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq + chunk;
		XTCP_SKB_CB(skb)->flags = 0;
		xtcp_queue_tail(sk, skb);
		copied += chunk;
		if (xtcp_forced_push(xs)) {
			xtcp_mark_push(sk);
			__xtcp_push(sk, XTCP_PUSH_NAGLE);
		}
	}
	if (!(flags & MSG_MORE))
		xtcp_mark_push(sk);
	__xtcp_push(sk, flags & MSG_MORE ? XTCP_PUSH_MORE : XTCP_PUSH_NAGLE);
	release_sock(sk);
	return copied;

error:
	if (copied)
		xtcp_mark_push(sk);
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

static int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
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
			/*
			 * Part of an skb read is pulled off it below: make that
			 * certain first (a non-linear skb may need memory for
			 * it), or the same bytes would be read twice.
			 */
			if (!(flags & MSG_PEEK) && chunk < skb->len && !pskb_may_pull(skb, chunk)) {
				err = -ENOMEM;	/* what was read so far is returned */
				goto done;
			}
			if (skb_copy_datagram_msg(skb, off, msg, chunk)) {
				err = -EFAULT;
				goto done;
			}
			copied += chunk;
			if (!(flags & MSG_PEEK))
				WRITE_ONCE(xs->copied_seq, xs->copied_seq + chunk);
			if (flags & MSG_PEEK) {
				peek_off += skb->len;
			} else if (chunk == skb->len) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				consume_skb(skb);
				last = NULL;
			} else {
				__skb_pull(skb, chunk);
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
			xtcp_window_update(sk, copied > 0);
		sk_wait_data(sk, &timeo, skb_peek_tail(&sk->sk_receive_queue) == last ?
			     last : NULL);
	}
done:
	if (!(flags & MSG_PEEK))
		xtcp_window_update(sk, copied > 0);
out:
	release_sock(sk);
	return copied ? copied : err;
}

/*
 * .family is the default number and only informational: nothing reads a
 * socket's ops->family. The number in force is in xtcp_family_ops, which
 * sock_register() uses, and in every socket's sk_family.
 */
const struct proto_ops xtcp_stream_ops = {
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
