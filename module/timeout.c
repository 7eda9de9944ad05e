// SPDX-License-Identifier: GPL-2.0
/*
 * What each timer's expiry does, as pure functions (timers.c keeps the
 * hrtimers and calls xtcp_timer_expires(); xtcp_apply() carries the
 * verdict out). The verdict names the timer to arm again, with its
 * deadline, and the counter to bump; KUnit drives these with the clock in
 * its hands.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>

#include "xtcp/rtt.h"
#include "xtcp/timeout.h"

/* The synchronized states in which keepalive runs (RFC 1122 4.2.3.6). */
#define XTCP_KEEPALIVE_STATES	(XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_CLOSE_WAIT) |	\
				 XTCPF(XTCP_FIN_WAIT1) | XTCPF(XTCP_FIN_WAIT2))

/*
 * Keepalive (RFC 9293 3.8.4, RFC 1122 4.2.3.6): after idle_s without
 * hearing from the peer, probe every intvl_s; after probes_max unanswered
 * probes, give up.
 */
enum xtcp_keepalive_action
xtcp_keepalive_decide(u64 now_ns, u64 last_rcv_ns, u32 idle_s, u32 intvl_s,
		      unsigned int probes_sent, unsigned int probes_max,
		      u64 *next_ns)
{
	u64 idle_end = last_rcv_ns + (u64)idle_s * NSEC_PER_SEC;

	if (probes_sent == 0 && now_ns < idle_end) {
		*next_ns = idle_end;
		return XTCP_KA_WAIT;
	}
	if (probes_sent >= probes_max)
		return XTCP_KA_DROP;
	*next_ns = now_ns + (u64)intvl_s * NSEC_PER_SEC;
	return XTCP_KA_PROBE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_keepalive_decide);

/*
 * The retransmission timer expired (RFC 6298 5.4-5.7): resend unless the
 * retry limit for the state is reached (RFC 9293 3.8.3's R2, as Linux's
 * tcp_syn_retries, tcp_synack_retries and tcp_retries2).
 */
enum xtcp_timeout_action xtcp_rtx_decide(int state, bool in_flight, unsigned int retries,
					 const struct xtcp_retry_limits *lim)
{
	u32 limit;

	if (state == XTCP_CLOSE || !in_flight)
		return XTCP_TIMEOUT_NOTHING;
	if (state == XTCP_SYN_SENT)
		limit = lim->syn_retries;
	else if (state == XTCP_SYN_RECV)
		limit = lim->synack_retries;
	else
		limit = lim->retries2;
	return retries >= limit ? XTCP_TIMEOUT_GIVE_UP : XTCP_TIMEOUT_SEND;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_decide);

/*
 * The persist timer expired (RFC 9293 3.8.6.1): probe while data is held
 * with nothing in flight; retries2 probes unanswered in a row give up.
 */
enum xtcp_timeout_action xtcp_persist_decide(bool held, unsigned int probes_out,
					     const struct xtcp_retry_limits *lim)
{
	if (!held)
		return XTCP_TIMEOUT_NOTHING;
	return probes_out >= lim->retries2 ? XTCP_TIMEOUT_GIVE_UP : XTCP_TIMEOUT_SEND;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_persist_decide);

/*
 * The state timer serves an orphaned FIN_WAIT2 (which ends with a RST, as
 * Linux's tcp_fin_timeout) or keepalive in the synchronized states.
 */
enum xtcp_state_timer_action xtcp_state_timer_decide(int state, bool orphan, bool keepalive)
{
	if (state == XTCP_FIN_WAIT2 && orphan)
		return XTCP_STATE_TIMER_FIN_WAIT2;
	if (keepalive && ((1 << state) & XTCP_KEEPALIVE_STATES))
		return XTCP_STATE_TIMER_KEEPALIVE;
	return XTCP_STATE_TIMER_NOTHING;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_timer_decide);

/* 3.8.6.3: the ACK held back for in-order data is due. */
#define XTCP_DELACK_STATES	(XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_FIN_WAIT1) |	\
				 XTCPF(XTCP_FIN_WAIT2))

static void xtcp_give_up(struct xtcp_verdict *v, u8 mib, const char *event)
{
	v->state = XTCP_CLOSE;
	v->actions |= XTCP_ACT_RESET;
	v->err = ETIMEDOUT;
	v->mib = mib;
	v->event = event;
}

/* The timer armed again for the RTO backed off by backoff (RFC 6298 5.5). */
static void xtcp_rearm_rto(const struct xtcp_tcb *tcb, const struct xtcp_timer_cfg *cfg,
			   enum xtcp_timer which, unsigned int backoff,
			   struct xtcp_verdict *v)
{
	v->timer = which;
	v->timer_ns = xtcp_rto_backoff_ns(tcb->rto_ms, backoff, cfg->rto_max_ms);
}

/* RFC 6298 5.4-5.7: resend the oldest segment, back off, or give up. */
static void xtcp_retransmit_expires(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
				    const struct xtcp_timer_cfg *cfg, struct xtcp_verdict *v)
{
	switch (xtcp_rtx_decide(ctx->state, tcb->snd_una != tcb->snd_nxt, tcb->retries,
				&cfg->lim)) {
	case XTCP_TIMEOUT_NOTHING:
		v->event = "timer retransmit, nothing in flight";
		return;
	case XTCP_TIMEOUT_GIVE_UP:
		xtcp_give_up(v, XTCP_MIB_TIMEOUTS, "timer retransmission limit");
		return;
	case XTCP_TIMEOUT_SEND:
		break;
	}
	xtcp_rearm_rto(tcb, cfg, XTCP_TIMER_RETRANSMIT, tcb->retries + 1, v);
	v->actions = XTCP_ACT_RETRANSMIT;
	v->event = "timer retransmit";
}

