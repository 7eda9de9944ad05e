// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: NewReno's cwnd and ssthresh through slow start, congestion
 * avoidance, fast retransmit and recovery (RFC 5681, RFC 6582), and the
 * loss window after a timeout, driven by scripted ACK sequences.
 */
#include <kunit/test.h>

#include "xtcp/cong.h"

#define MSS	1000u
#define ISS	5000u

/* A sender that fills cwnd every round (xtcp_cc_pushed()), so cwnd may grow. */
static void cc_init(struct xtcp_cc *cc, u32 mss, const struct xtcp_cc_ops *ops)
{
	xtcp_cc_init(cc, mss, ISS, ops);
	cc->cwnd_limited = true;
}

/* Slow start: cwnd grows by what each ACK acknowledges, a stretch ACK's all of it (as Linux). */
static void cong_test_slow_start(struct kunit *test)
{
	struct xtcp_cc cc;
	int i;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	/* RFC 6928: min(10 * MSS, max(2 * MSS, 14600)) = 10 * 1000. */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	for (i = 1; i <= 10; i++)
		KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, ISS + 1 + i * MSS, MSS, 0, MSS, 0));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20 * MSS);
	/* An ACK of a part of a segment grows it by that part only. */
	xtcp_cc_ack(&cc, ISS + 1 + 10 * MSS + 100, 100, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20 * MSS + 100);
	/* An ACK of two segments (a delayed ACK) by both. */
	xtcp_cc_ack(&cc, ISS + 1 + 12 * MSS + 100, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 22 * MSS + 100);
	/* A stretch ACK of ten segments by all ten (Linux: cwnd 10 -> 20 on one such ACK). */
	xtcp_cc_ack(&cc, ISS + 1 + 22 * MSS + 100, 10 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 32 * MSS + 100);
	/* Up to ssthresh; the rest counts toward avoidance's next MSS. */
	cc.ssthresh = 40 * MSS;
	xtcp_cc_ack(&cc, ISS + 1 + 42 * MSS, 20 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 40 * MSS);
	KUNIT_EXPECT_EQ(test, cc.bytes_acked, 12 * MSS + 100);
	/* Without a loss cwnd saturates, it never wraps. */
	cc.ssthresh = U32_MAX;
	cc.cwnd = U32_MAX - 10;
	xtcp_cc_ack(&cc, ISS + 1 + 52 * MSS, 10 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, U32_MAX);
	xtcp_cc_ack(&cc, ISS + 1 + 62 * MSS, 10 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, U32_MAX);

	/* A big MSS: the initial window is two segments. */
	cc_init(&cc, 65483, &xtcp_reno_ops);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * 65483u);
}

/* Avoidance: one MSS per window's worth of acknowledged bytes, however they are ACKed. */
static void cong_test_avoidance(struct kunit *test)
{
	struct xtcp_cc cc;
	int i;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.ssthresh = 10 * MSS;		/* cwnd == ssthresh: avoidance */
	for (i = 0; i < 9; i++)
		xtcp_cc_ack(&cc, ISS + 1 + (i + 1) * MSS, MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	xtcp_cc_ack(&cc, ISS + 1 + 10 * MSS, MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11 * MSS);
	/* Delayed ACKs (two segments each): 11 segments' worth for the next MSS. */
	for (i = 0; i < 5; i++)
		xtcp_cc_ack(&cc, ISS + 1 + (12 + 2 * i) * MSS, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11 * MSS);
	xtcp_cc_ack(&cc, ISS + 1 + 22 * MSS, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12 * MSS);
}

/*
 * Twenty segments in flight from ISS + 1, the first lost: three duplicate
 * ACKs, a retransmission, recovery with inflation, a partial ACK (a second
 * loss), then the full ACK ends recovery.
 */
static void cong_test_fast_recovery(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * MSS;
	struct xtcp_cc cc;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.cwnd = 20 * MSS;
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20 * MSS);
	/* The third: ssthresh = flight / 2, cwnd = ssthresh + 3 MSS, retransmit. */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10 * MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13 * MSS);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	/* Each further duplicate inflates by one MSS, no retransmission. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 15 * MSS);
	/* Partial ACK (segment 10 was lost too): retransmit, deflate by 9, add 1. */
	una += 9 * MSS;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_ack(&cc, una, 9 * MSS, nxt - una, MSS, 0));
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7 * MSS);
	/* Full ACK: cwnd = min(ssthresh, flight + MSS), recovery over. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, nxt, nxt - una, 0, MSS, 0));
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10 * MSS);
	/* cwnd < ssthresh: slow start again, +1 MSS. */
	xtcp_cc_ack(&cc, nxt + MSS, MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3 * MSS);
}

