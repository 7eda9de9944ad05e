// SPDX-License-Identifier: GPL-2.0
/*
 * Every timer of xtcp, and the only place one is armed. A timer is named by
 * its purpose (enum xtcp_timer); purposes that never run together share an
 * hrtimer, and the socket records which one is armed, so /proc reads it:
 *
 *   retransmit   rtx_timer: the oldest unacknowledged SYN, SYN+ACK, data or
 *                FIN is sent again, backing off exponentially (RFC 6298
 *                5.5); after the retry limit for the state, ETIMEDOUT.
 *   persist      rtx_timer: nothing in flight and data held back by the
 *                peer's window (or a cork): window probes (RFC 9293
 *                3.8.6.1), backing off the same way.
 *   loss_probe   rtx_timer, instead of retransmit while SACK is in use
 *                and nothing is lost: two round trips after the last
 *                send, a tail loss probe (RFC 8985 7), then retransmit.
 *   reorder      rtx_timer: RACK's reordering window for a segment sent
 *                before one delivered (RFC 8985 6.3); then retransmit.
 *   keepalive    state_timer: probes on an idle connection (RFC 9293 3.8.4).
 *   fin_wait2    state_timer: the end of an orphaned FIN_WAIT2
 *                (tcp_fin_timeout).
 *   delayed_ack  delack_timer: the ACK held back for in-order data (RFC
 *                9293 3.8.6.3), sent after net.xtcp.delayed_ack_ms unless a
 *                segment we send first carries it.
 *   time_wait    xn->tw_timer: TIME_WAIT's 2*MSL. Every entry lives the
 *                same 2*MSL, so a namespace keeps its entries in one queue
 *                in order of expiry and one timer for the first, where a
 *                timer each would cost an entry a quarter of its size.
 *   retransmit   req->timer: a request's SYN,ACK sent again, as a socket's
 *                in SYN_RECV would be (request.c).
 *
 * The last two, timers of objects that are not sockets, are armed in
 * timers_tw_req.c; the socket's own, here.
 *
 * The rest of the code calls the event hooks (xtcp_timers_*), as
 * WireGuard's wg_timers_*() family: the policy of what an event does to a
 * timer lives here. All timers are softirq hrtimers; an armed timer holds
 * a reference on its object; a handler that finds the user owning the
 * socket leaves its work to release_sock(); teardown cancels synchronously.
 */
#include <kunit/visibility.h>
#include <linux/delay.h>

#include "xtcp/ack.h"
#include "xtcp/input.h"
#include "xtcp/recovery.h"
#include "xtcp/request.h"
#include "xtcp/rtt.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/timeout.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"

#if IS_ENABLED(CONFIG_KUNIT)
s64 xtcp_clock_skew_ns;
EXPORT_SYMBOL_IF_KUNIT(xtcp_clock_skew_ns);
#endif

static const char * const xtcp_timer_names[XTCP_TIMER_MAX] = {
	[XTCP_TIMER_OFF]	= "off",
	[XTCP_TIMER_RETRANSMIT]	= "retransmit",
	[XTCP_TIMER_PERSIST]	= "persist",
	[XTCP_TIMER_KEEPALIVE]	= "keepalive",
	[XTCP_TIMER_FIN_WAIT2]	= "fin_wait2",
	[XTCP_TIMER_DELACK]	= "delayed_ack",
	[XTCP_TIMER_TIME_WAIT]	= "time_wait",
	[XTCP_TIMER_REORDER]	= "reorder",
	[XTCP_TIMER_LOSS_PROBE]	= "loss_probe",
};

const char *xtcp_timer_name(enum xtcp_timer which)
{
	return which < XTCP_TIMER_MAX ? xtcp_timer_names[which] : "off";
}

