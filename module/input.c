// SPDX-License-Identifier: GPL-2.0
/*
 * Segments arriving from IPv4 under xtcp's protocol number. Every segment is
 * checked (length, data offset, options, flags, checksum) before anything
 * looks at it; what fails is dropped. A good segment goes to its
 * connection, a request (through its listener), a TIME_WAIT entry, or a
 * listener, in that order, and a segment for nothing is answered with a
 * RST (RFC 9293 3.10.7.1).
 *
 * The decision about a segment is state.c's; this file applies it.
 */
#include <kunit/visibility.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp/ack.h"
#include "xtcp/cong.h"
#include "xtcp/history.h"
#include "xtcp/input.h"
#include "xtcp/listener.h"
#include "xtcp/mem.h"
#include "xtcp/output.h"
#include "xtcp/reasm.h"
#include "xtcp/recovery.h"
#include "xtcp/request.h"
#include "xtcp/seq.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"
#include "xtcp/window.h"

/*
 * Check the segment in skb, whose data starts at the xtcp header, and fill
 * seg. The header (options included) is linear afterwards.
 */
static enum xtcp_seg_verdict xtcp_v4_check(struct sk_buff *skb,
					   struct xtcp_seg *seg)
{
	const struct tcphdr *th;

	if (!pskb_may_pull(skb, XTCP_HDR_MIN))
		return XTCP_SEG_SHORT;
	th = (const struct tcphdr *)skb->data;
	if (th->doff * 4 < XTCP_HDR_MIN)
		return XTCP_SEG_BAD_DOFF;
	if (!pskb_may_pull(skb, th->doff * 4))
		return XTCP_SEG_BAD_DOFF;
	/* RFC 9293 3.10.7.1: a segment with a bad checksum is discarded. */
	if (skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo) ||
	    skb_checksum_complete(skb))
		return XTCP_SEG_BAD_CSUM;
	return xtcp_seg_parse(skb->data, skb->len, seg);
}

/* The kernel's name for why segment.h refused a segment. */
static enum skb_drop_reason xtcp_seg_drop_reason(enum xtcp_seg_verdict verdict)
{
	switch (verdict) {
	case XTCP_SEG_SHORT:
	case XTCP_SEG_BAD_DOFF:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case XTCP_SEG_BAD_FLAGS:
		return SKB_DROP_REASON_TCP_FLAGS;
	case XTCP_SEG_BAD_CSUM:
		return SKB_DROP_REASON_TCP_CSUM;
	default:
		/* A malformed option: the kernel has no reason of its own (TCP ignores them). */
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
}

/* What an event at now_ns is decided under, besides the TCB (state.h). */
void xtcp_ctx_of(const struct sock *sk, u64 now_ns, struct xtcp_ctx *ctx)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	ctx->now_ns = now_ns;
	ctx->state = sk->sk_state;
	/* Our FIN counts as sent once nothing before it is unsent. */
	ctx->fin_sent = xs->fin_sent && !xs->send_head;
	ctx->rcv_closed = sock_flag(sk, SOCK_DEAD) && (sk->sk_shutdown & RCV_SHUTDOWN) &&
			  !xs->parent;
	/* Twice the buffer held (tiny segments, a peer past our window): nothing fits. */
	ctx->rmem_full = atomic_read(&sk->sk_rmem_alloc) >= 2 * xtcp_rcvbuf(sk) ||
			 xtcp_rmem_refused(sk);
	ctx->rcv_space = ctx->rmem_full ? 0 :
			 max_t(u32, xtcp_rcv_wnd_left(xs), xtcp_rcv_window(sk));
	ctx->rcv_mss = xs->mss;
	ctx->ooo_empty = skb_queue_empty(&xs->ooo_queue);
	ctx->delack = READ_ONCE(xtcp_sk_net(sk)->delayed_ack_ms) > 0;
	ctx->quickack = xtcp_ack_quick(xs, now_ns);
	ctx->held = !!xs->send_head;
	ctx->orphan = sock_flag(sk, SOCK_DEAD);
	ctx->keepalive = sock_flag(sk, SOCK_KEEPOPEN);
	ctx->cookies = false;
	if (ctx->state == XTCP_LISTEN) {
		int syncookies = READ_ONCE(xtcp_sk_net(sk)->syncookies);

		/* As Linux's tcp_synq_no_recent_overflow(): cookies stay good 2 minutes. */
		ctx->cookies = syncookies == 2 ||
			       (syncookies && xs->cookie_sent_ns &&
				now_ns - READ_ONCE(xs->cookie_sent_ns) < 120 * NSEC_PER_SEC);
	}
}

