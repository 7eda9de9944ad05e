// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438), the default congestion control, as Linux's: after a
 * loss cwnd is cut to beta = 0.7 of itself and then follows
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,	K = cbrt((W_max - cwnd_epoch) / C)
 *
 * (C = 0.4, segments and seconds), concave up to the window of the last
 * loss, flat near it, convex beyond; never slower than Reno would be
 * (W_est, 4.3); fast convergence lowers W_max when losses come below it
 * (4.7). Slow start ends early (Linux's HyStart, both detectors: a
 * round's ACK train as long as half the least round trip, or a round
 * trip grown past the least by an eighth). Pure: no socket, the clock
 * passed in; KUnit checks the curve against the formula.
 */
#include <kunit/visibility.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <uapi/linux/xtcp.h>

#include "xtcp/cong.h"
#include "xtcp/seq.h"

#define CUBIC_BETA_1024		717	/* beta = 0.7 */
#define CUBIC_C_1000		400	/* C = 0.4 */
#define CUBIC_ALPHA_1000	529	/* 3 * (1 - beta) / (1 + beta), RFC 9438 4.3 */
#define HYSTART_LOW_WINDOW	16	/* segments: no HyStart below (Linux's) */
#define HYSTART_MIN_SAMPLES	8	/* round trips taken before the delay is judged */
#define HYSTART_DELAY_MIN_US	4000	/* the delay threshold's bounds */
#define HYSTART_DELAY_MAX_US	16000
#define HYSTART_ACK_DELTA_US	2000	/* ACKs this close make a train */