/* The hrtimer that serves a purpose, and where its armed purpose is kept. */
static struct hrtimer *xtcp_hrtimer_of(struct xtcp_sock *xs, enum xtcp_timer which,
				       u8 **purpose)
{
	switch (which) {
	case XTCP_TIMER_RETRANSMIT:
	case XTCP_TIMER_PERSIST:
	case XTCP_TIMER_REORDER:
	case XTCP_TIMER_LOSS_PROBE:
		*purpose = &xs->rtx_purpose;
		return &xs->rtx_timer;
	case XTCP_TIMER_KEEPALIVE:
	case XTCP_TIMER_FIN_WAIT2:
		*purpose = &xs->state_purpose;
		return &xs->state_timer;
	default:
		*purpose = &xs->delack_purpose;
		return &xs->delack_timer;
	}
}

/* Where t's armed purpose is kept. */
static u8 *xtcp_purpose_of(struct xtcp_sock *xs, const struct hrtimer *t)
{
	if (t == &xs->rtx_timer)
		return &xs->rtx_purpose;
	return t == &xs->state_timer ? &xs->state_purpose : &xs->delack_purpose;
}

/*
 * Where t keeps the time its purpose is due when that is later than its
 * expiry (armed again while queued: xtcp_arm_at()); NULL: never so.
 */
static u64 *xtcp_due_of(struct xtcp_sock *xs, const struct hrtimer *t)
{
	if (t == &xs->rtx_timer)
		return &xs->rtx_due_ns;
	return t == &xs->delack_timer ? &xs->delack_due_ns : NULL;
}

/*
 * The bit that says an expiry of t fired while the user held the socket
 * and was left to release_sock().
 */
static int xtcp_defer_bit_of(struct xtcp_sock *xs, const struct hrtimer *t)
{
	if (t == &xs->rtx_timer)
		return XTCP_DEFER_RTX;
	return t == &xs->state_timer ? XTCP_DEFER_STATE : XTCP_DEFER_DELACK;
}

/*
 * t is armed anew or stopped: an expiry of it left to release_sock() is
 * forgotten, as Linux's deferred handlers find icsk_timeout moved or the
 * timer no longer pending and do nothing (tcp_write_timer_handler()).
 */
static void xtcp_forget_deferred(struct sock *sk, const struct hrtimer *t)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(xtcp_defer_bit_of(xs, t), &xs->deferred))
		__sock_put(sk);
}

/*
 * (Re)arm the hrtimer of which to fire at expires (mode: in that long, or
 * then), for which. An armed timer holds a reference on the socket: a new
 * one unless a pending instance was cancelled, whose reference carries
 * over. Inside the timer's own handler (the cancel reports -1) the event
 * may have armed it again already, e.g. a verdict's persist timer, then
 * the data its window probe sent: that pending instance's reference
 * carries over as well (it cannot expire before the handler returns: it
 * waits on the same CPU base). Callers hold the socket's lock.
 */
static void xtcp_arm_mode(struct sock *sk, enum xtcp_timer which, ktime_t expires,
			  enum hrtimer_mode mode)
{
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xtcp_sk(sk), which, &purpose);
	u64 *due = xtcp_due_of(xtcp_sk(sk), t);
	int was = hrtimer_try_to_cancel(t);
	bool pending = was == 1 || (was == -1 && hrtimer_is_queued(t));

	xtcp_forget_deferred(sk, t);
	WRITE_ONCE(*purpose, which);
	if (due)
		WRITE_ONCE(*due, 0);
	hrtimer_start(t, expires, mode);
	if (!pending)
		sock_hold(sk);
}

/* xtcp_arm_mode() in ns from now. */
static void xtcp_arm(struct sock *sk, enum xtcp_timer which, u64 ns)
{
	xtcp_arm_mode(sk, which, ns_to_ktime(ns), HRTIMER_MODE_REL_SOFT);
}

/*
 * xtcp_arm_mode() at at_ns, a time from xtcp_clock_ns(): where the caller
 * has read the clock already, the hrtimer need not read it again (under
 * TCG a read of the HPET costs more than the rest of an arming). If the
 * hrtimer is queued to fire no later (it was stopped lazily, below), it is
 * left as it is: when it fires, it is queued again for at_ns. So a timer
 * stopped and armed again at every message costs no hrtimer operation,
 * as Linux's stop (clearing icsk_pending) and re-arm (mod_timer() to a
 * later expiry) cost none.
 */