/*
 * The end of every received segment: used (reason 0), or dropped with the
 * kernel's drop reason (seen by the skb:kfree_skb tracepoint and dropwatch)
 * and counted in InDrops.
 */
void xtcp_drop(struct net *net, struct sk_buff *skb, enum skb_drop_reason reason)
{
	if (reason == SKB_NOT_DROPPED_YET) {
		consume_skb(skb);
		return;
	}
	xtcp_inc(net, XTCP_MIB_IN_DROPS);
	kfree_skb_reason(skb, reason);
}

/* The segment an skb carries, from what xtcp_v4_rcv() kept in its cb. */
void xtcp_seg_of(const struct sk_buff *skb, struct xtcp_seg *seg)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	memset(seg, 0, sizeof(*seg));
	seg->seq = cb->seq;
	seg->ack = cb->ack;
	seg->flags = cb->flags;
	seg->window = cb->window;
	seg->mss = cb->mss;
	seg->wscale = cb->wscale;
	seg->sack_ok = cb->sack_ok;
	seg->ts_ok = cb->ts_ok;
	seg->ts_val = cb->ts_val;
	seg->ts_ecr = cb->ts_ecr;
	seg->sack_blocks = cb->sack_blocks;
	seg->sack_off = cb->sack_off;
	if (cb->sack_blocks) {
		const u8 *blocks = skb_transport_header(skb) + cb->sack_off;
		unsigned int b;

		for (b = 0; b < cb->sack_blocks; b++) {
			seg->sack[b].start = xtcp_be32(blocks + 8 * b);
			seg->sack[b].end = xtcp_be32(blocks + 8 * b + 4);
		}
	}
	seg->payload_len = skb->len;
}

/*
 * RFC 5961 section 7, for the whole namespace as Linux's
 * tcp_challenge_ack_limit: about limit challenge ACKs a second, the count
 * drawn at random each second (from limit/2 to 3*limit/2) so that what is
 * left tells an off-path observer nothing (CVE-2016-5696). TIME_WAIT's
 * challenges count too.
 */
bool xtcp_challenge_allowed(struct net *net, u64 now_ns)
{
	struct xtcp_net *xn = xtcp_net(net);
	int limit = READ_ONCE(xn->challenge_ack_limit);
	u32 second = div_u64(now_ns, NSEC_PER_SEC), left;

	if (limit == INT_MAX)
		return true;
	if (second != READ_ONCE(xn->challenge_second)) {
		u32 half = ((u32)limit + 1) >> 1;

		WRITE_ONCE(xn->challenge_second, second);
		WRITE_ONCE(xn->challenge_left, get_random_u32_inclusive(half, limit + half - 1));
	}
	left = READ_ONCE(xn->challenge_left);
	if (!left) {
		xtcp_inc(net, XTCP_MIB_CHALLENGE_ACKS_SKIPPED);
		return false;
	}
	WRITE_ONCE(xn->challenge_left, left - 1);
	return true;
}

/* RFC 5961 section 7: at most ten challenge ACKs a second per socket, too. */
static void xtcp_challenge_ack(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xtcp_ratelimit(now_ns, &xs->challenge_stamp_ns, &xs->challenge_count,
			    NSEC_PER_SEC, 10)) {
		xtcp_sk_inc(sk, XTCP_MIB_CHALLENGE_ACKS_SKIPPED);
		return;
	}
	if (!xtcp_challenge_allowed(sock_net(sk), now_ns))
		return;
	xtcp_sk_inc(sk, XTCP_MIB_CHALLENGE_ACKS);
	xtcp_send_control(sk, XTCP_FLAG_ACK, now_ns);
}

