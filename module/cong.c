// SPDX-License-Identifier: GPL-2.0
/*
 * NewReno: slow start and congestion avoidance (RFC 5681 3.1), fast
 * retransmit and fast recovery (RFC 5681 3.2) with RFC 6582's partial
 * acknowledgments, and the loss window after a timeout. No socket, no
 * clock: output.c and input.c call these and do what they say.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/xtcp.h>

#include "xtcp/cong.h"
#include "xtcp/seq.h"

#define XTCP_DUPACK_THRESHOLD	3

/* NewReno (Linux's "reno"). RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
u32 xtcp_reno_ssthresh(struct xtcp_cc *cc, u32 flight, u32 mss)
{
	return max(flight / 2, 2 * mss);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reno_ssthresh);

/* Avoidance: one SMSS per cwnd of bytes acknowledged (RFC 5681 3.1, RFC 3465 2.1). */
void xtcp_reno_cong_avoid(struct xtcp_cc *cc, u32 acked, u32 mss, u64 now_ns)
{
	cc->bytes_acked += acked;
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		if (cc->cwnd <= U32_MAX - mss)
			cc->cwnd += mss;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reno_cong_avoid);

const struct xtcp_cc_ops xtcp_reno_ops = {
	.name = "reno",
	.id = XTCP_CC_RENO,
	.ssthresh = xtcp_reno_ssthresh,
	.cong_avoid = xtcp_reno_cong_avoid,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_reno_ops);

/* The algorithms, in the order net.xtcp.available_congestion_control lists them. */
static const struct xtcp_cc_ops *const xtcp_cc_all[] = { &xtcp_reno_ops, &xtcp_cubic_ops };

/* The algorithm called name, or NULL (TCP_CONGESTION's ENOENT). */
const struct xtcp_cc_ops *xtcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_cc_all); i++)
		if (!strcmp(xtcp_cc_all[i]->name, name))
			return xtcp_cc_all[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_find);

/* Their names, space-separated, as tcp_available_congestion_control. */
void xtcp_cc_available(char *buf, size_t len)
{
	unsigned int i;
	size_t off = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(xtcp_cc_all) && off < len; i++)
		off += scnprintf(buf + off, len - off, "%s%s", i ? " " : "", xtcp_cc_all[i]->name);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_available);

/*
 * RFC 6928's initial window: min(10 * MSS, max(2 * MSS, 14600)), and the
 * algorithm ops (its own state from the start).
 */
void xtcp_cc_init(struct xtcp_cc *cc, u32 mss, u32 iss, const struct xtcp_cc_ops *ops)
{
	memset(cc, 0, sizeof(*cc));
	cc->ops = ops;
	cc->cwnd = min(10 * mss, max(2 * mss, 14600u));
	cc->ssthresh = U32_MAX;
	cc->recover = iss;
	cc->usage_seq = iss;
	cc->bytes_acked = 0;
	cc->dupacks = 0;
	cc->in_recovery = false;
	cc->sack = false;
	cc->undo_ok = false;
	if (ops->init)
		ops->init(cc);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_init);

/* A reduction begins at SND.UNA snd_una: remember what it replaces (tcp_init_undo()). */
static void xtcp_cc_undo_mark(struct xtcp_cc *cc, u32 snd_una)
{
	cc->undo_ok = true;
	cc->undo_marker = snd_una;
	cc->undo_retrans = 0;
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
}

/*
 * A segment went again, with TSval tsval, while a reduction may be undone;
 * the first one's TSval is what Eifel compares echoes with (RFC 3522 2).
 */
void xtcp_cc_retransmitted(struct xtcp_cc *cc, u32 tsval)
{
	if (!cc->undo_ok)
		return;
	if (!cc->undo_retrans)
		cc->retrans_tsval = tsval;
	if (cc->undo_retrans < U32_MAX)
		cc->undo_retrans++;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_retransmitted);

/*
 * The reduction was spurious: cwnd and ssthresh back, recovery over
 * (tcp_undo_cwnd_reduction()). The episode is forgotten with it: a loss
 * found next starts a recovery of its own, as Linux returns to Open,
 * rather than being resent with the whole restored cwnd.
 */
void xtcp_cc_undo(struct xtcp_cc *cc)
{
	cc->cwnd = max(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, cc->prior_ssthresh);
	cc->in_recovery = false;
	cc->recover = cc->undo_marker - 1;
	cc->undo_ok = false;
	cc->bytes_acked = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_undo);

/*
 * Eifel detection (RFC 3522, Linux's tcp_packet_delayed()): an ACK of new
 * data whose TSecr is older than the first retransmission's TSval answers
 * a segment sent before it: the original arrived late, and the reduction
 * since undo_marker was for nothing (recovery.c decides when to undo it).
 */
