// SPDX-License-Identifier: GPL-2.0
/*
 * Every timer of xtcp, and the only place one is armed:
 *
 *   rtx_timer    retransmits the oldest unacknowledged SYN, SYN+ACK, data
 *                or FIN, backing off exponentially (RFC 6298 5.5), and
 *                gives up after the retry limit for the state (ETIMEDOUT).
 *                With nothing in flight and data held back by the peer's
 *                window it is the persist timer instead (RFC 9293 3.8.6.1):
 *                window probes, backing off the same way.
 *   state_timer  keepalive probes on an idle connection (RFC 9293 3.8.4),
 *                and the end of an orphaned FIN_WAIT2 (tcp_fin_timeout).
 *   delack_timer the ACK held back for in-order data (RFC 9293 3.8.6.3),
 *                sent after net.xtcp.delayed_ack_ms unless a segment we
 *                send first carries it.
 *   tw->timer    TIME_WAIT's 2*MSL.
 *
 * The rest of the code calls the named hooks below. All timers are softirq
 * hrtimers; an armed timer holds a reference on its object; a handler that
 * finds the user owning the socket leaves its work to release_sock(); and
 * teardown cancels synchronously.
 */
#include "xtcp/output.h"
#include "xtcp/recovery.h"
#include "xtcp/rtt.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"

/*
 * (Re)arm t to fire in ns. Returns true if the caller must take a new
 * reference: false only when a pending instance was cancelled, whose
 * reference carries over. Callers serialize on the object's lock.
 */
static bool xtcp_hrtimer_rearm(struct hrtimer *t, u64 ns)
{
	int was = hrtimer_try_to_cancel(t);

	hrtimer_start(t, ns_to_ktime(ns), HRTIMER_MODE_REL_SOFT);
	return was != 1;
}

/*
 * Probe the closed window. The peer answers each probe (which resets
 * probes_out); retries2 unanswered probes in a row drop the connection.
 */
static void xtcp_persist_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->send_head || xs->snd_una != xs->snd_nxt)
		return;
	if (xs->probes_out >= xtcp_net(sock_net(sk))->retries2) {
		xtcp_inc(sock_net(sk), XTCP_MIB_TIMEOUTS);
		xtcp_done(sk, ETIMEDOUT, "timer persist, window probes unanswered");
		return;
	}
	xs->probes_out++;
	if (xs->persist_backoff < U8_MAX)
		xs->persist_backoff++;
	xtcp_window_probe(sk);
	if (xs->snd_una == xs->snd_nxt)
		xtcp_timer_persist_arm(sk);
}

static void xtcp_rtx_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_net(sock_net(sk));
	int limit;

	if (sk->sk_state == XTCP_CLOSE)
		return;
	if (xs->persist) {
		xtcp_persist_timeout(sk);
		return;
	}
	if (xs->snd_una == xs->snd_nxt)
		return;
	if (sk->sk_state == XTCP_SYN_SENT)
		limit = xn->syn_retries;
	else if (sk->sk_state == XTCP_SYN_RECV)
		limit = xn->synack_retries;
	else
		limit = xn->retries2;
	if (xs->retries >= limit) {
		xtcp_inc(sock_net(sk), XTCP_MIB_TIMEOUTS);
		xtcp_done(sk, ETIMEDOUT, "timer retransmission limit");
		return;
	}
	xs->retries++;
	xtcp_retransmit_timeout(sk);
	xtcp_timer_rtx_arm(sk);
}