/*
 * An ACK for a dropped segment that occupies no sequence space, or for a
 * SYN, goes at most every 500 ms (*stamp_ns, *count: the connection's or
 * the TIME_WAIT entry's), as Linux's tcp_oow_rate_limited() with
 * tcp_invalid_ratelimit: two ends that disagree must not ACK each other
 * forever. Data or a FIN is no part of such a loop and is always answered;
 * window and keepalive probes come further apart than that.
 */
bool xtcp_oow_ack_allowed(struct net *net, const struct xtcp_seg *seg, u64 now_ns,
			  u64 *stamp_ns, u32 *count, enum xtcp_mib skipped)
{
	if (xtcp_seg_len(seg) && !(seg->flags & XTCP_FLAG_SYN))
		return true;
	if (xtcp_ratelimit(now_ns, stamp_ns, count, NSEC_PER_SEC / 2, 1))
		return true;
	xtcp_inc(net, skipped);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_oow_ack_allowed);

static bool xtcp_ack_allowed(struct sock *sk, u64 now_ns, const struct xtcp_seg *seg,
			     const struct xtcp_verdict *v)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return !(v->actions & XTCP_ACT_DROP) ||
	       xtcp_oow_ack_allowed(sock_net(sk), seg, now_ns, &xs->last_oow_ack_ns,
				    &xs->oow_ack_count, XTCP_MIB_OOW_ACKS_SKIPPED);
}

/*
 * The interpreter: carry out verdict v, decided under ctx, for sk, in
 * order. For an arriving segment, skb and seg are it (skb is consumed); for
 * a user call (close, shutdown) or a timer's expiry both are NULL.
 */
