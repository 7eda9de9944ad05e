/* SPDX-License-Identifier: GPL-2.0 */
/* Socket options at SOL_XTCP (and IPPROTO_TCP's numbers), and SO_KEEPALIVE's hook. */
#ifndef _XTCP_SOCKOPT_H
#define _XTCP_SOCKOPT_H

#include <linux/net.h>
#include <linux/sockptr.h>

struct sock;

int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);
void xtcp_keepalive(struct sock *sk, int on);

#endif /* _XTCP_SOCKOPT_H */