static void xtcp_state_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_net(sock_net(sk));
	u64 now = ktime_get_ns(), next;
	u32 idle, intvl, cnt;

	if (sk->sk_state == XTCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		/* Orphaned, and the peer never sent its FIN: give up, as Linux does. */
		xtcp_send_control(sk, XTCP_FLAG_RST | XTCP_FLAG_ACK);
		xtcp_done(sk, 0, "timer FIN_WAIT2");
		return;
	}
	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    !((1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_CLOSE_WAIT) |
				     XTCPF(XTCP_FIN_WAIT1) | XTCPF(XTCP_FIN_WAIT2))))
		return;
	idle = xs->keepalive_time ?: xn->keepalive_time_s;
	intvl = xs->keepalive_intvl ?: xn->keepalive_intvl_s;
	cnt = xs->keepalive_cnt ?: xn->keepalive_probes;
	switch (xtcp_keepalive_decide(now, ktime_to_ns(xs->last_rcv), idle, intvl,
				      xs->keepalive_probes, cnt, &next)) {
	case XTCP_KA_DROP:
		xtcp_inc(sock_net(sk), XTCP_MIB_KEEPALIVE_DROPS);
		xtcp_send_control(sk, XTCP_FLAG_RST | XTCP_FLAG_ACK);
		xtcp_done(sk, ETIMEDOUT, "timer keepalive");
		return;
	case XTCP_KA_PROBE:
		/* RFC 9293 3.8.4: SEG.SEQ = SND.NXT-1, which the peer must ACK. */
		xs->keepalive_probes++;
		xtcp_send_probe(sk);
		break;
	case XTCP_KA_WAIT:
		break;
	}
	if (xtcp_hrtimer_rearm(&xs->state_timer, next - now))
		sock_hold(sk);
}

/*
 * A socket timer fired: run its handler now, or leave it to release_sock()
 * (with a reference) if the user owns the socket. Then drop the reference
 * the armed timer held.
 */
static enum hrtimer_restart xtcp_sock_timer_fire(struct sock *sk, int defer_bit,
						 void (*handler)(struct sock *sk))
{
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		handler(sk);
	else if (!test_and_set_bit(defer_bit, &xtcp_sk(sk)->deferred))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/* The delayed ACK is due: no segment of ours carried it in time. */
static void xtcp_delack_timeout(struct sock *sk)
{
	if (!((1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_FIN_WAIT1) |
				     XTCPF(XTCP_FIN_WAIT2))))
		return;
	xtcp_inc(sock_net(sk), XTCP_MIB_DELAYED_ACKS);
	xtcp_send_control(sk, XTCP_FLAG_ACK);
}

static enum hrtimer_restart xtcp_delack_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, delack_timer);

	return xtcp_sock_timer_fire(&xs->sk, XTCP_DEFER_DELACK, xtcp_delack_timeout);
}

static enum hrtimer_restart xtcp_rtx_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, rtx_timer);

	return xtcp_sock_timer_fire(&xs->sk, XTCP_DEFER_RTX, xtcp_rtx_timeout);
}

static enum hrtimer_restart xtcp_state_fire(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, state_timer);

	return xtcp_sock_timer_fire(&xs->sk, XTCP_DEFER_STATE, xtcp_state_timeout);
}

/* proto.release_cb: run what the timers left while the user held the socket. */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(XTCP_DEFER_RTX, &xs->deferred)) {
		xtcp_rtx_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_DEFER_STATE, &xs->deferred)) {
		xtcp_state_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_DEFER_DELACK, &xs->deferred)) {
		xtcp_delack_timeout(sk);
		__sock_put(sk);
	}
}

void xtcp_timers_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_rtt_update(sk, 0);
	hrtimer_init(&xs->rtx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->rtx_timer.function = xtcp_rtx_fire;
	hrtimer_init(&xs->state_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->state_timer.function = xtcp_state_fire;
	hrtimer_init(&xs->delack_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->delack_timer.function = xtcp_delack_fire;
}

static void xtcp_rtx_timer_set(struct sock *sk, bool persist, unsigned int backoff)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ms = xtcp_rto_backoff_ms(xs->rto_ms, backoff, xtcp_net(sock_net(sk))->rto_max_ms);

	xs->persist = persist;
	if (xtcp_hrtimer_rearm(&xs->rtx_timer, (u64)ms * NSEC_PER_MSEC))
		sock_hold(sk);
}

/* Something is in flight: retransmit it if no ACK comes within the RTO. */
void xtcp_timer_rtx_arm(struct sock *sk)
{
	xtcp_sk(sk)->persist_backoff = 0;
	xtcp_rtx_timer_set(sk, false, xtcp_sk(sk)->retries);
}

/* Data went out: start the timer unless it already runs (RFC 6298 5.1). */
void xtcp_timer_rtx_start(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->persist || !hrtimer_is_queued(&xs->rtx_timer))
		xtcp_timer_rtx_arm(sk);
}

