// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP address family: socket(2) creation and the socket calls.
 * Only SOCK_STREAM exists, as for TCP; other types and protocols get the
 * errors inet_create() gives for AF_INET.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>

#include <uapi/linux/xtcp.h>
#include "xtcp/xtcp.h"

struct proto xtcp_prot = {
	.name = "XTCP",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct xtcp_sock),
};

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	lock_sock(sk);
	sock_orphan(sk);
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * .family here is the default number and only informational: nothing reads a
 * socket's ops->family. The number in force is in xtcp_family_ops, which
 * sock_register() uses, and in every socket's sk_family.
 */
static const struct proto_ops xtcp_stream_ops = {
	.family = PF_XTCP,
	.owner = THIS_MODULE,
	.release = xtcp_release,
	.bind = sock_no_bind,
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = sock_no_getname,
	.ioctl = sock_no_ioctl,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
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
	sk->sk_protocol = xtcp_ipproto;
	return 0;
}

struct net_proto_family xtcp_family_ops = {
	.create = xtcp_create,
	.owner = THIS_MODULE,
};
