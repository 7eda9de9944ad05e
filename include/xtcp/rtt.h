/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Round-trip time and the retransmission timeout (RFC 6298): the estimator
 * and the backoff are pure (KUnit drives them); xtcp_rtt_update() applies a
 * measurement to a socket.
 */
#ifndef _XTCP_RTT_H
#define _XTCP_RTT_H

#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include <linux/types.h>

struct sock;

/* RFC 6298's estimator, in microseconds; srtt_us == 0: no measurement yet. */
struct xtcp_rtt {
	u32 srtt_us;
	u32 rttvar_us;
	u32 min_rtt_us;		/* the least seen (RACK's reordering window); 0: none */
};

void xtcp_rtt_sample(struct xtcp_rtt *rtt, u32 r_us);
u32 xtcp_rto_ms(const struct xtcp_rtt *rtt, u32 min_ms, u32 max_ms);
u32 xtcp_rto_backoff_ms(u32 rto_ms, unsigned int retries, u32 max_ms);

/* The same, as a timer's expiry from now: every RTO-based timer is armed at this. */
static inline u64 xtcp_rto_backoff_ns(u32 rto_ms, unsigned int retries, u32 max_ms)
{
	return (u64)xtcp_rto_backoff_ms(rto_ms, retries, max_ms) * NSEC_PER_MSEC;
}

/* From sent_ns to now_ns in microseconds; under one (loopback, a coarse clock) is 1. */
static inline u32 xtcp_us_since(u64 now_ns, u64 sent_ns)
{
	return clamp_t(u64, div_u64(now_ns - sent_ns, NSEC_PER_USEC), 1, U32_MAX);
}

void xtcp_rtt_update(struct sock *sk, u32 r_us, u32 newest_us);

#endif /* _XTCP_RTT_H */