static void xtcp_arm_at(struct sock *sk, enum xtcp_timer which, u64 at_ns)
{
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xtcp_sk(sk), which, &purpose);
	u64 *due = xtcp_due_of(xtcp_sk(sk), t);
	ktime_t at = xtcp_clock_ktime(at_ns);

	if (due && hrtimer_is_queued(t) && !ktime_after(hrtimer_get_expires(t), at)) {
		xtcp_forget_deferred(sk, t);
		WRITE_ONCE(*purpose, which);
		WRITE_ONCE(*due, at_ns);
		return;
	}
	xtcp_arm_mode(sk, which, at, HRTIMER_MODE_ABS_SOFT);
}

/*
 * Is which the purpose its hrtimer is armed for? One that fired while the
 * user held the socket still is, until release_sock() runs it (as Linux's
 * icsk_pending).
 */
static bool xtcp_armed(struct sock *sk, enum xtcp_timer which)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xs, which, &purpose);

	return (hrtimer_is_queued(t) || test_bit(xtcp_defer_bit_of(xs, t), &xs->deferred)) &&
	       READ_ONCE(*purpose) == which;
}

/*
 * Stop the hrtimer of which lazily (it has a due time: rtx_timer,
 * delack_timer), as Linux clears icsk_pending and leaves the timer to
 * find nothing to do: it stays queued, with its reference, and does
 * nothing when it fires unless armed again meanwhile (xtcp_arm_at()).
 */
static void xtcp_stop_lazily(struct sock *sk, enum xtcp_timer which)
{
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xtcp_sk(sk), which, &purpose);

	WRITE_ONCE(*purpose, XTCP_TIMER_OFF);
	xtcp_forget_deferred(sk, t);
}

/* Is t queued for a purpose (not only stopped lazily)? */
static bool xtcp_hrtimer_armed(struct hrtimer *t, const u8 *purpose)
{
	return hrtimer_is_queued(t) && READ_ONCE(*purpose) != XTCP_TIMER_OFF;
}

/* Stop the hrtimer of which, whatever it is armed for; its reference goes. */
static void xtcp_disarm(struct sock *sk, enum xtcp_timer which)
{
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xtcp_sk(sk), which, &purpose);

	if (hrtimer_try_to_cancel(t) == 1)
		__sock_put(sk);
	xtcp_forget_deferred(sk, t);
}

/* For /proc: the first armed of the socket's timers, and its milliseconds left. */
enum xtcp_timer xtcp_timer_armed(struct sock *sk, s64 *ms_left)
{
	static const enum xtcp_timer order[] = {
		XTCP_TIMER_RETRANSMIT, XTCP_TIMER_KEEPALIVE, XTCP_TIMER_DELACK,
	};
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		u8 *purpose;
		struct hrtimer *t = xtcp_hrtimer_of(xs, order[i], &purpose);
		u64 *due = xtcp_due_of(xs, t), at = due ? READ_ONCE(*due) : 0;

		if (xtcp_hrtimer_armed(t, purpose)) {
			*ms_left = at ? max_t(s64, (s64)(at - xtcp_clock_ns()), 0) / NSEC_PER_MSEC :
				   xtcp_ms_left(t);
			return READ_ONCE(*purpose);
		}
	}
	*ms_left = 0;
	return XTCP_TIMER_OFF;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_armed);

/* The retransmission timer at the RTO from now_ns, backed off by backoff (RFC 6298 5.5). */
static void xtcp_arm_rto(struct sock *sk, enum xtcp_timer which, unsigned int backoff,
			 u64 now_ns)
{
	u32 max_ms = READ_ONCE(xtcp_sk_net(sk)->rto_max_ms);

	xtcp_arm_at(sk, which, now_ns +
		    xtcp_rto_backoff_ns(xtcp_sk(sk)->tcb.rto_ms, backoff, max_ms));
}

/* Something is in flight: retransmit it if no ACK comes within the RTO. */
static void xtcp_arm_retransmit(struct sock *sk, u64 now_ns)
{
	xtcp_sk(sk)->tcb.persist_backoff = 0;
	xtcp_arm_rto(sk, XTCP_TIMER_RETRANSMIT, xtcp_sk(sk)->tcb.retries, now_ns);
}