bool xtcp_cc_eifel(const struct xtcp_cc *cc, u32 tsecr)
{
	return cc->undo_ok && cc->undo_retrans && tsecr &&
	       (s32)(tsecr - cc->retrans_tsval) < 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_eifel);

/*
 * A DSACK (RFC 2883) says the peer got segs segments ending at end_seq
 * twice. One sent since the reduction began was retransmitted for
 * nothing; when every retransmission of the episode is so shown, the
 * reduction was spurious and is undone (RFC 3708 3, Linux's
 * tcp_try_undo_dsack()): cwnd and ssthresh back, recovery over. True if
 * it was undone. Unlike Linux, a DSACK after recovery ended still undoes:
 * without timestamps (Eifel, below), it is the only proof, and it comes a
 * round trip late.
 */
bool xtcp_cc_dsack(struct xtcp_cc *cc, u32 end_seq, u32 segs)
{
	if (!cc->undo_ok || !cc->undo_retrans || !xtcp_seq_after(end_seq, cc->undo_marker))
		return false;
	cc->undo_retrans -= min(segs, cc->undo_retrans);
	if (cc->undo_retrans)
		return false;
	xtcp_cc_undo(cc);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_dsack);

/*
 * An ACK moved SND.UNA to ack, acknowledging acked new bytes; flight is
 * what is still outstanding. True: retransmit the first unacknowledged
 * segment (a partial ACK in recovery, RFC 6582 3.2 step 3).
 */
bool xtcp_cc_ack(struct xtcp_cc *cc, u32 ack, u32 acked, u32 flight, u32 mss, u64 now_ns)
{
	cc->dupacks = 0;
	if (cc->in_recovery) {
		if (xtcp_seq_after_eq(ack, cc->recover)) {
			/* Full acknowledgment: deflate (RFC 6582 3.2 step 3, option 1). */
			cc->cwnd = min(cc->ssthresh, max(flight, mss) + mss);
			cc->in_recovery = false;
			return false;
		}
		/* With SACK the scoreboard resends the holes (RFC 6675): cwnd stays. */
		if (cc->sack)
			return false;
		/* Partial: deflate by what was acked, add back one SMSS if it acked one. */
		cc->cwnd -= min(acked, cc->cwnd - mss);
		if (acked >= mss)
			cc->cwnd += mss;
		return true;
	}
	/* cwnd grows only if it is what limits the sender (tcp_is_cwnd_limited()). */
	if (!cc->cwnd_limited && (cc->cwnd >= cc->ssthresh || cc->cwnd >= 2 * (u64)cc->max_flight))
		return false;
	/*
	 * Byte counting (RFC 3465), so the growth does not depend on how many
	 * ACKs come (the receiver delays every other one). Slow start as
	 * Linux's tcp_slow_start(): by everything acknowledged, a stretch ACK
	 * included (RFC 3465 with no limit L), up to ssthresh; what is left
	 * counts toward avoidance.
	 */
	if (cc->cwnd < cc->ssthresh) {
		u32 grow = min(acked, cc->ssthresh - cc->cwnd);

		cc->cwnd += grow;
		acked -= grow;
		if (!acked)
			return false;
	}
	/* Avoidance: the algorithm's. */
	cc->ops->cong_avoid(cc, acked, mss, now_ns);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_ack);

/*
 * Loss recovery begins (RFC 5681 3.2 step 2, RFC 6675 5 step 4.2), unless
 * the loss belongs to one already recovered from (RFC 6582 3.2 step 2):
 * ssthresh = max(FlightSize / 2, 2 * SMSS), and cwnd ssthresh plus the
 * three segments the duplicates say have left (NewReno), or ssthresh
 * (SACK: the scoreboard's pipe counts what has left). True: it began;
 * retransmit the first unacknowledged segment.
 */
bool xtcp_cc_recovery(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss)
{
	if (cc->in_recovery || !xtcp_seq_after(snd_una, cc->recover))
		return false;
	xtcp_cc_undo_mark(cc, snd_una);
	cc->ssthresh = cc->ops->ssthresh(cc, snd_nxt - snd_una, mss);
	cc->recover = snd_nxt;
	cc->cwnd = cc->ssthresh + (cc->sack ? 0 : XTCP_DUPACK_THRESHOLD * mss);
	cc->bytes_acked = 0;
	cc->in_recovery = true;
	cc->prr_delivered = 0;
	cc->prr_out = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_recovery);