/*
 * A peer that repeats one duplicate ACK without end: each inflates cwnd by
 * a segment that left the network, but no more can leave than were in
 * flight, so cwnd stops at ssthresh + FlightSize instead of wrapping.
 */
static void cong_test_recovery_inflation_bounded(struct kunit *test)
{
	u32 mss = 65483, una = ISS + 1, nxt = ISS + 1 + 20 * mss;
	struct xtcp_cc cc;
	int i;

	cc_init(&cc, mss, &xtcp_reno_ops);
	cc.cwnd = 20 * mss;
	for (i = 0; i < 3; i++)
		xtcp_cc_dupack(&cc, una, nxt, mss);
	KUNIT_ASSERT_TRUE(test, cc.in_recovery);
	for (i = 0; i < 70000; i++)
		KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, mss));
	KUNIT_EXPECT_EQ(test, cc.cwnd, cc.ssthresh + 20 * mss);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10 * mss);
}

/* Duplicate ACKs for data sent before the last recovery do not start another. */
static void cong_test_no_second_recovery(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 10 * MSS;
	struct xtcp_cc cc;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	xtcp_cc_timeout(&cc, una, nxt, MSS, false);
	/* After the timeout, recover = nxt: dupacks for una <= recover are ignored. */
	xtcp_cc_dupack(&cc, una, nxt, MSS);
	xtcp_cc_dupack(&cc, una, nxt, MSS);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, nxt, MSS));
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
}

/* Timeout: loss window of one MSS; ssthresh halves once, not per backoff. */
static void cong_test_timeout(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 16 * MSS;
	struct xtcp_cc cc;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.cwnd = 16 * MSS;
	xtcp_cc_timeout(&cc, una, nxt, MSS, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 8 * MSS);
	xtcp_cc_timeout(&cc, una, nxt, MSS, true);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 8 * MSS);
	/* Small flight: ssthresh is at least 2 MSS. */
	xtcp_cc_timeout(&cc, una, una + MSS, MSS, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2 * MSS);
	/* Slow start again from one MSS, by what each ACK acknowledges, as Linux. */
	xtcp_cc_ack(&cc, una + 2 * MSS, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * MSS);
	xtcp_cc_ack(&cc, una + 4 * MSS, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3 * MSS);	/* ssthresh 2 MSS: avoidance */
}

/* RFC 3042: the first two duplicate ACKs each let one segment past cwnd; recovery none. */
static void cong_test_limited_transmit(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 10 * MSS);
	xtcp_cc_dupack(&cc, una, una + 10 * MSS, MSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 11 * MSS);
	xtcp_cc_dupack(&cc, una, una + 11 * MSS, MSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 12 * MSS);
	/* The third: fast recovery's cwnd, ssthresh + 3 MSS, and nothing more. */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dupack(&cc, una, una + 12 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), cc.cwnd);
	/* A new ACK ends the count. */
	xtcp_cc_ack(&cc, una + 12 * MSS, 12 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), cc.cwnd);
	/* No wrap at the top. */
	cc.cwnd = U32_MAX - 10;
	cc.dupacks = 2;
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), U32_MAX);
}