/*
 * A tail loss probe, when RACK-TLP allows one now (recovery.c says when),
 * rather than the RTO (Linux's tcp_set_xmit_timer()). False: it does not.
 */
static bool xtcp_arm_loss_probe(struct sock *sk, u64 now_ns)
{
	u64 pto = xtcp_tlp_pto_ns(sk, now_ns);

	if (!pto)
		return false;
	xtcp_sk(sk)->tcb.persist_backoff = 0;
	xtcp_arm_at(sk, XTCP_TIMER_LOSS_PROBE, now_ns + pto);
	return true;
}

/* The keepalive timer, to check again after the idle time. */
static void xtcp_arm_keepalive(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 idle = xs->keepalive_time ?: xtcp_sk_net(sk)->keepalive_time_s;

	xtcp_arm(sk, XTCP_TIMER_KEEPALIVE, (u64)idle * NSEC_PER_SEC);
}

/* The settings in force for timers in net: its sysctls. */
void xtcp_timer_cfg_net(struct net *net, struct xtcp_timer_cfg *cfg)
{
	struct xtcp_net *xn = xtcp_net(net);

	cfg->lim.syn_retries = READ_ONCE(xn->syn_retries);
	cfg->lim.synack_retries = READ_ONCE(xn->synack_retries);
	cfg->lim.retries2 = READ_ONCE(xn->retries2);
	cfg->rto_max_ms = READ_ONCE(xn->rto_max_ms);
	cfg->keepalive_idle_s = READ_ONCE(xn->keepalive_time_s);
	cfg->keepalive_intvl_s = READ_ONCE(xn->keepalive_intvl_s);
	cfg->keepalive_probes = READ_ONCE(xn->keepalive_probes);
}

/* The settings in force for sk's timers: its socket options, or the sysctls. */
static void xtcp_timer_cfg_of(struct sock *sk, struct xtcp_timer_cfg *cfg)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_timer_cfg_net(sock_net(sk), cfg);
	cfg->keepalive_idle_s = xs->keepalive_time ?: cfg->keepalive_idle_s;
	cfg->keepalive_intvl_s = xs->keepalive_intvl ?: cfg->keepalive_intvl_s;
	cfg->keepalive_probes = xs->keepalive_cnt ?: cfg->keepalive_probes;
}

/*
 * Timer which of sk expired (the socket is locked, the user not in it):
 * timeout.c decides, the segment interpreter carries it out.
 */
static void xtcp_timer_expired(struct sock *sk, enum xtcp_timer which)
{
	struct xtcp_timer_cfg cfg;
	struct xtcp_verdict v;
	struct xtcp_ctx ctx;

	if (sk->sk_state == XTCP_CLOSE)
		return;
	xtcp_ctx_of(sk, xtcp_clock_ns(), &ctx);
	xtcp_timer_cfg_of(sk, &cfg);
	xtcp_timer_expires(&xtcp_sk(sk)->tcb, &ctx, which, &cfg, &v);
	xtcp_apply(sk, &ctx, NULL, NULL, &v);
}

/* rtx_timer fired: retransmit, or probe the window, by its purpose. */
static void xtcp_rtx_timeout(struct sock *sk)
{
	xtcp_timer_expired(sk, READ_ONCE(xtcp_sk(sk)->rtx_purpose));
}

/* state_timer fired: the orphan's FIN_WAIT2 is over, or keepalive is due. */
static void xtcp_state_timeout(struct sock *sk)
{
	xtcp_timer_expired(sk, READ_ONCE(xtcp_sk(sk)->state_purpose));
}

/* The delayed ACK is due: no segment of ours carried it in time. */
static void xtcp_delack_timeout(struct sock *sk)
{
	xtcp_ack_delack_missed(sk);
	xtcp_timer_expired(sk, XTCP_TIMER_DELACK);
}

