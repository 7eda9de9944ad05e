// SPDX-License-Identifier: GPL-2.0
/*
 * Timestamps (RFC 7323 sections 3-5), as Linux keeps them: a millisecond
 * TSval clock with a per-connection offset, TS.Recent and its rules, PAWS,
 * and round trips measured from the echo. Comparisons are modulo 2^32, as
 * sequence numbers' (5.2).
 */
#include <kunit/visibility.h>
#include <linux/net.h>
#include <linux/siphash.h>

#include "xtcp/seq.h"
#include "xtcp/timestamps.h"
#include "xtcp/xtcp.h"

/*
 * RFC 7323 5.3 R1 (Linux's tcp_paws_check()): tsval passes unless it is
 * older than TS.Recent (by more than XTCP_PAWS_WINDOW). A TS.Recent never
 * set, or kept more than 24 days ago (5.5: the clock may have wrapped on
 * an idle connection), passes anything.
 */
bool xtcp_paws_ok(const struct xtcp_ts *ts, u32 tsval, u64 now_ns)
{
	if ((s32)(ts->recent - tsval) <= XTCP_PAWS_WINDOW)
		return true;
	if (!ts->recent_s)
		return true;
	return xtcp_ts_second(now_ns) - ts->recent_s >= XTCP_PAWS_IDLE_S;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_paws_ok);

/*
 * RFC 7323 4.3 (2): a segment at or before Last.ACK.sent (RCV.WUP: what
 * our last ACK said) that passes PAWS gives TS.Recent its TSval, so our
 * ACKs echo the earliest segment they answer and a delayed ACK's round
 * trip includes the delay. True if it was kept.
 */
bool xtcp_ts_store(struct xtcp_ts *ts, u32 tsval, u32 seq, u32 rcv_wup, u64 now_ns)
{
	if (xtcp_seq_after(seq, rcv_wup))
		return false;
	if ((s32)(tsval - ts->recent) < 0 && ts->recent_s &&
	    xtcp_ts_second(now_ns) - ts->recent_s < XTCP_PAWS_IDLE_S)
		return false;
	ts->recent = tsval;
	ts->recent_s = xtcp_ts_second(now_ns);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_store);

/*
 * RFC 7323 4.1: the round trip of the segment whose TSval an ACK echoes,
 * in microseconds (at least one tick: 1 ms); 0 for no sample: no echo
 * (a TSecr of 0 is none, as Linux takes it), or one from the future or
 * over 24 days old.
 */
u32 xtcp_ts_rtt_us(const struct xtcp_ts *ts, u32 tsecr, u64 now_ns)
{
	u32 delta = xtcp_ts_now(now_ns, ts->offset) - tsecr;

	if (!tsecr || (s32)delta < 0 || delta > XTCP_PAWS_IDLE_S * MSEC_PER_SEC)
		return 0;
	return max(delta, 1u) * USEC_PER_MSEC;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_rtt_us);

/*
 * RFC 6191 2: a SYN may reopen a connection in TIME_WAIT if its TSval is
 * newer than the last one the old incarnation saw.
 */
bool xtcp_ts_newer_syn(const struct xtcp_ts *ts, u32 tsval)
{
	return (s32)(tsval - ts->recent) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ts_newer_syn);

static siphash_key_t xtcp_ts_key __read_mostly;

/*
 * Our TSval's offset for a connection between laddr and raddr, as Linux's
 * secure_tcp_ts_off(): a keyed hash, so the clock tells nothing of the
 * host's uptime, and a SYN cookie's connection gets the offset its
 * SYN,ACK used. net.xtcp.timestamps 2: no offset (tcp_timestamps 2).
 */
static u32 xtcp_ts_offset(__be32 laddr, __be32 raddr, int mode)
{
	if (mode != 1)
		return 0;
	net_get_random_once(&xtcp_ts_key, sizeof(xtcp_ts_key));
	return siphash_2u32((__force u32)laddr, (__force u32)raddr, &xtcp_ts_key);
}

/* What our SYN offers (RFC 7323 3.2): timestamps if net.xtcp.timestamps says so. */
void xtcp_ts_offer(struct xtcp_ts *ts, struct net *net, __be32 laddr, __be32 raddr)
{
	int mode = READ_ONCE(xtcp_net(net)->timestamps);

	memset(ts, 0, sizeof(*ts));
	ts->ok = mode != 0;
	ts->offset = xtcp_ts_offset(laddr, raddr, mode);
}

/*
 * What our SYN,ACK answers a SYN with: timestamps only if it offered them
 * (ts->ok on entry) and we would offer them; TS.Recent stays the SYN's TSval.
 */
void xtcp_ts_answer(struct xtcp_ts *ts, struct net *net, __be32 laddr, __be32 raddr)
{
	bool offered = ts->ok;
	u32 tsval = ts->recent;

	xtcp_ts_offer(ts, net, laddr, raddr);
	ts->ok = ts->ok && offered;
	ts->recent = tsval;
}