/* With SACK (RFC 6675): cwnd = ssthresh at once, no inflation, no deflation. */
static void cong_test_sack_recovery(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5 * MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	/* Once in recovery, no second start. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	/* A partial ACK: the scoreboard resends, cwnd stays. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, una + MSS, MSS, 9 * MSS, MSS, 0));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	/* Limited transmit is the pipe's business with SACK: no extra room. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 5 * MSS);
	xtcp_cc_ack(&cc, una + 10 * MSS, 9 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	/* A loss at or below recover, already recovered from (RFC 6582 3.2 step 2): none. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_recovery(&cc, una + 10 * MSS, una + 20 * MSS, MSS));
}

/* With SACK, duplicate ACKs alone start nothing: the scoreboard's IsLost does. */
static void cong_test_sack_dupacks_start_nothing(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;
	int i;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
}

/* RFC 3708: when DSACKs cover every retransmission of a reduction, it is undone. */
static void cong_test_dsack_undo(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	/* No reduction yet: a DSACK undoes nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&cc, una + MSS, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	xtcp_cc_retransmitted(&cc, 0);
	xtcp_cc_retransmitted(&cc, 0);
	/* A DSACK of data from before the reduction's start counts for nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&cc, una, 1));
	KUNIT_EXPECT_EQ(test, cc.undo_retrans, 2);
	/* One of two: not yet. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&cc, una + MSS, 1));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	/* Both: cwnd and ssthresh back, recovery over. */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&cc, una + 2 * MSS, 1));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&cc, una + 2 * MSS, 1));
	/* An RTO: undone too when its one resend is DSACKed (a spurious timeout). */
	xtcp_cc_timeout(&cc, una, una + 10 * MSS, MSS, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	xtcp_cc_retransmitted(&cc, 0);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&cc, una + MSS, 1));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
}

/*
 * RFC 3522 (Eifel): an ACK echoing a TSval older than the first
 * retransmission's answers the original: the reduction was spurious (and
 * xtcp_cc_undo() takes it back); one echoing the retransmission's, or a
 * later one, says nothing.
 */
static void cong_test_eifel_undo(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	/* No reduction, or no retransmission yet: nothing to undo. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 50));
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 50));
	/* The first resend carries TSval 0xfffffff0; the second's is later and not Eifel's. */
	xtcp_cc_retransmitted(&cc, 0xfffffff0);
	xtcp_cc_retransmitted(&cc, 0x20);
	/* The echo of the resend itself, or one after it across 2^32: a real loss. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 0xfffffff0));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 0x10));
	/* No echo (TSecr 0) proves nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 0));
	/* An echo from before it: the original arrived. */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_eifel(&cc, 0xffffffe0));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	xtcp_cc_undo(&cc);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_eifel(&cc, 0xffffffe0));
	/* After an RTO, likewise (Linux's tcp_try_undo_loss()). */
	xtcp_cc_timeout(&cc, una, una + 10 * MSS, MSS, false);
	xtcp_cc_retransmitted(&cc, 1000);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_eifel(&cc, 999));
}

/*
 * PRR (RFC 6937), its section 3's example: 20 segments in flight, one
 * lost, ssthresh 10; every ACK delivers a segment (a SACK). A sender that
 * keeps pipe at cwnd sends on every other ACK, the retransmission first,
 * so pipe falls to ssthresh in step with the ACKs, then one a ACK holds
 * it there (PRR-SSRB); never a burst, never a pause of a round trip.
 */
static void cong_test_prr(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1, pipe, sent = 0, ack, n;

	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	cc.cwnd = 20 * MSS;
	KUNIT_ASSERT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 20 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10 * MSS);
	/* The ACK that starts recovery SACKed a third segment: 20 - 3 SACKed - 1 lost. */
	pipe = 16 * MSS;
	for (ack = 1; ack <= 30; ack++) {
		xtcp_cc_prr(&cc, pipe, MSS, MSS, false, false);
		n = cc.cwnd > pipe ? (cc.cwnd - pipe) / MSS : 0;
		xtcp_cc_sent(&cc, n * MSS);
		pipe += n * MSS;
		sent += n;
		if (ack <= 12)	/* proportional: ssthresh/RecoverFS = 1/2 */
			KUNIT_EXPECT_EQ_MSG(test, n, ack % 2, "ack %u", ack);
		if (ack == 12)
			KUNIT_EXPECT_EQ(test, sent, 6u);
		if (ack > 14)	/* at ssthresh: one for one */
			KUNIT_EXPECT_EQ_MSG(test, n, 1u, "ack %u", ack);
		pipe -= MSS;	/* the next ACK's delivery */
	}
	KUNIT_EXPECT_EQ(test, pipe + MSS, 10 * MSS);
	/* Without SACK (NewReno's inflation), or out of recovery: PRR does nothing. */
	cc.cwnd = 7 * MSS;
	cc.sack = false;
	xtcp_cc_prr(&cc, pipe, MSS, MSS, false, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7 * MSS);
	/*
	 * The same start; after the retransmission, an ACK that delivered
	 * nothing but let RACK mark three more lost (pipe down by three):
	 * nothing more may go. RFC 6937 computes on every ACK; cwnd left as it
	 * was (Linux skips such an ACK) would send all three at once.
	 */
	cc_init(&cc, MSS, &xtcp_reno_ops);
	cc.sack = true;
	cc.cwnd = 20 * MSS;
	KUNIT_ASSERT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 20 * MSS, MSS));
	pipe = 16 * MSS;
	xtcp_cc_prr(&cc, pipe, MSS, MSS, false, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, pipe + MSS);
	xtcp_cc_sent(&cc, MSS);
	pipe += MSS - 3 * MSS;
	xtcp_cc_prr(&cc, pipe, 0, MSS, false, true);
	KUNIT_EXPECT_EQ(test, cc.cwnd, pipe);
}