/*
 * 3.8.6.1: probe the closed window; the peer answers each probe, which
 * resets probes_out, and retries2 unanswered probes in a row give up. A
 * probe that carries data puts it under the retransmission timer, whose
 * own event re-arms rtx_timer after this verdict's persist timer.
 */
static void xtcp_persist_expires(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
				 const struct xtcp_timer_cfg *cfg, struct xtcp_verdict *v)
{
	switch (xtcp_persist_decide(ctx->held && tcb->snd_una == tcb->snd_nxt,
				    tcb->probes_out, &cfg->lim)) {
	case XTCP_TIMEOUT_NOTHING:
		v->event = "timer persist, nothing held";
		return;
	case XTCP_TIMEOUT_GIVE_UP:
		xtcp_give_up(v, XTCP_MIB_TIMEOUTS, "timer persist, window probes unanswered");
		return;
	case XTCP_TIMEOUT_SEND:
		break;
	}
	xtcp_rearm_rto(tcb, cfg, XTCP_TIMER_PERSIST,
		       min_t(unsigned int, tcb->persist_backoff + 1, U8_MAX), v);
	v->actions = XTCP_ACT_WINDOW_PROBE;
	v->event = "timer persist";
}

/* The state timer: the orphan's FIN_WAIT2 is over, or keepalive is due. */
static void xtcp_state_timer_expires(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
				     const struct xtcp_timer_cfg *cfg,
				     struct xtcp_verdict *v)
{
	u64 next;

	switch (xtcp_state_timer_decide(ctx->state, ctx->orphan, ctx->keepalive)) {
	case XTCP_STATE_TIMER_NOTHING:
		v->event = "timer keepalive, off";
		return;
	case XTCP_STATE_TIMER_FIN_WAIT2:
		/* Orphaned, and the peer never sent its FIN: give up, as Linux does. */
		v->state = XTCP_CLOSE;
		v->actions = XTCP_ACT_ABORT;
		v->event = "timer FIN_WAIT2";
		return;
	case XTCP_STATE_TIMER_KEEPALIVE:
		break;
	}
	switch (xtcp_keepalive_decide(ctx->now_ns, tcb->last_rcv_ns, cfg->keepalive_idle_s,
				      cfg->keepalive_intvl_s, tcb->keepalive_probes,
				      cfg->keepalive_probes, &next)) {
	case XTCP_KA_DROP:
		v->actions = XTCP_ACT_ABORT;
		xtcp_give_up(v, XTCP_MIB_KEEPALIVE_DROPS, "timer keepalive");
		return;
	case XTCP_KA_PROBE:
		v->actions = XTCP_ACT_KEEPALIVE_PROBE;
		v->event = "timer keepalive probe";
		break;
	case XTCP_KA_WAIT:
		v->event = "timer keepalive, peer heard";
		break;
	}
	v->timer = XTCP_TIMER_KEEPALIVE;
	v->timer_ns = next - ctx->now_ns;
}

/*
 * Timer which of the connection expired at ctx->now_ns: what to do. A
 * stale expiry (the state moved on) does nothing.
 */
void xtcp_timer_expires(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
			enum xtcp_timer which, const struct xtcp_timer_cfg *cfg,
			struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	switch (which) {
	case XTCP_TIMER_RETRANSMIT:
		xtcp_retransmit_expires(tcb, ctx, cfg, v);
		break;
	case XTCP_TIMER_PERSIST:
		xtcp_persist_expires(tcb, ctx, cfg, v);
		break;
	case XTCP_TIMER_KEEPALIVE:
	case XTCP_TIMER_FIN_WAIT2:
		xtcp_state_timer_expires(tcb, ctx, cfg, v);
		break;
	case XTCP_TIMER_REORDER:
		v->event = "timer RACK reorder, nothing in flight";
		if (tcb->snd_una != tcb->snd_nxt) {
			v->actions = XTCP_ACT_RACK_TIMEOUT;
			v->event = "timer RACK reorder";
		}
		break;
	case XTCP_TIMER_LOSS_PROBE:
		/* RFC 8985 7.3: probe, then the RTO for what is in flight. */
		v->event = "timer loss probe, nothing in flight";
		if (tcb->snd_una != tcb->snd_nxt) {
			xtcp_rearm_rto(tcb, cfg, XTCP_TIMER_RETRANSMIT, tcb->retries, v);
			v->actions = XTCP_ACT_LOSS_PROBE;
			v->event = "timer loss probe";
		}
		break;
	case XTCP_TIMER_DELACK:
		v->event = "timer delayed ACK, not synchronized";
		if (XTCPF(ctx->state) & XTCP_DELACK_STATES) {
			v->actions = XTCP_ACT_SEND_ACK;
			v->mib = XTCP_MIB_DELAYED_ACKS;
			v->event = "timer delayed ACK";
		}
		break;
	default:
		v->event = "timer off";
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_expires);