/*
 * t's expiry, with the socket locked and the user not in it: nothing if t
 * was armed again meanwhile (queued: the arm and the expiry raced) or
 * stopped lazily; if its purpose is due later (armed again while queued,
 * xtcp_arm_at()), true and t is set to expire then; else the handler.
 */
static bool xtcp_timer_run(struct sock *sk, struct hrtimer *t, void (*handler)(struct sock *sk))
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 *due = xtcp_due_of(xs, t), at = due ? *due : 0;

	if (hrtimer_is_queued(t) || READ_ONCE(*xtcp_purpose_of(xs, t)) == XTCP_TIMER_OFF)
		return false;
	if (at > xtcp_clock_ns()) {
		hrtimer_set_expires(t, xtcp_clock_ktime(at));
		return true;
	}
	handler(sk);
	return false;
}

/*
 * A socket timer fired: run its expiry now, or leave it to release_sock()
 * (with a reference) if the user owns the socket. Then drop the reference
 * the armed timer held, unless it is queued again for a purpose due later.
 */
static enum hrtimer_restart xtcp_sock_timer_fire(struct sock *sk, struct hrtimer *t,
						 int defer_bit, void (*handler)(struct sock *sk))
{
	bool again = false;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		again = xtcp_timer_run(sk, t, handler);
	else if (!test_and_set_bit(defer_bit, &xtcp_sk(sk)->deferred))
		sock_hold(sk);
	bh_unlock_sock(sk);
	if (again)
		return HRTIMER_RESTART;
	sock_put(sk);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_delack_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, delack_timer);

	return xtcp_sock_timer_fire(&xs->sk, t, XTCP_DEFER_DELACK, xtcp_delack_timeout);
}

static enum hrtimer_restart xtcp_rtx_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, rtx_timer);

	return xtcp_sock_timer_fire(&xs->sk, t, XTCP_DEFER_RTX, xtcp_rtx_timeout);
}

static enum hrtimer_restart xtcp_state_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, state_timer);

	return xtcp_sock_timer_fire(&xs->sk, t, XTCP_DEFER_STATE, xtcp_state_timeout);
}

/*
 * For KUnit's fixtures: make the pending hrtimer t expire now and wait
 * until its handler has run. It expires through the hrtimer core, so the
 * handler runs as on a real expiry: in softirq, with the timer marked
 * running (what xtcp_arm() sees when a handler arms its own timer again).
 * Process context, the timer's object not locked by the caller.
 */
bool xtcp_hrtimer_fire_now(struct hrtimer *t)
{
	ktime_t due, deadline;

	/* Cancelled, the pending instance's reference goes with the new one. */
	if (hrtimer_try_to_cancel(t) != 1)
		return false;
	/* Due now; the handler may run (and arm it again) before this returns. */
	due = ktime_get();
	hrtimer_start(t, due, HRTIMER_MODE_ABS_SOFT);
	/*
	 * Done when the handler has returned: the timer is neither queued nor
	 * running, or the handler armed it again (a later expiry, set inside
	 * the handler, so after it was marked running) and is no longer running.
	 */
	for (deadline = ktime_add_ms(ktime_get(), 10000); ktime_before(ktime_get(), deadline);) {
		if (!hrtimer_active(t))
			return true;
		if (ktime_after(hrtimer_get_expires(t), due)) {
			smp_rmb();	/* the expiry was written while running was set */
			if (!hrtimer_callback_running(t))
				return true;
		}
		usleep_range(100, 500);
	}
	return false;
}

/*
 * xtcp_hrtimer_fire_now() for sk's timer which, if it is armed for it:
 * due now, even if it was armed again for later while queued.
 */
bool xtcp_timer_fire_now(struct sock *sk, enum xtcp_timer which)
{
	u8 *purpose;
	struct hrtimer *t = xtcp_hrtimer_of(xtcp_sk(sk), which, &purpose);
	u64 *due = xtcp_due_of(xtcp_sk(sk), t);

	if (!xtcp_armed(sk, which))
		return false;
	if (due)
		WRITE_ONCE(*due, 0);
	return xtcp_hrtimer_fire_now(t);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_timer_fire_now);