/*
 * RFC 7661 / Linux's tcp_is_cwnd_limited(): cwnd grows only while it holds
 * the sender back; in slow start, while it is under twice the most in
 * flight. A round is kept until the SND.NXT of its push is acknowledged.
 */
static void cong_test_cwnd_limited(struct kunit *test)
{
	u32 una = ISS + 1;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, MSS, ISS, &xtcp_reno_ops);
	/* An application writing two segments a round trip: cwnd stays. */
	xtcp_cc_pushed(&cc, una, una + 2 * MSS, 2 * MSS, false);
	xtcp_cc_ack(&cc, una + 2 * MSS, 2 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	/* Six in flight: in slow start cwnd grows while under twice that. */
	una += 2 * MSS;
	xtcp_cc_pushed(&cc, una, una + 6 * MSS, 6 * MSS, false);
	xtcp_cc_ack(&cc, una + 6 * MSS, 6 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16 * MSS);
	una += 6 * MSS;
	xtcp_cc_ack(&cc, una, MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16 * MSS);
	/* Held back by cwnd: it grows, for the whole round. */
	xtcp_cc_pushed(&cc, una, una + 16 * MSS, 16 * MSS, true);
	xtcp_cc_ack(&cc, una + 6 * MSS, 6 * MSS, 10 * MSS, MSS, 0);
	xtcp_cc_pushed(&cc, una + 6 * MSS, una + 16 * MSS, 10 * MSS, false);
	xtcp_cc_ack(&cc, una + 12 * MSS, 6 * MSS, 4 * MSS, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 28 * MSS);
	/* In avoidance too: not limited, no growth. */
	cc.ssthresh = cc.cwnd;
	una += 16 * MSS;
	xtcp_cc_pushed(&cc, una, una + 4 * MSS, 4 * MSS, false);
	xtcp_cc_ack(&cc, una + 4 * MSS, 4 * MSS, 0, MSS, 0);
	una += 4 * MSS;
	xtcp_cc_pushed(&cc, una, una + 24 * MSS, 24 * MSS, false);
	xtcp_cc_ack(&cc, una + 24 * MSS, 24 * MSS, 0, MSS, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 28 * MSS);
}

/* The algorithms by name, as TCP_CONGESTION and the sysctls see them. */
static void cong_test_registry(struct kunit *test)
{
	char names[64];

	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("cubic"), &xtcp_cubic_ops);
	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("reno"), &xtcp_reno_ops);
	KUNIT_EXPECT_NULL(test, xtcp_cc_find("bbr"));
	KUNIT_EXPECT_NULL(test, xtcp_cc_find(""));
	xtcp_cc_available(names, sizeof(names));
	KUNIT_EXPECT_STREQ(test, names, "reno cubic");
}

/* RFC 9438 4.6, 4.7: ssthresh = 0.7 cwnd; W_max lowered when losses come below it. */
static void cong_test_cubic_reduction(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	cc_init(&cc, MSS, &xtcp_cubic_ops);
	cc.sack = true;
	cc.cwnd = 100 * MSS;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 100 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 100 * MSS * 717 / 1024);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 100 * MSS);
	xtcp_cc_ack(&cc, una + 100 * MSS, 100 * MSS, 100 * MSS, MSS, NSEC_PER_SEC);
	/* The next loss below W_max: fast convergence, W_max = cwnd (1 + beta) / 2. */
	cc.cwnd = 90 * MSS;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una + 101 * MSS, una + 190 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, (u32)((u64)90 * MSS * 1741 / 2048));
	/* A timeout: cwnd one segment, ssthresh by the same rule. */
	cc.in_recovery = false;
	cc.cwnd = 50 * MSS;
	cc.cubic.delay_min_us = 10000;
	xtcp_cc_timeout(&cc, una + 300 * MSS, una + 350 * MSS, MSS, false);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 50 * MSS * 717 / 1024);
	/* and CUBIC starts again, as Linux's on TCP_CA_Loss: no W_max, no least RTT. */
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 0u);
	KUNIT_EXPECT_EQ(test, cc.cubic.delay_min_us, 0u);
}