void xtcp_apply(struct sock *sk, const struct xtcp_ctx *ctx, struct sk_buff *skb,
		const struct xtcp_seg *seg, const struct xtcp_verdict *v)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	enum skb_drop_reason reason = v->drop;
	bool consumed = false, new_ack = false, entered, sack;
	u32 prior_una = xs->tcb.snd_una, prior_sacked = xs->sacked_out;
	u32 prior_lost = xs->lost_out, ts_rtt_us = 0;
	struct xtcp_ack_times times = {};

	if (v->actions & XTCP_ACT_SET_IRS) {
		xs->tcb.rcv_nxt = seg->seq + 1;
		xs->tcb.rcv_wup = xs->tcb.rcv_nxt;
		xs->copied_seq = xs->tcb.rcv_nxt;
		if (seg->mss)
			xs->mss = min(xs->mss, seg->mss);
		else
			xs->mss = min_t(u16, xs->mss, XTCP_MSS_DEFAULT);
		/* RFC 7323 3.2: timestamps only if both SYNs had them. */
		xs->tcb.ts.ok = xs->tcb.ts.ok && seg->ts_ok;
		if (xs->tcb.ts.ok) {
			xs->tcb.ts.recent = seg->ts_val;
			xs->tcb.ts.recent_s = xtcp_ts_second(ctx->now_ns);
			xs->mss = xtcp_ts_mss(xs->mss);
		}
		xtcp_cc_init(&xs->cc, xs->mss, xs->tcb.iss, xs->cc_ops);
		xtcp_wscale_agree(sk, seg->wscale);
		/* RFC 2018 2: SACK only if both SYNs offered it. */
		xs->sack_ok = xs->sack_ok && seg->sack_ok;
		xs->cc.sack = xs->sack_ok;
	}
	/* RFC 7323 4.3: TS.Recent, before an ACK of ours moves Last.ACK.sent. */
	if (seg && seg->ts_ok && xs->tcb.ts.ok && !(v->actions & XTCP_ACT_DROP))
		xtcp_ts_store(&xs->tcb.ts, seg->ts_val, seg->seq, xs->tcb.rcv_wup, ctx->now_ns);
	if (seg && (seg->flags & XTCP_FLAG_ACK))
		xs->tcb.probes_out = 0;	/* the peer is there, whatever its window */
	if (v->actions & XTCP_ACT_WINDOW) {
		xs->tcb.snd_wnd = seg->window;
		xs->tcb.max_snd_wnd = max(xs->tcb.max_snd_wnd, xs->tcb.snd_wnd);
		xs->tcb.snd_wl1 = seg->seq;
		xs->tcb.snd_wl2 = seg->ack;
	}
	if (v->actions & XTCP_ACT_ACKED) {
		u64 data_acked = xs->bytes_acked;
		bool recovering;
		u32 acked;

		xs->tcb.snd_una = v->ack;
		/* A SYN's ACK may move SND.NXT's view on simultaneous open. */
		if (xtcp_seq_after(xs->tcb.snd_una, xs->tcb.snd_nxt))
			xs->tcb.snd_nxt = xs->tcb.snd_una;
		xs->tcb.retries = 0;
		if (seg && seg->ts_ok && xs->tcb.ts.ok) {
			ts_rtt_us = xtcp_ts_rtt_us(&xs->tcb.ts, seg->ts_ecr, ctx->now_ns);
			xtcp_eifel_ack(sk, seg->ts_ecr, prior_una);
		}
		xtcp_clean_acked(sk, ctx->now_ns, &times);
		/* Data, not the SYN's or FIN's number, grows cwnd (as Linux). */
		acked = xs->bytes_acked - data_acked;
		recovering = xs->cc.in_recovery;
		if (xtcp_cc_ack(&xs->cc, v->ack, acked, xs->tcb.snd_nxt - xs->tcb.snd_una, xs->mss,
				ctx->now_ns))
			xtcp_retransmit(sk);	/* a partial ACK: the next hole */
		if (recovering && !xs->cc.in_recovery) {
			xtcp_recovery_event(sk, "recovered: all sent before it acknowledged");
			xtcp_rack_recovered(xs);
		}
		new_ack = true;
		xtcp_tlp_acked(sk);
		xtcp_timers_ack_received(sk, ctx->now_ns);
		xtcp_sndbuf_expand(sk);
		sk->sk_write_space(sk);
	}
	/*
	 * With SACK: the scoreboard, the round trip, RACK; a loss starts
	 * recovery, its first lost segment resent at once (RFC 6675 5 step
	 * 4.2, RFC 8985 6.2). The round trip is taken once what the ACK
	 * acknowledged and SACKed is known, before RACK judges by it.
	 */
	sack = xs->sack_ok && seg && (seg->sack_blocks || (v->actions & XTCP_ACT_ACKED)) &&
	       !(v->actions & XTCP_ACT_DROP);
	if (sack)
		xtcp_sack_tag(sk, seg, prior_una, ctx->now_ns, &times);
	xtcp_ack_rtt(sk, &times, ctx->now_ns, ts_rtt_us);
	if (sack) {
		bool start = xtcp_sack_detect(sk, ctx->now_ns) &&
			     xtcp_cc_recovery(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, xs->mss);
		/* PRR (RFC 6937): what this ACK delivered, acknowledged or SACKed. */
		s32 delivered = (xs->tcb.snd_una - prior_una) + (xs->sacked_out - prior_sacked);

		if (xs->cc.in_recovery)
			xtcp_cc_prr(&xs->cc, xtcp_in_flight(xs), max(delivered, 0), xs->mss,
				    xs->tcb.snd_una != prior_una, xs->lost_out > prior_lost);
		if (start) {
			xtcp_recovery_event(sk, "recovery: SACK loss (RFC 6675)");
			xtcp_sk_inc(sk, XTCP_MIB_SACK_RECOVERIES);
			xtcp_resend_lost(sk);
		}
	}
	if ((v->actions & XTCP_ACT_DUPACK) &&
	    xtcp_cc_dupack(&xs->cc, xs->tcb.snd_una, xs->tcb.snd_nxt, xs->mss)) {
		xtcp_recovery_event(sk, "recovery: three duplicate ACKs (RFC 6582)");
		xtcp_retransmit(sk);
	}
	if (v->actions & XTCP_ACT_QUICKACK) {
		u32 end = seg->seq + seg->payload_len;

		xtcp_ack_enter_quickack(sk);
		/* Old data: reported back as a DSACK (RFC 2883 4.1.1). */
		if (seg->payload_len && xtcp_seq_before(seg->seq, xs->tcb.rcv_nxt))
			xtcp_dsack_set(sk, seg->seq, xtcp_seq_before(end, xs->tcb.rcv_nxt) ?
				       end : xs->tcb.rcv_nxt);
	}
	/* The receiver's round trip, from its echo of our clock (autotuning). */
	if ((v->actions & (XTCP_ACT_ACCEPT_DATA | XTCP_ACT_QUEUE_OOO)) && v->data_len &&
	    seg->ts_ok && xs->tcb.ts.ok)
		xtcp_rcv_rtt_sample(xs, xtcp_ts_rtt_us(&xs->tcb.ts, seg->ts_ecr, ctx->now_ns));
	if ((v->actions & XTCP_ACT_ACCEPT_DATA) && v->data_len) {
		/* Its start we had already (RFC 2883 4.1.1 too). */
		if (v->data_off && !(seg->flags & XTCP_FLAG_SYN))
			xtcp_dsack_set(sk, seg->seq, seg->seq + v->data_off);
		xtcp_ack_data_received(sk, ctx->now_ns, v->data_len);
		consumed = xtcp_data_in_order(sk, skb, v, &reason);
	} else if ((v->actions & XTCP_ACT_QUEUE_OOO) && v->data_len) {
		consumed = xtcp_data_out_of_order(sk, skb, seg, v, &reason);
	}
	if (v->actions & XTCP_ACT_ACCEPT_FIN) {
		xs->tcb.rcv_nxt++;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sock_set_flag(sk, SOCK_DONE);
	}

	if (v->mib != XTCP_MIB_MAX)
		xtcp_sk_inc(sk, v->mib);
	if (v->timer)
		xtcp_timers_arm(sk, v->timer, v->timer_ns);
	if (v->actions & XTCP_ACT_RETRANSMIT) {
		xs->tcb.retries++;
		xtcp_retransmit_timeout(sk);
	}
	if (v->actions & XTCP_ACT_RACK_TIMEOUT)
		xtcp_rack_timeout(sk, ctx->now_ns);
	if (v->actions & XTCP_ACT_LOSS_PROBE)
		xtcp_loss_probe(sk);
	if (v->actions & XTCP_ACT_WINDOW_PROBE) {
		xs->tcb.probes_out++;
		if (xs->tcb.persist_backoff < U8_MAX)
			xs->tcb.persist_backoff++;
		xtcp_window_probe(sk);
	}
	if (v->actions & XTCP_ACT_KEEPALIVE_PROBE) {
		xs->tcb.keepalive_probes++;
		xtcp_send_probe(sk);
	}

	/* RFC 9293 3.10.4 ABORT: a RST while the TCB still holds the numbers. */
	if (v->actions & XTCP_ACT_ABORT)
		xtcp_send_control(sk, XTCP_FLAG_RST | XTCP_FLAG_ACK, ctx->now_ns);
	entered = v->state != sk->sk_state;
	if (entered)
		xtcp_set_state(sk, v->state, v->event, ctx->now_ns);
	if (v->actions & XTCP_ACT_SEND_SYN) {
		xtcp_hash_conn(sk);
		if (xtcp_queue_syn(sk, XTCP_FLAG_SYN))
			xtcp_done(sk, 0, "no memory for SYN");
	}
	if (v->actions & XTCP_ACT_SYNACK_SENT) {
		/* The request or the cookie sent the SYN,ACK: ISS is sent, nothing to resend. */
		xtcp_hash_conn(sk);
		xs->tcb.snd_una = xs->tcb.iss;
		xs->tcb.snd_nxt = xs->tcb.iss + 1;
		xs->tcb.snd_sml = xs->tcb.iss;
		WRITE_ONCE(xs->write_seq, xs->tcb.snd_nxt);
		xs->pushed_seq = xs->write_seq;
	}
	if (v->actions & XTCP_ACT_QUEUE_FIN) {
		xs->fin_queued = 1;
		xtcp_push(sk);
	}

	if (v->actions & XTCP_ACT_SEND_RST)
		xtcp_send_rst_to(sock_net(sk), skb, v);
	if (v->actions & XTCP_ACT_SEND_SYNACK)
		xtcp_retransmit(sk);
	if (v->actions & XTCP_ACT_CHALLENGE_ACK) {
		xtcp_challenge_ack(sk, ctx->now_ns);
	} else if ((v->actions & XTCP_ACT_SEND_ACK) && xtcp_ack_allowed(sk, ctx->now_ns, seg, v)) {
		if (v->actions & (XTCP_ACT_ACCEPT_DATA | XTCP_ACT_QUEUE_OOO))
			xtcp_ack_sent_for_data(sk);
		xtcp_send_control(sk, XTCP_FLAG_ACK, ctx->now_ns);
	} else if (v->actions & XTCP_ACT_DELAY_ACK) {
		xtcp_timers_ack_owed(sk, ctx->now_ns);
	}

	if (v->actions & XTCP_ACT_SYNCHRONIZED) {
		if (xs->parent)
			xtcp_child_established(sk);
		else
			sk->sk_state_change(sk);
	}
	if (v->actions & XTCP_ACT_RESET) {
		xtcp_done(sk, v->err, v->event);
	} else {
		switch (v->state) {
		case XTCP_TIME_WAIT:
			xtcp_time_wait(sk);
			xtcp_done(sk, 0, "handed to TIME_WAIT");
			break;
		case XTCP_CLOSE:
			xtcp_done(sk, 0, v->event);
			break;
		case XTCP_FIN_WAIT2:
			/* tcp_fin_timeout counts from entering FIN_WAIT2, as Linux. */
			if (entered && sock_flag(sk, SOCK_DEAD))
				xtcp_timers_orphan_fin_wait2(sk);
			fallthrough;
		default:
			if (v->actions & XTCP_ACT_ACCEPT_FIN)
				sk->sk_state_change(sk);
			if (new_ack || (v->actions & (XTCP_ACT_WINDOW | XTCP_ACT_DUPACK)))
				xtcp_push(sk);
			break;
		}
	}
	xs->rack.hold = 0;	/* xtcp_eifel_ack()'s hold lasts for this ACK only */
	if (skb && !consumed)
		xtcp_drop(sock_net(sk), skb, reason);
}