/*
 * An expiry of t left to release_sock(), as xtcp_timer_run() would take
 * it; one due later is armed for then. Its reference goes.
 */
static void xtcp_deferred_run(struct sock *sk, struct hrtimer *t,
			      void (*handler)(struct sock *sk))
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xtcp_timer_run(sk, t, handler))
		xtcp_arm_at(sk, READ_ONCE(*xtcp_purpose_of(xs, t)), *xtcp_due_of(xs, t));
	__sock_put(sk);
}

/* proto.release_cb: run what the timers left while the user held the socket. */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(XTCP_DEFER_RTX, &xs->deferred))
		xtcp_deferred_run(sk, &xs->rtx_timer, xtcp_rtx_timeout);
	if (test_and_clear_bit(XTCP_DEFER_STATE, &xs->deferred))
		xtcp_deferred_run(sk, &xs->state_timer, xtcp_state_timeout);
	if (test_and_clear_bit(XTCP_DEFER_DELACK, &xs->deferred))
		xtcp_deferred_run(sk, &xs->delack_timer, xtcp_delack_timeout);
}

void xtcp_timers_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_rtt_update(sk, 0, 0);
	hrtimer_init(&xs->rtx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->rtx_timer.function = xtcp_rtx_fire;
	hrtimer_init(&xs->state_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->state_timer.function = xtcp_state_fire;
	hrtimer_init(&xs->delack_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->delack_timer.function = xtcp_delack_fire;
}

/*
 * A verdict's timer (timeout.c chose it and its expiry). Armed before the
 * verdict's actions, whose own events may re-arm the same hrtimer: a
 * window probe that carries data is under the retransmission timer.
 */
void xtcp_timers_arm(struct sock *sk, enum xtcp_timer which, u64 ns)
{
	if (which == XTCP_TIMER_RETRANSMIT)
		xtcp_sk(sk)->tcb.persist_backoff = 0;
	xtcp_arm(sk, which, ns);
}

/*
 * Data (or SYN, FIN) went out: start the timer unless it runs (RFC 6298
 * 5.1); a tail loss probe moves on to two round trips from this send
 * (RFC 8985 7.2), and RACK's reordering timer stays.
 */
void xtcp_timers_data_sent(struct sock *sk, u64 now_ns)
{
	if (xtcp_armed(sk, XTCP_TIMER_RETRANSMIT) || xtcp_armed(sk, XTCP_TIMER_REORDER))
		return;
	if (!xtcp_arm_loss_probe(sk, now_ns))
		xtcp_arm_retransmit(sk, now_ns);
}

/*
 * SND.UNA advanced: everything acknowledged stops the timer (RFC 6298
 * 5.2), otherwise it restarts for what is still in flight (5.3).
 */
void xtcp_timers_ack_received(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->tcb.snd_una == xs->tcb.snd_nxt)
		xtcp_stop_lazily(sk, XTCP_TIMER_RETRANSMIT);
	else if (!xtcp_arm_loss_probe(sk, now_ns))
		xtcp_arm_retransmit(sk, now_ns);
}

/*
 * RACK: a segment may be lost once ns more have passed (RFC 8985 6.3).
 * Linux arms this timer 2 ms later, in jiffies rounded up
 * (tcp_rack_mark_lost(): TCP_TIMEOUT_MIN_US; 6.1 added two jiffies): at HZ
 * 250, 2 to 6 ms past the reordering window, time a late segment on a
 * reordering path may still arrive in. The same here, so RACK's timer
 * judges no sooner than Linux's.
 */
void xtcp_timers_reorder(struct sock *sk, u64 ns)
{
	xtcp_arm(sk, XTCP_TIMER_REORDER, roundup(ns + 2 * NSEC_PER_MSEC, TICK_NSEC));
}

/* After RACK's timer: the RTO (or a probe) again for what is in flight. */
void xtcp_timers_rearm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now_ns;

	if (xs->tcb.snd_una == xs->tcb.snd_nxt ||
	    xtcp_hrtimer_armed(&xs->rtx_timer, &xs->rtx_purpose))
		return;
	now_ns = xtcp_clock_ns();
	if (!xtcp_arm_loss_probe(sk, now_ns))
		xtcp_arm_retransmit(sk, now_ns);
}

