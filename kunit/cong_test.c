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

/* Slow start: cwnd grows by what each ACK acknowledges, a stretch ACK's all of it (as Linux). */
static void cong_test_slow_start(struct kunit *test)
{
	struct xtcp_cc cc;
	int i;

	xtcp_cc_init(&cc, MSS, ISS);
	/* RFC 6928: min(10 * MSS, max(2 * MSS, 14600)) = 10 * 1000. */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, U32_MAX);
	for (i = 1; i <= 10; i++)
		KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, ISS + 1 + i * MSS, MSS, 0, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20 * MSS);
	/* An ACK of a part of a segment grows it by that part only. */
	xtcp_cc_ack(&cc, ISS + 1 + 10 * MSS + 100, 100, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20 * MSS + 100);
	/* An ACK of two segments (a delayed ACK) by both. */
	xtcp_cc_ack(&cc, ISS + 1 + 12 * MSS + 100, 2 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 22 * MSS + 100);
	/* A stretch ACK of ten segments by all ten (Linux: cwnd 10 -> 20 on one such ACK). */
	xtcp_cc_ack(&cc, ISS + 1 + 22 * MSS + 100, 10 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 32 * MSS + 100);
	/* Up to ssthresh; the rest counts toward avoidance's next MSS. */
	cc.ssthresh = 40 * MSS;
	xtcp_cc_ack(&cc, ISS + 1 + 42 * MSS, 20 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 40 * MSS);
	KUNIT_EXPECT_EQ(test, cc.bytes_acked, 12 * MSS + 100);
	/* Without a loss cwnd saturates, it never wraps. */
	cc.ssthresh = U32_MAX;
	cc.cwnd = U32_MAX - 10;
	xtcp_cc_ack(&cc, ISS + 1 + 52 * MSS, 10 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, U32_MAX);
	xtcp_cc_ack(&cc, ISS + 1 + 62 * MSS, 10 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, U32_MAX);

	/* A big MSS: the initial window is two segments. */
	xtcp_cc_init(&cc, 65483, ISS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * 65483u);
}

/* Avoidance: one MSS per window's worth of acknowledged bytes, however they are ACKed. */
static void cong_test_avoidance(struct kunit *test)
{
	struct xtcp_cc cc;
	int i;

	xtcp_cc_init(&cc, MSS, ISS);
	cc.ssthresh = 10 * MSS;		/* cwnd == ssthresh: avoidance */
	for (i = 0; i < 9; i++)
		xtcp_cc_ack(&cc, ISS + 1 + (i + 1) * MSS, MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
	xtcp_cc_ack(&cc, ISS + 1 + 10 * MSS, MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11 * MSS);
	/* Delayed ACKs (two segments each): 11 segments' worth for the next MSS. */
	for (i = 0; i < 5; i++)
		xtcp_cc_ack(&cc, ISS + 1 + (12 + 2 * i) * MSS, 2 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11 * MSS);
	xtcp_cc_ack(&cc, ISS + 1 + 22 * MSS, 2 * MSS, 0, MSS);
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

	xtcp_cc_init(&cc, MSS, ISS);
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
	KUNIT_EXPECT_TRUE(test, xtcp_cc_ack(&cc, una, 9 * MSS, nxt - una, MSS));
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7 * MSS);
	/* Full ACK: cwnd = min(ssthresh, flight + MSS), recovery over. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, nxt, nxt - una, 0, MSS));
	KUNIT_EXPECT_FALSE(test, cc.in_recovery);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10 * MSS);
	/* cwnd < ssthresh: slow start again, +1 MSS. */
	xtcp_cc_ack(&cc, nxt + MSS, MSS, 0, MSS);
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

	xtcp_cc_init(&cc, mss, ISS);
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

	xtcp_cc_init(&cc, MSS, ISS);
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

	xtcp_cc_init(&cc, MSS, ISS);
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
	xtcp_cc_ack(&cc, una + 2 * MSS, 2 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2 * MSS);
	xtcp_cc_ack(&cc, una + 4 * MSS, 2 * MSS, 0, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3 * MSS);	/* ssthresh 2 MSS: avoidance */
}

/* RFC 3042: the first two duplicate ACKs each let one segment past cwnd; recovery none. */
static void cong_test_limited_transmit(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 una = ISS + 1;

	xtcp_cc_init(&cc, MSS, ISS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 10 * MSS);
	xtcp_cc_dupack(&cc, una, una + 10 * MSS, MSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 11 * MSS);
	xtcp_cc_dupack(&cc, una, una + 11 * MSS, MSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 12 * MSS);
	/* The third: fast recovery's cwnd, ssthresh + 3 MSS, and nothing more. */
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dupack(&cc, una, una + 12 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), cc.cwnd);
	/* A new ACK ends the count. */
	xtcp_cc_ack(&cc, una + 12 * MSS, 12 * MSS, 0, MSS);
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

	xtcp_cc_init(&cc, MSS, ISS);
	cc.sack = true;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5 * MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	/* Once in recovery, no second start. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dupack(&cc, una, una + 10 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	/* A partial ACK: the scoreboard resends, cwnd stays. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_ack(&cc, una + MSS, MSS, 9 * MSS, MSS));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5 * MSS);
	KUNIT_EXPECT_TRUE(test, cc.in_recovery);
	/* Limited transmit is the pipe's business with SACK: no extra room. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_window(&cc, MSS), 5 * MSS);
	xtcp_cc_ack(&cc, una + 10 * MSS, 9 * MSS, 0, MSS);
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

	xtcp_cc_init(&cc, MSS, ISS);
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

	xtcp_cc_init(&cc, MSS, ISS);
	cc.sack = true;
	/* No reduction yet: a DSACK undoes nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_cc_dsack(&cc, una + MSS, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_cc_recovery(&cc, una, una + 10 * MSS, MSS));
	xtcp_cc_retransmitted(&cc);
	xtcp_cc_retransmitted(&cc);
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
	xtcp_cc_retransmitted(&cc);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_dsack(&cc, una + MSS, 1));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10 * MSS);
}

static struct kunit_case cong_test_cases[] = {
	KUNIT_CASE(cong_test_sack_recovery),
	KUNIT_CASE(cong_test_sack_dupacks_start_nothing),
	KUNIT_CASE(cong_test_dsack_undo),
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