/*
 * Give skb to sk (held by the caller): now, or after the user that owns it
 * (its backlog, bounded as Linux's tcp_add_backlog() bounds it: twice the
 * receive buffer, half the send buffer and 64 KiB, since the backlog's
 * length and the receive queue's memory both reach the receive buffer while
 * a reader copies a full window). subclass: the lock's lockdep subclass,
 * nested under a listener's or not.
 */
static void xtcp_deliver(struct sock *sk, struct sk_buff *skb, int subclass)
{
	struct net *net = sock_net(sk);
	u64 limit = 2ull * xtcp_rcvbuf(sk) + xtcp_sndbuf(sk) / 2 + SZ_64K;

	spin_lock_nested(&sk->sk_lock.slock, subclass);
	if (!sock_owned_by_user(sk)) {
		xtcp_rcv_sk(sk, skb);
	} else if (sk_add_backlog(sk, skb, min_t(u64, limit, UINT_MAX))) {
		xtcp_inc(net, XTCP_MIB_BACKLOG_DROPS);
		xtcp_drop(net, skb, SKB_DROP_REASON_SOCKET_BACKLOG);
	}
	bh_unlock_sock(sk);
}

/*
 * A segment for a listener: one of its requests', if the 4-tuple has one
 * (looked up again here, under the listener's lock, for a segment that
 * waited in its backlog or raced another to make the request), or the
 * connection's that a request became while the segment waited behind the
 * ACK that made it. True if so; skb is consumed.
 */
