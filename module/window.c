// SPDX-License-Identifier: GPL-2.0
/*
 * The receive window: how much of the receive buffer to offer the peer, in
 * the units window scaling (RFC 7323) allows, without ever pulling back an
 * edge already offered. No socket: output.c and socket.c pass the numbers.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <net/sock.h>

#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/segment.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"
#include "xtcp/window.h"

/*
 * RFC 7323 2.3: the shift our SYN offers, the smallest that lets the
 * 16-bit field cover a window of space bytes, at most 14.
 */
u8 xtcp_wscale_for(u32 space)
{
	u8 shift = 0;

	while (shift < XTCP_WSCALE_MAX && (space >> shift) > U16_MAX)
		shift++;
	return shift;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_wscale_for);

/*
 * The window to advertise, in bytes, and in *wire the header's field:
 * room is what the free buffer allows, left what remains of the window
 * last advertised. The right edge never moves back (RFC 9293 3.8.6.2.2,
 * RFC 1122 4.2.2.16): a peer's data inside it must stay acceptable, or
 * both sides' ACKs land outside the other's window and are answered
 * forever. With a shift, the window is a whole number of 1 << shift
 * units: room rounds down (never offer memory we lack), left rounds up
 * (never shrink).
 */
u32 xtcp_window_choose(u32 room, u32 left, u8 shift, u16 *wire)
{
	u32 unit = 1U << shift, cap = (u32)U16_MAX << shift;
	u32 wnd = max(round_down(min(room, cap), unit), round_up(min(left, cap), unit));

	*wire = wnd >> shift;
	return wnd;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_choose);

/*
 * After the reader made room, is a window update worth a segment? As
 * Linux's __tcp_cleanup_rbuf(): only when what is left of the window
 * offered is at most half the largest we offer (clamp) and the window
 * would at least double; and, receiver SWS avoidance (RFC 9293
 * 3.8.6.2.2), not for less than a segment (or half the clamp, for a
 * buffer smaller than two). A read right after the handshake, with most
 * of the first window left, sends nothing.
 */
bool xtcp_window_update_due(u32 left, u32 room, u32 clamp, u32 mss)
{
	return 2 * (u64)left <= clamp && room >= 2 * (u64)left && room >= min(mss, clamp / 2);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_update_due);

/*
 * The room we can offer: half the free receive buffer (the rest covers
 * skb overhead), at most what 16 bits hold at our window-scale shift;
 * none while the namespace is over net.xtcp.mem's high mark. Receiver
 * SWS avoidance (RFC 9293 3.8.6.2.2) as Linux's __tcp_select_window():
 * with less than half the buffer's window free, less than a segment (or a
 * sixteenth of the buffer) is offered as none, and the window opens again
 * by a segment at least (xtcp_window_update_due()).
 */
u32 xtcp_rcv_window(const struct sock *sk)
{
	int free = xtcp_rcvbuf(sk) - atomic_read(&sk->sk_rmem_alloc);
	u32 wnd = free > 0 && !xtcp_rmem_refused(sk) ? free / 2 : 0;
	u32 full = xtcp_rcvbuf(sk) / 2;

	if (wnd < full / 2 && (wnd < xtcp_sk(sk)->mss || wnd < full / 8))
		wnd = 0;
	return min_t(u32, wnd, (u32)U16_MAX << xtcp_sk(sk)->rcv_wscale);
}

/* What is left of the window last advertised, from RCV.NXT to its right edge. */
u32 xtcp_rcv_wnd_left(const struct xtcp_sock *xs)
{
	u32 edge = xs->tcb.rcv_wup + xs->tcb.rcv_wnd;

	return xtcp_seq_after(edge, xs->tcb.rcv_nxt) ? edge - xs->tcb.rcv_nxt : 0;
}

/*
 * RFC 7323 2.2: the window scaling our SYN (or SYN+ACK) offers, unless
 * net.xtcp.window_scaling is off. The shift is Linux's
 * (tcp_select_initial_window()): one that covers the largest buffer the
 * socket may ever use, net.xtcp.rmem's maximum or net.core.rmem_max,
 * whichever is larger (7 for the default 6 MiB, as Linux offers); with
 * SO_RCVBUF set, the window that buffer allows (half of it, as
 * tcp_full_space()). xtcp_wscale_offered() is the shift (a listener's:
 * the one its requests, and its SYN cookies, offer).
 */
u8 xtcp_wscale_offered(const struct sock *sk)
{
	u32 space;

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = xtcp_rcvbuf(sk) / 2;
	else
		space = max_t(u32, READ_ONCE(xtcp_sk_net(sk)->rmem[XTCP_MEM_MAX]),
			      READ_ONCE(sysctl_rmem_max));
	return xtcp_wscale_for(space);
}

