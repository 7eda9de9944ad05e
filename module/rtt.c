// SPDX-License-Identifier: GPL-2.0
/*
 * Round-trip time and the retransmission timeout (RFC 6298): the estimator
 * and the backoff as pure functions, and their application to a socket.
 */
#include <kunit/visibility.h>
#include <linux/minmax.h>
#include <linux/math64.h>
#include <linux/time64.h>

#include "xtcp/rtt.h"
#include "xtcp/sock.h"

/* RFC 6298 5.5: back off by doubling, up to the maximum. */
u32 xtcp_rto_backoff_ms(u32 rto_ms, unsigned int retries, u32 max_ms)
{
	u64 t = rto_ms;

	if (retries >= 32)
		return max_ms;
	t <<= retries;
	return t > max_ms ? max_ms : (u32)t;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rto_backoff_ms);

/*
 * RFC 6298 2.2 and 2.3: fold one round-trip measurement R into SRTT and
 * RTTVAR (alpha 1/8, beta 1/4). Callers follow Karn's rule (section 3): no
 * measurement from a segment that was retransmitted.
 */
void xtcp_rtt_sample(struct xtcp_rtt *rtt, u32 r_us)
{
	u32 delta;

	r_us = max(r_us, 1u);	/* srtt_us == 0 means "no measurement" */
	if (!rtt->min_rtt_us || r_us < rtt->min_rtt_us)
		rtt->min_rtt_us = r_us;
	if (!rtt->srtt_us) {
		rtt->srtt_us = r_us;
		rtt->rttvar_us = r_us / 2;
		return;
	}
	delta = rtt->srtt_us > r_us ? rtt->srtt_us - r_us : r_us - rtt->srtt_us;
	rtt->rttvar_us = (3 * (u64)rtt->rttvar_us + delta) / 4;
	rtt->srtt_us = (7 * (u64)rtt->srtt_us + r_us) / 8;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_sample);

/*
 * RTO = SRTT + max(G, 4 * RTTVAR) (2.2, 2.3; G is 1 us here), 1 s before any
 * measurement (2.1), kept within [min_ms, max_ms] (2.4, 2.5: the minimum is
 * a sysctl, 200 ms by default as in Linux, not RFC 6298's 1 s).
 */
u32 xtcp_rto_ms(const struct xtcp_rtt *rtt, u32 min_ms, u32 max_ms)
{
	u64 us = 1000000;

	if (rtt->srtt_us)
		us = rtt->srtt_us + max_t(u64, 1, 4 * (u64)rtt->rttvar_us);
	return clamp_t(u64, DIV_ROUND_UP_ULL(us, 1000), min(min_ms, max_ms), max_ms);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rto_ms);

/*
 * A round trip of r_us was measured (0: none, just apply the sysctls),
 * and newest_us by the newest segment the ACK covers (at most r_us; the
 * least round trip takes it, as Linux's tcp_update_rtt_min()): the RTO
 * follows RFC 6298 from now on.
 */
void xtcp_rtt_update(struct sock *sk, u32 r_us, u32 newest_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_sk_net(sk);

	if (r_us)
		xtcp_rtt_sample(&xs->rtt, r_us);
	if (newest_us && newest_us < xs->rtt.min_rtt_us)
		xs->rtt.min_rtt_us = newest_us;
	xs->tcb.rto_ms = xtcp_rto_ms(&xs->rtt, READ_ONCE(xn->rto_min_ms),
				     READ_ONCE(xn->rto_max_ms));
}