/*
 * Nothing in flight, data waiting for the window: probe after the RTO,
 * backed off by the probes already sent. Armed already: keep its schedule.
 */
void xtcp_timer_persist_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->persist && hrtimer_is_queued(&xs->rtx_timer))
		return;
	xtcp_rtx_timer_set(sk, true, xs->persist_backoff);
}

/* Everything in flight is acknowledged. */
void xtcp_timer_rtx_stop(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->rtx_timer) == 1)
		__sock_put(sk);
}

/* The peer spoke, or keepalive was just enabled: probe only after idle time. */
void xtcp_timer_keepalive_reset(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_net(sock_net(sk));
	u32 idle = xs->keepalive_time ?: xn->keepalive_time_s;

	xs->last_rcv = ktime_get();
	xs->keepalive_probes = 0;
	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state == XTCP_CLOSE)
		return;
	/* Already armed for later: it rechecks the idle time when it fires. */
	if (hrtimer_is_queued(&xs->state_timer))
		return;
	if (xtcp_hrtimer_rearm(&xs->state_timer, (u64)idle * NSEC_PER_SEC))
		sock_hold(sk);
}

/* An orphan entered FIN_WAIT2: it has tcp_fin_timeout to finish. */
void xtcp_timer_fin_wait2(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_net(sock_net(sk));

	if (xtcp_hrtimer_rearm(&xtcp_sk(sk)->state_timer,
			       (u64)xn->fin_timeout_ms * NSEC_PER_MSEC))
		sock_hold(sk);
}

void xtcp_timer_state_stop(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->state_timer) == 1)
		__sock_put(sk);
}

/*
 * In-order data came and may wait for its ACK: within delayed_ack_ms of
 * the first such segment, however many follow (one full-sized segment at
 * most; state.c ACKs the second at once).
 */
void xtcp_timer_delack_arm(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ms = READ_ONCE(xtcp_net(sock_net(sk))->delayed_ack_ms);

	if (hrtimer_is_queued(&xs->delack_timer))
		return;
	if (xtcp_hrtimer_rearm(&xs->delack_timer, (u64)ms * NSEC_PER_MSEC))
		sock_hold(sk);
}

/* A segment carrying our ACK went out: nothing is owed any more. */
void xtcp_timer_ack_sent(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&xtcp_sk(sk)->delack_timer) == 1)
		__sock_put(sk);
}

/*
 * From softirq, where a running handler may wait on the lock we hold: stop
 * what is pending; a handler already running finds CLOSE and does nothing.
 */
void xtcp_timers_stop(struct sock *sk)
{
	xtcp_timer_rtx_stop(sk);
	xtcp_timer_state_stop(sk);
	xtcp_timer_ack_sent(sk);
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

static enum hrtimer_restart xtcp_tw_fire(struct hrtimer *t)
{
	return xtcp_tw_expire(t);
}

void xtcp_tw_timer_init(struct xtcp_tw *tw)
{
	hrtimer_init(&tw->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	tw->timer.function = xtcp_tw_fire;
}

/* TIME_WAIT lasts 2*MSL from entry, and again from each retransmitted FIN. */
void xtcp_tw_timer_arm(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_net(read_pnet(&tw->net));

	spin_lock_bh(&tw->lock);
	if (!tw->dead &&
	    xtcp_hrtimer_rearm(&tw->timer, 2ULL * xn->msl_ms * NSEC_PER_MSEC))
		refcount_inc(&tw->refcnt);
	spin_unlock_bh(&tw->lock);
}

void xtcp_tw_restart(struct xtcp_tw *tw)
{
	xtcp_tw_timer_arm(tw);
}

/* After tw is dead (never armed again): wait out a running handler. */
bool xtcp_tw_timer_stop_sync(struct xtcp_tw *tw)
{
	return hrtimer_cancel(&tw->timer);
}
