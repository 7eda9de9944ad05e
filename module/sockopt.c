// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at SOL_XTCP (xtcp's protocol number) or IPPROTO_TCP, with
 * TCP's numbers and errors: keepalive's three, NODELAY, CORK, MAXSEG and
 * XTCP_INFO; and proto.keepalive for SO_KEEPALIVE.
 */
#include <linux/uaccess.h>
#include <net/sock.h>

#include "xtcp/output.h"
#include "xtcp/sock.h"
#include "xtcp/sockopt.h"
#include "xtcp/timers.h"

#define XTCP_KEEPALIVE_MAX_S	32767	/* as TCP's MAX_TCP_KEEPIDLE/INTVL */
#define XTCP_KEEPCNT_MAX	127

/* proto.keepalive: SO_KEEPALIVE was just set or cleared. */
void xtcp_keepalive(struct sock *sk, int on)
{
	if (on)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	xtcp_timers_keepalive_changed(sk, on);
}

static bool xtcp_opt_level(int level)
{
	return level == xtcp_ipproto || level == IPPROTO_TCP;
}

/*
 * XTCP_CONGESTION, as TCP_CONGESTION: a name, not necessarily
 * NUL-terminated; unknown: ENOENT. The algorithm starts afresh from the
 * window it finds (tcp_reinit_congestion_control()).
 */
static int xtcp_set_congestion(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_cc_ops *ops;
	char name[XTCP_CC_NAME_MAX];
	long n;

	if (optlen < 1)
		return -EINVAL;
	n = strncpy_from_sockptr(name, optval, min_t(long, XTCP_CC_NAME_MAX - 1, optlen));
	if (n < 0)
		return -EFAULT;
	name[n] = 0;
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	lock_sock(sk);
	xs->cc_ops = ops;
	xs->cc.ops = ops;
	if (ops->init)
		ops->init(&xs->cc);
	release_sock(sk);
	return 0;
}

int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val, err = 0;

	if (!xtcp_opt_level(level))
		return -ENOPROTOOPT;
	if (optname == XTCP_CONGESTION)
		return xtcp_set_congestion(sk, optval, optlen);
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
		if (sock_flag(sk, SOCK_KEEPOPEN))
			xtcp_timers_keepalive_changed(sk, true);
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

int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_sk_net(sk);
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
	if (optname == XTCP_CONGESTION) {
		char name[XTCP_CC_NAME_MAX] = {};

		strscpy(name, READ_ONCE(xs->cc_ops)->name, sizeof(name));
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
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