/* The integer cube root of x (binary search: a few dozen steps, once an epoch). */
static u64 cubic_cbrt(u64 x)
{
	u64 lo = 0, hi = 2642245;	/* 2642245^3 > 2^64 - 1 */

	while (lo < hi) {
		u64 mid = (lo + hi + 1) / 2;

		if (mid * mid * mid <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * At the start, and after an RTO (Linux's cubictcp_state() on
 * TCP_CA_Loss, after ssthresh was taken): no W_max, no epoch, no least
 * round trip, a new HyStart round; the path is learnt again.
 */
static void cubic_init(struct xtcp_cc *cc)
{
	memset(&cc->cubic, 0, sizeof(cc->cubic));
}

/*
 * A loss (RFC 9438 4.6, 4.7): ssthresh = beta * cwnd, at least two
 * segments; W_max is the cwnd it came at, or less when the last loss came
 * higher (fast convergence: another flow needs room). A new epoch begins
 * with the next avoidance ACK.
 */
static u32 cubic_ssthresh(struct xtcp_cc *cc, u32 flight, u32 mss)
{
	struct xtcp_cubic *c = &cc->cubic;

	if (cc->cwnd < c->w_max)
		c->w_max = (u64)cc->cwnd * (1024 + CUBIC_BETA_1024) / 2048;
	else
		c->w_max = cc->cwnd;
	c->epoch_ns = 0;
	return max_t(u32, (u64)cc->cwnd * CUBIC_BETA_1024 / 1024, 2 * mss);
}

/* W_cubic(t) in bytes, t in ms since the epoch began (RFC 9438 eq. 1). */
static u32 cubic_target(const struct xtcp_cubic *c, u64 t_ms, u32 mss)
{
	s64 d = clamp_t(s64, (s64)t_ms - c->k_ms, -1000000, 1000000);
	/* C * d^3 segments, d in ms: d^3 * 0.4 / 10^9 = d^3 / 2.5 * 10^9. */
	s64 segs = div64_s64(d * d * d, 1000000000000LL / CUBIC_C_1000);
	s64 bytes = (s64)c->origin + segs * mss;

	return clamp_t(s64, bytes, mss, U32_MAX);
}

/*
 * Avoidance (RFC 9438 4.2-4.4): toward W_cubic one round trip ahead, by
 * (target - cwnd) / cwnd per byte acknowledged, at most half a segment per
 * segment (the target is capped at 1.5 cwnd); Reno's pace if that is
 * faster (W_est).
 */
static void cubic_cong_avoid(struct xtcp_cc *cc, u32 acked, u32 mss, u64 now_ns)
{
	struct xtcp_cubic *c = &cc->cubic;
	u32 target, grow;
	u64 t_ns;

	if (!c->epoch_ns) {
		c->epoch_ns = now_ns ?: 1;
		c->acc = 0;
		c->est_acc = 0;
		c->w_est = cc->cwnd;
		if (c->w_max > cc->cwnd) {
			/* K in ms: cbrt((W_max - cwnd) / C) s, segments. */
			u64 segs_1000 = div_u64((u64)(c->w_max - cc->cwnd) * 1000, mss);

			c->k_ms = cubic_cbrt(div_u64(segs_1000 * 1000000000ULL, CUBIC_C_1000));
			c->origin = c->w_max;
		} else {
			c->k_ms = 0;
			c->origin = cc->cwnd;
		}
	}
	/* Reno-friendly: W_est grows alpha segments per cwnd acknowledged. */
	c->est_acc += (u64)acked * CUBIC_ALPHA_1000 * mss / 1000;
	if (c->est_acc >= cc->cwnd) {
		u64 inc = div_u64(c->est_acc, cc->cwnd);

		c->w_est = min_t(u64, (u64)c->w_est + inc, U32_MAX);
		c->est_acc -= inc * cc->cwnd;
	}
	/* The target one least round trip ahead, as Linux's (t + delay_min). */
	t_ns = now_ns - c->epoch_ns + (u64)c->delay_min_us * NSEC_PER_USEC;
	target = cubic_target(c, div_u64(t_ns, NSEC_PER_MSEC), mss);
	target = min_t(u64, target, (u64)cc->cwnd * 3 / 2);
	/* No loss yet, no W_max to aim at: 5% a round trip at least (Linux's cnt <= 20). */
	if (!c->w_max)
		target = max_t(u64, target, (u64)cc->cwnd * 21 / 20);
	target = max(target, c->w_est);
	if (target <= cc->cwnd)
		return;
	c->acc += (u64)acked * (target - cc->cwnd);
	grow = min_t(u64, div_u64(c->acc, cc->cwnd), acked / 2 + 1);
	c->acc -= min_t(u64, c->acc, (u64)grow * cc->cwnd);
	cc->cwnd = min_t(u64, (u64)cc->cwnd + grow, U32_MAX);
}

/* A new HyStart round: it ends when what is sent now is acknowledged. */
static void hystart_reset(struct xtcp_cubic *c, const struct xtcp_ack_sample *s, u32 now_us)
{
	c->round_start_us = now_us;
	c->last_ack_us = now_us;
	c->round_end = s->snd_nxt;
	c->round_min_us = U32_MAX;
	c->round_samples = 0;
}

/*
 * An ACK that measured a round trip (Linux's cubictcp_acked() and
 * hystart_update()). The least round trip is kept (not in the second after
 * a reduction, whose samples the recovery skews). In slow start at 16
 * segments or more, HyStart ends it (ssthresh = cwnd) when either
 *  - the ACK train, ACKs each within 2 ms of the last since the round
 *    began, lasts longer than half the least round trip plus a GSO
 *    allowance: cwnd is about to fill the path (xtcp does not pace, so
 *    Linux's half applies), or
 *  - the least of the round's round trips, once 8 are taken, exceeds the
 *    least round trip by an eighth of it (4 to 16 ms): a queue builds.
 */
static void cubic_rtt_sample(struct xtcp_cc *cc, const struct xtcp_ack_sample *s)
{
	struct xtcp_cubic *c = &cc->cubic;
	u32 now_us = (u32)div_u64(s->now_ns, NSEC_PER_USEC);
	u32 delay = max_t(u32, s->rtt_us, 1);

	if (c->epoch_ns && s->now_ns - c->epoch_ns < NSEC_PER_SEC)
		return;
	if (!c->delay_min_us || delay < c->delay_min_us)
		c->delay_min_us = delay;
	if (cc->cwnd >= cc->ssthresh)
		return;
	if (!c->round_end || xtcp_seq_after(s->snd_una, c->round_end))
		hystart_reset(c, s, now_us);
	if (cc->cwnd < HYSTART_LOW_WINDOW * s->mss)
		return;
	if ((s32)(now_us - c->last_ack_us) <= HYSTART_ACK_DELTA_US) {
		c->last_ack_us = now_us;
		if ((s32)(now_us - c->round_start_us) > (c->delay_min_us + s->ack_delay_us) / 2) {
			cc->ssthresh = cc->cwnd;
			return;
		}
	}
	c->round_min_us = min(c->round_min_us, delay);
	if (c->round_samples < HYSTART_MIN_SAMPLES) {
		c->round_samples++;
		return;
	}
	if (c->round_min_us > c->delay_min_us +
	    clamp_t(u32, c->delay_min_us / 8, HYSTART_DELAY_MIN_US, HYSTART_DELAY_MAX_US))
		cc->ssthresh = cc->cwnd;	/* the queue grows: slow start is over */
}

const struct xtcp_cc_ops xtcp_cubic_ops = {
	.name = "cubic",
	.id = XTCP_CC_CUBIC,
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.loss = cubic_init,
	.rtt_sample = cubic_rtt_sample,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_cubic_ops);
