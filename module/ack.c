// SPDX-License-Identifier: GPL-2.0
/*
 * When in-order data is acknowledged at once: RFC 9293 3.8.6.3 lets a
 * receiver delay its ACK (state.c decides: every second full segment at
 * once, the rest within delayed_ack_ms), and Linux does not delay while
 * it is in quick-ACK mode, so a sender in slow start is not held back:
 *
 * - quick ACKs: the first data of a connection, and data after a silence
 *   longer than the RTO, earn rcv_wnd / (2 * segment) immediate ACKs, at
 *   most 16 (tcp_incr_quickack()); data the peer need not have sent (old,
 *   or outside the window) earns them too and ends pingpong mode
 *   (tcp_enter_quickack_mode());
 * - pingpong: data we send within the delayed-ACK time of the last data
 *   received makes the connection interactive (tcp_event_data_sent()):
 *   its ACKs wait to ride on the reply, quick ACKs or not; a delayed ACK
 *   that had to go alone ends it (tcp_delack_timer_handler()).
 */
#include <kunit/visibility.h>
#include <linux/minmax.h>

#include "xtcp/ack.h"
#include "xtcp/sock.h"

/* Linux's first estimate of the peer's segment size (TCP_MSS_DEFAULT). */
#define XTCP_RCV_MSS_MIN	536

/* tcp_incr_quickack(): half a window's worth of segments, 2 at least, 16 at most. */
u8 xtcp_quickacks(u32 rcv_wnd, u32 rcv_mss)
{
	u32 n = rcv_wnd / (2 * max_t(u32, rcv_mss, 1));

	return n ? min_t(u32, n, XTCP_MAX_QUICKACKS) : 2;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_quickacks);

static bool xtcp_ack_idle(const struct xtcp_sock *xs, u64 now_ns)
{
	return !xs->last_data_rcv_ns ||
	       now_ns - xs->last_data_rcv_ns > (u64)xs->tcb.rto_ms * NSEC_PER_MSEC;
}

/* Is the next in-order data acknowledged at once (the decision's ctx->quickack)? */
bool xtcp_ack_quick(const struct xtcp_sock *xs, u64 now_ns)
{
	return !xs->pingpong && (xs->quick || xtcp_ack_idle(xs, now_ns));
}

/* In-order data of len bytes was taken at now_ns (tcp_event_data_recv()). */
void xtcp_ack_data_received(struct sock *sk, u64 now_ns, u32 len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xtcp_ack_idle(xs, now_ns)) {
		/* The segment size as Linux first guesses it: this one's, 536 at least. */
		u32 rcv_mss = clamp_t(u32, len, XTCP_RCV_MSS_MIN, xtcp_mss(xs));

		xs->quick = max(xs->quick, xtcp_quickacks(xs->tcb.rcv_wnd, rcv_mss));
	}
	xs->last_data_rcv_ns = now_ns;
}

void xtcp_ack_enter_quickack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->quick = max(xs->quick, xtcp_quickacks(xs->tcb.rcv_wnd, xs->mss));
	xs->pingpong = 0;
}

/* An ACK owed for data went at once: one quick ACK used (tcp_dec_quickack_mode()). */
void xtcp_ack_sent_for_data(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->quick)
		xs->quick--;
}

/* New data went out at now_ns: a reply within the delayed-ACK time? */
void xtcp_ack_data_sent(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ato_ms = READ_ONCE(xtcp_sk_net(sk)->delayed_ack_ms);

	if (xs->last_data_rcv_ns && now_ns - xs->last_data_rcv_ns < (u64)ato_ms * NSEC_PER_MSEC)
		xs->pingpong = 1;
}

/* The delayed ACK went alone: no reply came to carry it, not interactive after all. */
void xtcp_ack_delack_missed(struct sock *sk)
{
	xtcp_sk(sk)->pingpong = 0;
}