void xtcp_wscale_offer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->wscale_ok = READ_ONCE(xtcp_sk_net(sk)->window_scaling);
	xs->rcv_wscale = xs->wscale_ok ? xtcp_wscale_offered(sk) : 0;
	xs->snd_wscale = 0;
}

/*
 * The peer's SYN came with the shift peer_wscale (-1: no option). Scaling
 * is used only when both SYNs carry it; otherwise not at all, either way.
 */
void xtcp_wscale_agree(struct sock *sk, int peer_wscale)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (peer_wscale >= 0 && xs->wscale_ok) {
		xs->snd_wscale = peer_wscale;
		return;
	}
	xs->wscale_ok = 0;
	xs->rcv_wscale = 0;
	xs->snd_wscale = 0;
}

/*
 * The window field of a segment we send now (window.c decides), and the
 * right edge it sets. A SYN's window is never scaled (RFC 7323 2.2).
 */
u16 xtcp_select_window(struct sock *sk, bool syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u16 wire;

	xs->tcb.rcv_wnd = xtcp_window_choose(xtcp_rcv_window(sk), xtcp_rcv_wnd_left(xs),
					     syn ? 0 : xs->rcv_wscale, &wire);
	xs->tcb.rcv_wup = xs->tcb.rcv_nxt;
	return wire;
}

/*
 * The receiver's round trip, for autotuning (Linux's
 * tcp_rcv_rtt_measure_ts()): a data segment's echo of our TSval, smoothed
 * by 1/8 (RFC 6298's gain).
 */
void xtcp_rcv_rtt_sample(struct xtcp_sock *xs, u32 rtt_us)
{
	if (!rtt_us)
		return;
	xs->rcv_rtt_us = xs->rcv_rtt_us ? xs->rcv_rtt_us - xs->rcv_rtt_us / 8 + rtt_us / 8 : rtt_us;
}

/*
 * Receive-buffer autotuning (dynamic right-sizing, Linux's
 * tcp_rcv_space_adjust()): once a round trip, if the reader took more than
 * in the last one, the buffer grows so the window (half of it) holds
 * twice that, plus room for the sender's growth meanwhile: the window
 * keeps ahead of a sender on a long path. Within net.xtcp.rmem's maximum,
 * and not if SO_RCVBUF set the buffer. The round trip is the receiver's
 * (timestamps), else the connection's smoothed one.
 */
static void xtcp_rcv_space_adjust(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rtt_us = xs->rcv_rtt_us ?: xs->rtt.srtt_us, copied;
	u64 rcvwin, rcvbuf;

	if (!xs->rcvq.time_ns) {
		xs->rcvq.time_ns = now_ns;
		xs->rcvq.seq = xs->copied_seq;
		xs->rcvq.space = min_t(u32, xs->tcb.rcv_wnd, 10 * (u32)xs->adv_mss) ?: 1;
		return;
	}
	if (!rtt_us || now_ns - xs->rcvq.time_ns < (u64)rtt_us * NSEC_PER_USEC)
		return;
	copied = xs->copied_seq - xs->rcvq.seq;
	if (copied > xs->rcvq.space) {
		if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
			rcvwin = 2ull * copied + 16 * xs->adv_mss;
			rcvwin += 2 * div_u64(rcvwin * (copied - xs->rcvq.space), xs->rcvq.space);
			rcvbuf = min_t(u64, 2 * rcvwin,
				       READ_ONCE(xtcp_sk_net(sk)->rmem[XTCP_MEM_MAX]));
			if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
				WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
		}
		xs->rcvq.space = copied;
	}
	xs->rcvq.seq = xs->copied_seq;
	xs->rcvq.time_ns = now_ns;
}

/*
 * Tell the peer about room the reader made, when worth it; if it copied
 * something, autotuning measures it (as tcp_recvmsg() calls
 * tcp_rcv_space_adjust() only after a copy: a read that finds nothing
 * reads no clock).
 */
void xtcp_window_update(struct sock *sk, bool copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 clamp;

	if (copied)
		xtcp_rcv_space_adjust(sk, xtcp_clock_ns());
	clamp = min_t(u32, xtcp_rcvbuf(sk) / 2, (u32)U16_MAX << xs->rcv_wscale);

	if (xtcp_window_update_due(xtcp_rcv_wnd_left(xs), xtcp_rcv_window(sk), clamp, xs->mss) &&
	    (1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_FIN_WAIT1) |
				   XTCPF(XTCP_FIN_WAIT2)))
		xtcp_send_control(sk, XTCP_FLAG_ACK, xtcp_clock_ns());
}
