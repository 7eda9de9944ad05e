// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's memory, as Linux's tcp_mem (net.xtcp.mem, in pages: low,
 * pressure, high). Sockets count what their queues hold (sk_wmem_queued,
 * sk_rmem_alloc) in the namespace's mem_allocated as well. Passing
 * pressure counts MemoryPressures and stops keeping data after a hole;
 * below low, pressure ends. Above high, a socket takes no more than its
 * guaranteed minimum: rmem[0] of received data (more is dropped,
 * RcvQDrops) and wmem[0] of data to send (sendmsg waits, poll says not
 * writable), as Linux's __sk_mem_raise_allocated().
 *
 * Unlike tcp_mem, which counts all of TCP in the host and exists only in
 * the initial namespace, this is per namespace: a container gets its own
 * budget, and a test its own limits.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/swap.h>

#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/recovery.h"
#include "xtcp/sock.h"

static long xtcp_mem_pages(const struct xtcp_net *xn)
{
	return DIV_ROUND_UP(atomic_long_read(&xn->mem_allocated), PAGE_SIZE);
}

/* Above pressure (entering it counted), until below low. */
bool xtcp_mem_pressure(const struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_net(sk);
	long pages = xtcp_mem_pages(xn);

	if (READ_ONCE(xn->mem_under_pressure)) {
		if (pages < READ_ONCE(xn->mem[XTCP_MEM_MIN]))
			WRITE_ONCE(xn->mem_under_pressure, 0);
	} else if (pages > READ_ONCE(xn->mem[XTCP_MEM_DEFAULT])) {
		WRITE_ONCE(xn->mem_under_pressure, 1);
		xtcp_sk_inc(sk, XTCP_MIB_MEM_PRESSURES);
	}
	return READ_ONCE(xn->mem_under_pressure);
}

static bool xtcp_mem_over(const struct sock *sk)
{
	const struct xtcp_net *xn = xtcp_sk_net(sk);

	return xtcp_mem_pages(xn) > READ_ONCE(xn->mem[XTCP_MEM_MAX]);
}

/* No more received data for sk: the namespace is over high, sk over its minimum. */
bool xtcp_rmem_refused(const struct sock *sk)
{
	return atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(xtcp_sk_net(sk)->rmem[0]) &&
	       xtcp_mem_over(sk);
}

/* sk may queue no more to send: its buffer is full, or the namespace is over high. */
bool xtcp_wmem_full(const struct sock *sk)
{
	int queued = READ_ONCE(sk->sk_wmem_queued);

	return queued >= xtcp_sndbuf(sk) ||
	       (queued >= READ_ONCE(xtcp_sk_net(sk)->wmem[0]) && xtcp_mem_over(sk));
}

/*
 * Send-buffer autotuning (Linux's tcp_sndbuf_expand()), when an ACK made
 * room and a writer is waiting for it: the buffer grows to hold twice
 * cwnd's segments (CUBIC's recovery needs 1.7 times), at least ten and
 * more than the reordering seen, each charged what an skb of a full
 * segment costs, up to net.xtcp.wmem's maximum; not if SO_SNDBUF set it,
 * the namespace is under pressure, or cwnd, not the buffer, is the limit.
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct socket *sock = sk->sk_socket;
	u32 per_mss, nr_segs;
	u64 sndmem;

	if (!sock || !test_bit(SOCK_NOSPACE, &sock->flags) ||
	    (sk->sk_userlocks & SOCK_SNDBUF_LOCK) || xtcp_mem_pressure(sk) ||
	    xtcp_in_flight(xs) >= xs->cc.cwnd)
		return;
	per_mss = roundup_pow_of_two(xs->mss + XTCP_MAX_HEADER +
				     SKB_DATA_ALIGN(sizeof(struct skb_shared_info))) +
		  SKB_DATA_ALIGN(sizeof(struct sk_buff));
	nr_segs = max3(10u, xs->cc.cwnd / xtcp_mss(xs), xs->reordering + 1);
	sndmem = 2ull * nr_segs * per_mss;
	sndmem = min_t(u64, sndmem, READ_ONCE(xtcp_sk_net(sk)->wmem[XTCP_MEM_MAX]));
	if (sndmem > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, sndmem);
}

static void xtcp_rfree(struct sk_buff *skb)
{
	atomic_long_sub(skb->truesize, &xtcp_sk_net(skb->sk)->mem_allocated);
	sock_rfree(skb);
}

/* skb_set_owner_r(), counted in the namespace too. */
void xtcp_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	skb_set_owner_r(skb, sk);
	skb->destructor = xtcp_rfree;
	atomic_long_add(skb->truesize, &xtcp_sk_net(sk)->mem_allocated);
	xtcp_mem_pressure(sk);	/* entering pressure is counted as it happens */
}

/* Linux's defaults for tcp_mem (tcp_init_mem()), from the memory there is. */
void xtcp_mem_init_net(struct xtcp_net *xn)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);

	xn->mem[XTCP_MEM_MIN] = min(limit / 4 * 3, (unsigned long)INT_MAX / 2);
	xn->mem[XTCP_MEM_DEFAULT] = min(limit, (unsigned long)INT_MAX / 2);
	xn->mem[XTCP_MEM_MAX] = min(limit / 4 * 3 * 2, (unsigned long)INT_MAX / 2);
	atomic_long_set(&xn->mem_allocated, 0);
}
