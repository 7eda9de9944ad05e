/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace's memory (mem.c), as Linux's tcp_mem: every byte of every
 * xtcp socket's send and receive queues is counted against net.xtcp.mem
 * (pages: low, pressure, high). Above pressure, data after a hole is not
 * kept; above high, no socket takes more than its guaranteed minimum
 * (net.xtcp.rmem and wmem's first value).
 */
#ifndef _XTCP_MEM_H
#define _XTCP_MEM_H

#include <net/sock.h>

#include "xtcp/sock.h"

/* sk_wmem_queued moves by delta bytes, and the namespace's count with it. */
static inline void xtcp_wmem_add(struct sock *sk, int delta)
{
	sk->sk_wmem_queued += delta;
	atomic_long_add(delta, &xtcp_sk_net(sk)->mem_allocated);
}

void xtcp_set_owner_r(struct sk_buff *skb, struct sock *sk);
bool xtcp_mem_pressure(const struct sock *sk);
bool xtcp_rmem_refused(const struct sock *sk);
bool xtcp_wmem_full(const struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);
void xtcp_mem_init_net(struct xtcp_net *xn);

#endif /* _XTCP_MEM_H */
