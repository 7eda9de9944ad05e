/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timestamps option (RFC 7323 sections 3-5) as pure arithmetic
 * (timestamps.c): our TSval clock, which TSval is kept to echo
 * (TS.Recent), PAWS, and round trips from TSecr. The socket keeps a
 * struct xtcp_ts in its TCB; state.c, input.c and xmit.c call these.
 */
#ifndef _XTCP_TIMESTAMPS_H
#define _XTCP_TIMESTAMPS_H

#include <linux/math64.h>
#include <linux/time64.h>
#include <linux/types.h>

#define XTCP_TS_ALIGNED		12	/* NOP, NOP, kind 8, length 10, TSval, TSecr */
#define XTCP_PAWS_WINDOW	1	/* a TSval this far behind passes (Linux's) */
#define XTCP_PAWS_IDLE_S	(24 * 24 * 60 * 60)	/* RFC 7323 5.5: 24 days */

struct xtcp_ts {
	u32 recent;		/* TS.Recent: the TSval our ACKs echo (4.3) */
	u32 recent_s;		/* the clock's second when it was kept; 0: never */
	u32 offset;		/* added to the millisecond clock for our TSval */
	u32 syn_tsval;		/* SYN_SENT: the TSval of our first SYN */
	u8 ok;			/* in use (SYN_SENT: offered) */
};

/* RFC 7323 5.4: a TSval clock of a millisecond a tick, as Linux's. */
static inline u32 xtcp_ts_now(u64 now_ns, u32 offset)
{
	return (u32)div_u64(now_ns, NSEC_PER_MSEC) + offset;
}

/*
 * The payload a segment carries beside the option (Linux's mss_cache), as
 * long as that leaves some: a peer may announce a tiny MSS.
 */
static inline u16 xtcp_ts_mss(u16 mss)
{
	return mss > 2 * XTCP_TS_ALIGNED ? mss - XTCP_TS_ALIGNED : mss;
}

static inline u32 xtcp_ts_second(u64 now_ns)
{
	return (u32)div_u64(now_ns, NSEC_PER_SEC) ?: 1;
}

bool xtcp_paws_ok(const struct xtcp_ts *ts, u32 tsval, u64 now_ns);
bool xtcp_ts_store(struct xtcp_ts *ts, u32 tsval, u32 seq, u32 rcv_wup, u64 now_ns);
u32 xtcp_ts_rtt_us(const struct xtcp_ts *ts, u32 tsecr, u64 now_ns);
bool xtcp_ts_newer_syn(const struct xtcp_ts *ts, u32 tsval);
struct net;
void xtcp_ts_offer(struct xtcp_ts *ts, struct net *net, __be32 laddr, __be32 raddr);
void xtcp_ts_answer(struct xtcp_ts *ts, struct net *net, __be32 laddr, __be32 raddr);

#endif /* _XTCP_TIMESTAMPS_H */