/*
 * Proportional Rate Reduction (RFC 6937 section 3, Linux's
 * tcp_cwnd_reduction()), on every ACK of SACK recovery: cwnd is what is
 * in flight (pipe) plus what the ACKs' deliveries allow, so the sender
 * slows to ssthresh in step with the ACKs (ssthresh for every RecoverFS
 * delivered, RecoverFS being cwnd before the loss) rather than pausing,
 * then bursting; once pipe is at or under ssthresh, it grows back to it
 * no faster than slow start (PRR-SSRB). delivered: bytes this ACK newly
 * acknowledged or SACKed; una_advanced, newly_lost: it moved SND.UNA, it
 * marked something lost. The first retransmission always goes. An ACK
 * that delivered nothing is taken too, as RFC 6937 computes on every ACK
 * (Linux skips it): RACK marks by time, so such an ACK can mark much
 * lost, and cwnd left as it was would let all of it go at once.
 */
void xtcp_cc_prr(struct xtcp_cc *cc, u32 pipe, u32 delivered, u32 mss, bool una_advanced,
		 bool newly_lost)
{
	s64 sndcnt;

	if (!cc->in_recovery || !cc->sack || !cc->prior_cwnd)
		return;
	cc->prr_delivered += delivered;
	if (pipe > cc->ssthresh) {
		/* In whole segments, as Linux counts: a part of one rounds up. */
		u64 due = div_u64((u64)cc->ssthresh * cc->prr_delivered + cc->prior_cwnd - 1,
				  cc->prior_cwnd);

		sndcnt = (s64)roundup(due, (u64)mss) - cc->prr_out;
	} else {
		sndcnt = max_t(s64, (s64)cc->prr_delivered - cc->prr_out, delivered);
		if (una_advanced && !newly_lost)
			sndcnt += mss;
		sndcnt = min_t(s64, cc->ssthresh - pipe, sndcnt);
	}
	if (!cc->prr_out)
		sndcnt = max_t(s64, sndcnt, mss);
	cc->cwnd = max_t(s64, (s64)pipe + max_t(s64, sndcnt, 0), mss);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_prr);

/*
 * A duplicate ACK (RFC 5681 section 2's definition, checked by state.c).
 * Without SACK the third starts loss recovery (xtcp_cc_recovery()); in NewReno's
 * recovery later ones inflate cwnd, by at most what is in flight.
 */
bool xtcp_cc_dupack(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss)
{
	if (cc->in_recovery) {
		if (cc->sack)
			return false;
		/*
		 * A segment has left the network. No more can leave than are
		 * in flight: a peer repeating duplicates must not grow cwnd
		 * past ssthresh + FlightSize (nor wrap it).
		 */
		cc->cwnd = min(cc->cwnd + mss, cc->ssthresh + (snd_nxt - snd_una));
		return false;
	}
	/* With SACK, the scoreboard says when (IsLost), so reordering can be learnt. */
	if (++cc->dupacks != XTCP_DUPACK_THRESHOLD || cc->sack)
		return false;
	return xtcp_cc_recovery(cc, snd_una, snd_nxt, mss);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_dupack);

/*
 * What may be in flight: cwnd, and on the first and second duplicate ACK
 * one more segment each (RFC 3042 limited transmit; Linux gets the same
 * from counting each duplicate as a segment that left the network), so a
 * window too small for three duplicates still reaches fast retransmit.
 */
u32 xtcp_cc_send_window(const struct xtcp_cc *cc, u32 mss)
{
	/* With SACK, what the duplicates SACK leaves the pipe already. */
	if (cc->in_recovery || cc->sack)
		return cc->cwnd;
	return cc->cwnd + min_t(u32, min_t(u8, cc->dupacks, 2) * mss, U32_MAX - cc->cwnd);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_send_window);

/*
 * The sender pushed what it could (Linux's tcp_cwnd_validate()): flight is
 * in flight now, limited says cwnd held data back. Kept for the round (until
 * SND.NXT now is acknowledged): that cwnd was the limit, or else the most
 * that was in flight.
 */
void xtcp_cc_pushed(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 flight, bool limited)
{
	if (!xtcp_seq_before(snd_una, cc->usage_seq) || limited ||
	    (!cc->cwnd_limited && flight > cc->max_flight)) {
		cc->cwnd_limited = limited;
		cc->max_flight = flight;
		cc->usage_seq = snd_nxt;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_pushed);

/*
 * The RTO ran out (RFC 5681 (4) and 3.1's loss window; RFC 6582 4). again:
 * the same segment timed out before, and ssthresh is held.
 */
void xtcp_cc_timeout(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt, u32 mss, bool again)
{
	/* What recovery reduced from, if the RTO comes in recovery (tcp_enter_loss()). */
	if (!again && !cc->in_recovery)
		xtcp_cc_undo_mark(cc, snd_una);
	if (!again)
		cc->ssthresh = cc->ops->ssthresh(cc, snd_nxt - snd_una, mss);
	if (cc->ops->loss)
		cc->ops->loss(cc);
	cc->cwnd = mss;
	cc->recover = snd_nxt;
	cc->bytes_acked = 0;
	cc->dupacks = 0;
	cc->in_recovery = false;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_timeout);