static bool xtcp_rcv_req(struct sock *listener, struct sk_buff *skb, u64 now_ns)
{
	const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
	struct net *net = sock_net(listener);
	struct xtcp_req *req;
	struct sock *sk;

	/* The tables are softirq's: from the listener's backlog, BHs go off. */
	local_bh_disable();
	req = xtcp_req_lookup(net, ip_hdr(skb)->saddr, th->source, ip_hdr(skb)->daddr,
			      th->dest);
	if (!req) {
		sk = xtcp_lookup_conn(net, ip_hdr(skb)->saddr, th->source, ip_hdr(skb)->daddr,
				      th->dest);
		if (sk) {
			/* The listener's lock is held: the connection's is the outer class. */
			xtcp_deliver(sk, skb, 0);
			sock_put(sk);
		}
		local_bh_enable();
		return !!sk;
	}
	local_bh_enable();
	if (req->listener != listener) {
		/* A listener bound since, more exactly: the request is its first one's. */
		xtcp_req_put(req);
		return false;
	}
	xtcp_req_rcv(req, skb, now_ns);
	xtcp_req_put(req);
	return true;
}

/* A segment for sk, with its lock held and the user not in it. Consumes skb. */
int xtcp_rcv_sk(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_verdict v;
	struct xtcp_seg seg;
	struct xtcp_ctx ctx;

	if (sk->sk_state == XTCP_LISTEN && xtcp_rcv_req(sk, skb, xtcp_clock_ns()))
		return 0;
	xtcp_seg_of(skb, &seg);
	/* RFC 7323 2.3: every window but a SYN's is scaled. */
	if (!(seg.flags & XTCP_FLAG_SYN))
		seg.window <<= xtcp_sk(sk)->snd_wscale;
	xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
	xtcp_sk(sk)->segs_in++;
	xtcp_segment_arrives(&xtcp_sk(sk)->tcb, &ctx, &seg, &v);
	if (ctx.rmem_full && seg.payload_len && (v.actions & XTCP_ACT_DROP)) {
		xtcp_sk_inc(sk, XTCP_MIB_RCVQ_DROPS);
		v.drop = SKB_DROP_REASON_PROTO_MEM;
	}
	if (v.actions & XTCP_ACT_NEW_CHILD) {
		const struct rtable *rt = skb_rtable(skb);

		/* A SYN sent to a broadcast or multicast address opens nothing. */
		if (rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))) {
			xtcp_sk_inc(sk, XTCP_MIB_LISTEN_DROPS);
			xtcp_drop(sock_net(sk), skb, SKB_DROP_REASON_IP_INADDRERRORS);
		} else if (!xtcp_child_create(sk, skb, ctx.now_ns)) {
			/* The listener's backlog is full, or no memory for the child. */
			xtcp_sk_inc(sk, XTCP_MIB_LISTEN_DROPS);
			xtcp_drop(sock_net(sk), skb, SKB_DROP_REASON_SOCKET_BACKLOG);
		}
		return 0;
	}
	if (v.actions & XTCP_ACT_COOKIE_ACK) {
		if (xtcp_cookie_child(sk, skb, &seg, ctx.now_ns))
			return 0;
		/* Not one of our cookies: the RST LISTEN gives any ACK. */
		xtcp_sk_inc(sk, XTCP_MIB_SYNCOOKIES_FAILED);
		v.actions = XTCP_ACT_SEND_RST | XTCP_ACT_DROP;
		xtcp_apply(sk, &ctx, skb, &seg, &v);
		return 0;
	}
	/*
	 * Only a segment the state machine takes shows the peer alive: one
	 * outside the window (anyone's, or an old duplicate) must not put off
	 * keepalive, as Linux stamps rcv_tstamp only in tcp_ack().
	 */
	if (sk->sk_state != XTCP_LISTEN && sk->sk_state != XTCP_CLOSE &&
	    !(v.actions & XTCP_ACT_DROP))
		xtcp_timers_peer_heard(sk, ctx.now_ns);
	if (v.actions == XTCP_ACT_DROP) {
		xtcp_drop(sock_net(sk), skb, v.drop);
		return 0;
	}
	xtcp_apply(sk, &ctx, skb, &seg, &v);
	return 0;
}