/* W_cubic(t) = C (t - K)^3 + W_max, C = 0.4 segments/s^3, as segments (t, K in ms). */
static s64 cubic_w(s64 t_ms, s64 k_ms, s64 w_max)
{
	s64 d = t_ms - k_ms;

	return w_max + d * d * d * 4 / 10 / 1000000000;
}

/*
 * After a loss at W_max = 100 segments, cwnd follows RFC 9438's curve:
 * K = cbrt(W_max (1 - beta) / C) = cbrt(75) s = 4.217 s; an ACK of a
 * whole window each 100 ms round trip keeps cwnd within two segments of
 * W_cubic(t): concave toward W_max, flat there, convex beyond.
 */
static void cong_test_cubic_curve(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1, seq;
	u64 t0 = 10 * NSEC_PER_SEC, now = t0;
	s64 t_ms, w, got;
	int r, i;

	cc_init(&cc, MSS, &xtcp_cubic_ops);
	cc.sack = true;
	cc.cwnd = 100 * MSS;
	xtcp_cc_recovery(&cc, una, una + 100 * MSS, MSS);
	seq = una + 100 * MSS;
	xtcp_cc_ack(&cc, seq, 100 * MSS, 100 * MSS, MSS, now);	/* recovery over: 70 */
	KUNIT_ASSERT_EQ(test, cc.cwnd, 100 * MSS * 717 / 1024);
	for (r = 1; r <= 70; r++) {
		u32 segs = cc.cwnd / MSS;

		now = t0 + r * 100 * NSEC_PER_MSEC;
		for (i = 0; i < segs; i++) {
			seq += MSS;
			xtcp_cc_ack(&cc, seq, MSS, cc.cwnd, MSS, now);
		}
		t_ms = r * 100;
		if (t_ms != 2000 && t_ms != 4200 && t_ms != 6000 && t_ms != 7000)
			continue;
		/* The epoch began with the first ACK in avoidance, 100 ms in. */
		w = cubic_w(t_ms - 100, cc.cubic.k_ms, 100);
		got = cc.cwnd / MSS;
		/* beta is 717/1024: K = cbrt(29.98 / 0.4) s, not quite cbrt(75) s. */
		KUNIT_EXPECT_EQ_MSG(test, cc.cubic.k_ms, 4216, "K");
		KUNIT_EXPECT_LE_MSG(test, abs(got - w), 2, "t %lld ms: cwnd %lld, W_cubic %lld",
				    t_ms, got, w);
	}
}

/* One ACK's round trip for HyStart, at t_us, SND.UNA una, SND.NXT nxt. */
static void hystart_ack(struct xtcp_cc *cc, u64 t_us, u32 una, u32 nxt, u32 rtt_us)
{
	struct xtcp_ack_sample s = {
		.now_ns = t_us * NSEC_PER_USEC, .snd_una = una, .snd_nxt = nxt,
		.rtt_us = rtt_us, .mss = MSS,
	};

	xtcp_cubic_ops.rtt_sample(cc, &s);
}

/*
 * HyStart's delay detector (Linux's HYSTART_DELAY): once a round has
 * taken 8 round trips, their least above the connection's least by an
 * eighth of it (4 to 16 ms) ends slow start; ACKs 3 ms apart make no train.
 */
