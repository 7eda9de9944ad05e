/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of xtcp.ko share. */
#ifndef _XTCP_XTCP_H
#define _XTCP_XTCP_H

#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/protocol.h>
#include <net/sock.h>

/* Module parameters: the address family and IP protocol number in force. */
extern int xtcp_family;
extern int xtcp_ipproto;

/* The socket: struct sock first, so sk and xtcp_sock convert freely. */
struct xtcp_sock {
	struct sock sk;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* Per network namespace state. */
struct xtcp_net {
	struct proc_dir_entry *proc_dir;	/* /proc/net/xtcp */
};

struct xtcp_net *xtcp_net(const struct net *net);

/* socket.c: the address family and the socket calls. */
extern struct proto xtcp_prot;
extern struct net_proto_family xtcp_family_ops;

/* input.c: segments arriving from IP. */
extern const struct net_protocol xtcp_net_protocol;

/* proc.c: /proc/net/xtcp in each namespace, /proc/xtcp pointing to it. */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);
int xtcp_proc_init(void);
void xtcp_proc_exit(void);

#endif /* _XTCP_XTCP_H */