static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct iphdr *iph;
	const struct tcphdr *th;
	enum skb_drop_reason reason;
	enum xtcp_seg_verdict verdict;
	struct xtcp_seg seg;
	struct xtcp_req *req;
	struct xtcp_tw *tw;
	struct sock *sk;

	BUILD_BUG_ON(sizeof(struct xtcp_skb_cb) > sizeof_field(struct sk_buff, cb));
	if (skb->pkt_type != PACKET_HOST) {
		reason = SKB_DROP_REASON_OTHERHOST;
		goto drop;
	}
	BUILD_BUG_ON(XTCP_MIB_IN_ERR_CSUM - XTCP_MIB_IN_ERR_SHORT !=
		     XTCP_SEG_BAD_CSUM - XTCP_SEG_SHORT);
	verdict = xtcp_v4_check(skb, &seg);
	if (verdict != XTCP_SEG_OK) {
		xtcp_inc(net, XTCP_MIB_IN_ERR_SHORT + verdict - XTCP_SEG_SHORT);
		reason = xtcp_seg_drop_reason(verdict);
		goto drop;
	}
	xtcp_inc(net, XTCP_MIB_IN_SEGS);
	if (seg.flags & XTCP_FLAG_RST)
		xtcp_inc(net, XTCP_MIB_IN_RSTS);
	iph = ip_hdr(skb);
	th = (const struct tcphdr *)skb->data;
	cb->seq = seg.seq;
	cb->end_seq = seg.seq + xtcp_seg_len(&seg);
	cb->ack = seg.ack;
	cb->window = seg.window;
	cb->mss = seg.mss;
	cb->flags = seg.flags;
	cb->wscale = seg.wscale;
	cb->sacked = 0;
	cb->sack_ok = seg.sack_ok;
	cb->ts_ok = seg.ts_ok;
	cb->sack_blocks = seg.sack_blocks;
	cb->sack_off = seg.sack_off;
	cb->ts_val = seg.ts_val;
	cb->ts_ecr = seg.ts_ecr;
	__skb_pull(skb, seg.hdr_len);

	/* A connection, else a request's listener, else a TIME_WAIT entry, else a listener. */
	sk = xtcp_lookup_conn(net, iph->saddr, th->source, iph->daddr, th->dest);
	if (!sk) {
		req = xtcp_req_lookup(net, iph->saddr, th->source, iph->daddr, th->dest);
		if (req) {
			sk = req->listener;
			sock_hold(sk);
			xtcp_req_put(req);
		}
	}
	if (!sk) {
		tw = xtcp_tw_lookup(net, iph->saddr, th->source, iph->daddr, th->dest);
		if (tw) {
			enum xtcp_tw_action action = xtcp_tw_rcv(tw, skb);

			xtcp_tw_put(tw);
			if (action != XTCP_TW_NEW_SYN) {
				/* Answered, or of no use to a connection that is over. */
				reason = action == XTCP_TW_DROP ? SKB_DROP_REASON_TCP_CLOSE :
								  SKB_NOT_DROPPED_YET;
				goto drop;
			}
			/* RFC 6191: the entry is gone, a listener may take the SYN. */
		}
		sk = xtcp_lookup_listener(net, iph->daddr, th->dest);
		if (!sk) {
			xtcp_send_reset_reply(net, skb);
			reason = SKB_DROP_REASON_NO_SOCKET;
			goto drop;
		}
	}

	xtcp_deliver(sk, skb, SINGLE_DEPTH_NESTING);
	sock_put(sk);
	return 0;

drop:
	xtcp_drop(net, skb, reason);
	return 0;
}

const struct net_protocol xtcp_net_protocol = {
	.handler = xtcp_v4_rcv,
	.no_policy = 1,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_net_protocol);
