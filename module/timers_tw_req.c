// SPDX-License-Identifier: GPL-2.0
/*
 * The timers of what is not a socket (timers.c lists every timer):
 *
 *   time_wait    xn->tw_timer: a namespace's TIME_WAIT entries wait in one
 *                queue in order of expiry, under one hrtimer for the first.
 *   retransmit   req->timer: a request's SYN,ACK sent again (request.c).
 *
 * Each armed timer holds a reference on its object; teardown cancels
 * synchronously.
 */
#include <kunit/visibility.h>

#include "xtcp/request.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"

/*
 * End every entry whose 2*MSL is over, then arm the timer for the next.
 * An entry leaves the queue dead, so nothing queues it again; the queue's
 * reference is then the caller's.
 */
static void xtcp_tw_timers_reap(struct xtcp_net *xn, u64 until_ns)
{
	struct xtcp_tw *tw;

	for (;;) {
		spin_lock_bh(&xn->tw_lock);
		tw = list_first_entry_or_null(&xn->tw_queue, struct xtcp_tw, queue);
		if (!tw || tw->expires_ns > until_ns)
			break;
		list_del_init(&tw->queue);
		WRITE_ONCE(tw->dead, 1);
		spin_unlock_bh(&xn->tw_lock);
		xtcp_tw_expire(tw);
	}
	/* From inside the handler too: hrtimer_start() re-queues a running timer. */
	if (tw)
		hrtimer_start(&xn->tw_timer, ns_to_ktime(tw->expires_ns - until_ns),
			      HRTIMER_MODE_REL_SOFT);
	spin_unlock_bh(&xn->tw_lock);
}

/* The time_wait timer fired, or KUnit moved the clock past 2*MSL. */
void xtcp_tw_timers_run(struct xtcp_net *xn)
{
	xtcp_tw_timers_reap(xn, xtcp_clock_ns());
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_timers_run);

static enum hrtimer_restart xtcp_tw_fire(struct hrtimer *t)
{
	xtcp_tw_timers_run(container_of(t, struct xtcp_net, tw_timer));
	return HRTIMER_NORESTART;
}

void xtcp_tw_timers_init_net(struct xtcp_net *xn)
{
	spin_lock_init(&xn->tw_lock);
	INIT_LIST_HEAD(&xn->tw_queue);
	hrtimer_init(&xn->tw_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xn->tw_timer.function = xtcp_tw_fire;
}

/* The namespace goes, its entries flushed: the timer stops, and anything left ends. */
void xtcp_tw_timers_exit_net(struct xtcp_net *xn)
{
	xtcp_tw_timers_reap(xn, U64_MAX);
	/* A handler that ran meanwhile may have armed it for what just ended. */
	hrtimer_cancel(&xn->tw_timer);
}

/*
 * TIME_WAIT lasts 2*MSL from entry, and again from each retransmitted FIN
 * (RFC 9293 3.10.7.4): the entry goes to the queue's tail (further in only
 * if net.xtcp.msl shrank since older entries came). A dead entry is never
 * queued again. The queue holds a reference.
 */
void xtcp_tw_timer_arm(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_net(read_pnet(&tw->net));
	u64 now_ns = xtcp_clock_ns();
	struct xtcp_tw *pos;

	spin_lock_bh(&xn->tw_lock);
	if (tw->dead)
		goto out;
	if (list_empty(&tw->queue))
		refcount_inc(&tw->refcnt);
	else
		list_del(&tw->queue);
	tw->expires_ns = now_ns + 2ULL * READ_ONCE(xn->msl_ms) * NSEC_PER_MSEC;
	list_for_each_entry_reverse(pos, &xn->tw_queue, queue)
		if (pos->expires_ns <= tw->expires_ns)
			break;
	list_add(&tw->queue, &pos->queue);
	/* First in the queue: the timer is for it (else for one before it). */
	if (xn->tw_queue.next == &tw->queue)
		hrtimer_start(&xn->tw_timer, ns_to_ktime(tw->expires_ns - now_ns),
			      HRTIMER_MODE_REL_SOFT);
out:
	spin_unlock_bh(&xn->tw_lock);
}

/* For /proc: the milliseconds TIME_WAIT has left. */
s64 xtcp_tw_timer_ms_left(const struct xtcp_tw *tw)
{
	s64 left_ns = (s64)(READ_ONCE(tw->expires_ns) - xtcp_clock_ns());

	return max_t(s64, div_s64(left_ns, NSEC_PER_MSEC), 0);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_timer_ms_left);

/*
 * tw is dead (xtcp_tw_unhash()): out of the queue. True if this call took
 * it out, and with it the queue's reference. The timer stays for the
 * others: one that finds nothing due only arms itself again.
 */
bool xtcp_tw_timer_stop(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_net(read_pnet(&tw->net));
	bool queued;

	spin_lock_bh(&xn->tw_lock);
	queued = !list_empty(&tw->queue);
	list_del_init(&tw->queue);
	spin_unlock_bh(&xn->tw_lock);
	return queued;
}

static enum hrtimer_restart xtcp_req_fire(struct hrtimer *t)
{
	struct xtcp_req *req = container_of(t, struct xtcp_req, timer);

	xtcp_req_expire(req);
	xtcp_req_put(req);
	return HRTIMER_NORESTART;
}

void xtcp_req_timer_init(struct xtcp_req *req)
{
	hrtimer_init(&req->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	req->timer.function = xtcp_req_fire;
}

/*
 * The request's SYN,ACK goes again in ns (its RTO, backed off: timeout.c
 * decides). A dead request is never armed again; an armed timer holds a
 * reference, a pending or running instance's carrying over.
 */
void xtcp_req_timer_arm(struct xtcp_req *req, u64 ns)
{
	int was;

	spin_lock_bh(&req->lock);
	if (!req->dead) {
		was = hrtimer_try_to_cancel(&req->timer);
		hrtimer_start(&req->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_SOFT);
		if (was != 1)
			refcount_inc(&req->refcnt);
	}
	spin_unlock_bh(&req->lock);
}

/*
 * After req is dead: stop a pending expiry; true if one was (its reference
 * is the caller's to drop). A handler already running, this one's own
 * included, finds the request dead and drops its own.
 */
bool xtcp_req_timer_stop(struct xtcp_req *req)
{
	return hrtimer_try_to_cancel(&req->timer) == 1;
}

/* For /proc: the milliseconds before the request's SYN,ACK goes again. */
s64 xtcp_req_timer_ms_left(const struct xtcp_req *req)
{
	return xtcp_ms_left(&req->timer);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_timer_ms_left);

/* For KUnit: the request's SYN,ACK timer expires now. */
bool xtcp_req_timer_fire_now(struct xtcp_req *req)
{
	return hrtimer_is_queued(&req->timer) && xtcp_hrtimer_fire_now(&req->timer);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_timer_fire_now);