/*
 * Nothing in flight, data waiting for the window (or a cork): probe after
 * the RTO, backed off by the probes already sent. Armed already: keep its
 * schedule.
 */
void xtcp_timers_send_blocked(struct sock *sk)
{
	if (xtcp_armed(sk, XTCP_TIMER_PERSIST))
		return;
	xtcp_arm_rto(sk, XTCP_TIMER_PERSIST, xtcp_sk(sk)->tcb.persist_backoff, xtcp_clock_ns());
}

/* The peer spoke: keepalive probes only after the idle time from now. */
void xtcp_timers_peer_heard(struct sock *sk, u64 now_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->tcb.last_rcv_ns = now_ns;
	xs->tcb.keepalive_probes = 0;
	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state == XTCP_CLOSE)
		return;
	/* Armed already (for keepalive or FIN_WAIT2): it rechecks when it fires. */
	if (hrtimer_is_queued(&xs->state_timer))
		return;
	xtcp_arm_keepalive(sk);
}

/*
 * SO_KEEPALIVE or XTCP_KEEPIDLE was set: keepalive runs from now (on), or
 * stops. The orphan's FIN_WAIT2 timer is left alone.
 */
void xtcp_timers_keepalive_changed(struct sock *sk, bool on)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (on) {
		xs->tcb.last_rcv_ns = xtcp_clock_ns();
		xs->tcb.keepalive_probes = 0;
	}
	if (xtcp_armed(sk, XTCP_TIMER_FIN_WAIT2))
		return;
	xtcp_disarm(sk, XTCP_TIMER_KEEPALIVE);
	if (on && sk->sk_state != XTCP_CLOSE)
		xtcp_arm_keepalive(sk);
}

/* An orphan entered FIN_WAIT2: it has tcp_fin_timeout to finish. */
void xtcp_timers_orphan_fin_wait2(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_sk_net(sk);

	xtcp_arm(sk, XTCP_TIMER_FIN_WAIT2, (u64)xn->fin_timeout_ms * NSEC_PER_MSEC);
}

/*
 * In-order data came at now_ns and may wait for its ACK: within
 * delayed_ack_ms of the first such segment, however many follow (one
 * full-sized segment at most; state.c ACKs the second at once).
 */
void xtcp_timers_ack_owed(struct sock *sk, u64 now_ns)
{
	u32 ms = READ_ONCE(xtcp_sk_net(sk)->delayed_ack_ms);

	if (xtcp_armed(sk, XTCP_TIMER_DELACK))
		return;
	xtcp_arm_at(sk, XTCP_TIMER_DELACK, now_ns + (u64)ms * NSEC_PER_MSEC);
}

/* A segment carrying our ACK went out: nothing is owed any more. */
void xtcp_timers_ack_sent(struct sock *sk)
{
	xtcp_stop_lazily(sk, XTCP_TIMER_DELACK);
}

/*
 * The connection is over. From softirq, where a running handler may wait
 * on the lock we hold: stop what is pending; a handler already running
 * finds CLOSE and does nothing.
 */
void xtcp_timers_connection_done(struct sock *sk)
{
	xtcp_disarm(sk, XTCP_TIMER_RETRANSMIT);
	xtcp_disarm(sk, XTCP_TIMER_KEEPALIVE);
	xtcp_disarm(sk, XTCP_TIMER_DELACK);
}

/* Teardown, in process context without the socket spinlock: wait for handlers. */
void xtcp_timers_stop_sync(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (hrtimer_cancel(&xs->rtx_timer))
		__sock_put(sk);
	if (hrtimer_cancel(&xs->state_timer))
		__sock_put(sk);
	if (hrtimer_cancel(&xs->delack_timer))
		__sock_put(sk);
	if (test_and_clear_bit(XTCP_DEFER_RTX, &xs->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(XTCP_DEFER_STATE, &xs->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(XTCP_DEFER_DELACK, &xs->deferred))
		__sock_put(sk);
}
