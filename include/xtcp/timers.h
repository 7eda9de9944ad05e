/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every timer (timers.c lists them), named by purpose, and the event hooks
 * the rest of xtcp calls: nothing outside timers.c arms or stops a timer.
 * And the clock: every time xtcp reads comes from xtcp_clock_ns().
 */
#ifndef _XTCP_TIMERS_H
#define _XTCP_TIMERS_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

struct net;
struct sock;
struct xtcp_net;
struct xtcp_req;
struct xtcp_timer_cfg;
struct xtcp_tw;

/* A timer's purpose; several share one hrtimer, one purpose at a time. */
enum xtcp_timer {
	XTCP_TIMER_OFF,
	XTCP_TIMER_RETRANSMIT,	/* RFC 6298: rtx_timer */
	XTCP_TIMER_PERSIST,	/* RFC 9293 3.8.6.1: rtx_timer */
	XTCP_TIMER_KEEPALIVE,	/* RFC 9293 3.8.4: state_timer */
	XTCP_TIMER_FIN_WAIT2,	/* orphaned FIN_WAIT2 (tcp_fin_timeout): state_timer */
	XTCP_TIMER_DELACK,	/* RFC 9293 3.8.6.3: delack_timer */
	XTCP_TIMER_TIME_WAIT,	/* 2*MSL: the TIME_WAIT entry's timer */
	XTCP_TIMER_REORDER,	/* RFC 8985 6.3, RACK's reordering window: rtx_timer */
	XTCP_TIMER_LOSS_PROBE,	/* RFC 8985 7, a tail loss probe: rtx_timer */
	XTCP_TIMER_MAX
};

const char *xtcp_timer_name(enum xtcp_timer which);

#if IS_ENABLED(CONFIG_KUNIT)
extern s64 xtcp_clock_skew_ns;	/* KUnit moves xtcp's clock forward */
#endif

/* CLOCK_MONOTONIC in ns, the one clock xtcp reads. */
static inline u64 xtcp_clock_ns(void)
{
#if IS_ENABLED(CONFIG_KUNIT)
	return ktime_get_ns() + READ_ONCE(xtcp_clock_skew_ns);
#else
	return ktime_get_ns();
#endif
}

/* A time xtcp_clock_ns() gave, as the hrtimers' CLOCK_MONOTONIC. */
static inline ktime_t xtcp_clock_ktime(u64 ns)
{
#if IS_ENABLED(CONFIG_KUNIT)
	return ns_to_ktime(ns - READ_ONCE(xtcp_clock_skew_ns));
#else
	return ns_to_ktime(ns);
#endif
}

void xtcp_timers_init(struct sock *sk);
enum xtcp_timer xtcp_timer_armed(struct sock *sk, s64 *ms_left);

/* Events. */
void xtcp_timers_arm(struct sock *sk, enum xtcp_timer which, u64 ns);
void xtcp_timers_data_sent(struct sock *sk, u64 now_ns);
void xtcp_timers_ack_received(struct sock *sk, u64 now_ns);
void xtcp_timers_reorder(struct sock *sk, u64 ns);
void xtcp_timers_rearm(struct sock *sk);
void xtcp_timers_send_blocked(struct sock *sk);
void xtcp_timers_peer_heard(struct sock *sk, u64 now_ns);
void xtcp_timers_keepalive_changed(struct sock *sk, bool on);
void xtcp_timers_orphan_fin_wait2(struct sock *sk);
void xtcp_timers_ack_owed(struct sock *sk, u64 now_ns);
void xtcp_timers_ack_sent(struct sock *sk);
void xtcp_timers_connection_done(struct sock *sk);
void xtcp_timers_stop_sync(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
bool xtcp_timer_fire_now(struct sock *sk, enum xtcp_timer which);
bool xtcp_hrtimer_fire_now(struct hrtimer *t);

/* What is left of t, in whole milliseconds (/proc). */
static inline s64 xtcp_ms_left(const struct hrtimer *t)
{
	return max_t(s64, ktime_to_ms(hrtimer_get_remaining(t)), 0);
}

/* TIME_WAIT's entries: one queue and one timer a namespace. */
void xtcp_tw_timers_init_net(struct xtcp_net *xn);
void xtcp_tw_timers_exit_net(struct xtcp_net *xn);
void xtcp_tw_timer_arm(struct xtcp_tw *tw);
bool xtcp_tw_timer_stop(struct xtcp_tw *tw);
s64 xtcp_tw_timer_ms_left(const struct xtcp_tw *tw);
void xtcp_tw_timers_run(struct xtcp_net *xn);

/* A request's SYN,ACK timer. */
void xtcp_req_timer_init(struct xtcp_req *req);
void xtcp_req_timer_arm(struct xtcp_req *req, u64 ns);
bool xtcp_req_timer_stop(struct xtcp_req *req);
s64 xtcp_req_timer_ms_left(const struct xtcp_req *req);
bool xtcp_req_timer_fire_now(struct xtcp_req *req);

void xtcp_timer_cfg_net(struct net *net, struct xtcp_timer_cfg *cfg);

#endif /* _XTCP_TIMERS_H */