static void cong_test_hystart_delay(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;
	u64 t = 1000000;
	int i;

	cc_init(&cc, MSS, &xtcp_cubic_ops);
	cc.cwnd = 20 * MSS;
	/* Round 1: 10 ms, the least. */
	for (i = 0; i < 8; i++, t += 3000)
		hystart_ack(&cc, t, una + i * MSS, una + 20 * MSS, 10000);
	KUNIT_EXPECT_EQ(test, cc.cubic.delay_min_us, 10000u);
	/* Round 2: 14 ms is not past 10 + 4 ms: slow start goes on. */
	for (i = 0; i < 12; i++, t += 3000)
		hystart_ack(&cc, t, una + (21 + i) * MSS, una + 40 * MSS, 14000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	/* Round 3: 14.5 ms, judged from the ninth round trip on. */
	for (i = 0; i < 8; i++, t += 3000)
		hystart_ack(&cc, t, una + (41 + i) * MSS, una + 60 * MSS, 14500);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	hystart_ack(&cc, t, una + 49 * MSS, una + 60 * MSS, 14500);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 20 * MSS);

	/* Below 16 segments HyStart does not judge. */
	cc_init(&cc, MSS, &xtcp_cubic_ops);
	for (i = 0; i < 32; i++, t += 3000)
		hystart_ack(&cc, t, una + i * MSS, una + 10 * MSS, 10000 + i * 5000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
}

/*
 * HyStart's ACK train (Linux's HYSTART_ACK_TRAIN): ACKs each within 2 ms
 * of the last, from the round's start for longer than half the least
 * round trip (plus the GSO allowance), end slow start; a gap breaks the
 * train. Within a second of a reduction no round trip is taken.
 */
static void cong_test_hystart_ack_train(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;
	u64 t = 1000000;
	int i;

	cc_init(&cc, MSS, &xtcp_cubic_ops);
	cc.cwnd = 40 * MSS;
	hystart_ack(&cc, t, una, una + 40 * MSS, 40000);	/* a round begins at t */
	/* A train of 10 ms, a 3 ms gap, then 1 ms apart to 30 ms: broken, no end. */
	for (i = 1; i <= 10; i++)
		hystart_ack(&cc, t + i * 1000, una + i * MSS, una + 40 * MSS, 40000);
	for (i = 13; i <= 30; i++)
		hystart_ack(&cc, t + i * 1000, una + i * MSS, una + 40 * MSS, 40000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	/* The next round: 1 ms apart; at 20 ms (half of 40) not yet, at 21 over. */
	t += 41000;
	hystart_ack(&cc, t, una + 41 * MSS, una + 80 * MSS, 40000);
	for (i = 1; i <= 20; i++)
		hystart_ack(&cc, t + i * 1000, una + (41 + i) * MSS, una + 80 * MSS, 40000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	hystart_ack(&cc, t + 21000, una + 62 * MSS, una + 80 * MSS, 40000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 40 * MSS);

	/* In the second after an epoch began, a round trip is not even kept. */
	cc.cubic.epoch_ns = 5 * NSEC_PER_SEC;
	hystart_ack(&cc, 5500000, una + 80 * MSS, una + 90 * MSS, 1000);
	KUNIT_EXPECT_EQ(test, cc.cubic.delay_min_us, 40000u);
	hystart_ack(&cc, 6000000, una + 81 * MSS, una + 90 * MSS, 1000);
	KUNIT_EXPECT_EQ(test, cc.cubic.delay_min_us, 1000u);
}

static struct kunit_case cong_test_cases[] = {
	KUNIT_CASE(cong_test_registry),
	KUNIT_CASE(cong_test_cubic_reduction),
	KUNIT_CASE(cong_test_cubic_curve),
	KUNIT_CASE(cong_test_hystart_delay),
	KUNIT_CASE(cong_test_hystart_ack_train),
	KUNIT_CASE(cong_test_sack_recovery),
	KUNIT_CASE(cong_test_sack_dupacks_start_nothing),
	KUNIT_CASE(cong_test_dsack_undo),
	KUNIT_CASE(cong_test_eifel_undo),
	KUNIT_CASE(cong_test_prr),
	KUNIT_CASE(cong_test_cwnd_limited),
	KUNIT_CASE(cong_test_limited_transmit),
	KUNIT_CASE(cong_test_slow_start),
	KUNIT_CASE(cong_test_avoidance),
	KUNIT_CASE(cong_test_fast_recovery),
	KUNIT_CASE(cong_test_recovery_inflation_bounded),
	KUNIT_CASE(cong_test_no_second_recovery),
	KUNIT_CASE(cong_test_timeout),
	{}
};

static struct kunit_suite cong_test_suite = {
	.name = "xtcp_cong",
	.test_cases = cong_test_cases,
};

kunit_test_suite(cong_test_suite);
