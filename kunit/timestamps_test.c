// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the timestamps' arithmetic (timestamps.c, RFC 7323):
 * the TSval clock, PAWS and TS.Recent across 2^32 and the 24-day idle
 * rule, round trips from TSecr.
 */
#include <kunit/test.h>

#include "xtcp/timestamps.h"

/* 5.4: a millisecond clock plus the connection's offset, wrapping at 2^32. */
static void timestamps_test_clock(struct kunit *test)
{
	u64 now_ns = 5 * NSEC_PER_SEC + 999999;

	KUNIT_EXPECT_EQ(test, xtcp_ts_now(now_ns, 0), 5000u);
	KUNIT_EXPECT_EQ(test, xtcp_ts_now(now_ns, 0xfffff000), 5000u - 0x1000);
	KUNIT_EXPECT_EQ(test, xtcp_ts_now(now_ns + 1, 7), 5008u);
	/* 0 means "never kept": the clock's second is never 0. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_second(0), 1u);
	KUNIT_EXPECT_EQ(test, xtcp_ts_second(3 * NSEC_PER_SEC), 3u);
	/* The payload beside the option, but never all of a tiny MSS. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_mss(1460), 1448);
	KUNIT_EXPECT_EQ(test, xtcp_ts_mss(65495), 65483);
	KUNIT_EXPECT_EQ(test, xtcp_ts_mss(20), 20);
}

/* 5.3 R1: older than TS.Recent fails, modulo 2^32; 5.5: unless 24 days idle. */
static void timestamps_test_paws(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = 1, .recent = 0xfffffff0, .recent_s = 1000 };
	u64 now_ns = 1010 * NSEC_PER_SEC;

	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0xfffffff0, now_ns));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0xffffffef, now_ns));	/* window: 1 */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(&ts, 0xffffffee, now_ns));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0x10, now_ns));	/* newer, across 2^32 */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0x7ffffff0, now_ns));	/* 2^31 on: newer */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(&ts, 0x7ffffff1, now_ns));	/* 2^31-1 behind */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(&ts, 0x80000000, now_ns));
	/* Kept 24 days ago: the peer's clock may have wrapped; anything passes. */
	now_ns = (1000ull + XTCP_PAWS_IDLE_S - 1) * NSEC_PER_SEC;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_ok(&ts, 0x80000000, now_ns));
	now_ns += NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0x80000000, now_ns));
	/* Never kept: nothing to compare with. */
	ts.recent_s = 0;
	KUNIT_EXPECT_TRUE(test, xtcp_paws_ok(&ts, 0x80000000, 0));
}

/* 4.3 (2): TS.Recent from a segment at or before Last.ACK.sent, and never older. */
static void timestamps_test_store(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = 1, .recent = 100, .recent_s = 10 };
	u64 now_ns = 20 * NSEC_PER_SEC;

	/* Beyond what our last ACK covered (a second segment under one delayed ACK). */
	KUNIT_EXPECT_FALSE(test, xtcp_ts_store(&ts, 200, 0x1001, 0x1000, now_ns));
	KUNIT_EXPECT_EQ(test, ts.recent, 100u);
	/* At it: kept, with the second. */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_store(&ts, 200, 0x1000, 0x1000, now_ns));
	KUNIT_EXPECT_EQ(test, ts.recent, 200u);
	KUNIT_EXPECT_EQ(test, ts.recent_s, 20u);
	/* Before it, across 2^32 of sequence space: kept too. */
	KUNIT_EXPECT_TRUE(test, xtcp_ts_store(&ts, 300, 0xfffffff0, 0x10, now_ns));
	/* An older TSval never replaces a newer one... */
	KUNIT_EXPECT_FALSE(test, xtcp_ts_store(&ts, 250, 0x10, 0x10, now_ns));
	KUNIT_EXPECT_EQ(test, ts.recent, 300u);
	/* ...unless TS.Recent is 24 days old. */
	now_ns = (20ull + XTCP_PAWS_IDLE_S) * NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, xtcp_ts_store(&ts, 250, 0x10, 0x10, now_ns));
	KUNIT_EXPECT_EQ(test, ts.recent, 250u);
	/* Newer across 2^32. */
	ts.recent = 0xfffffffe;
	KUNIT_EXPECT_TRUE(test, xtcp_ts_store(&ts, 3, 0x10, 0x10, now_ns));
	KUNIT_EXPECT_EQ(test, ts.recent, 3u);
}

/* 4.1: the round trip is our clock now less the TSval echoed. */
static void timestamps_test_rtt(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = 1, .offset = 0xffffff00 };
	u64 now_ns = 1000 * NSEC_PER_MSEC;	/* our TSval: 1000 + offset = 0x2e8 */

	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0x2e8 - 30, now_ns), 30000u);
	/* Under a tick: one tick. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0x2e8, now_ns), 1000u);
	/* Across 2^32: the echo 0xfffffff0 was 0x2f8 ticks ago. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0xfffffff0, now_ns), 0x2f8u * 1000);
	/* No echo, one from our future, one of no clock of ours: no sample. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0, now_ns), 0u);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0x2e8 + 5, now_ns), 0u);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(&ts, 0x2e8 + 0x80000000, now_ns), 0u);
}

/* RFC 6191 2: only a strictly newer TSval reopens TIME_WAIT. */
static void timestamps_test_newer_syn(struct kunit *test)
{
	const struct xtcp_ts ts = { .ok = 1, .recent = 0xfffffff0 };

	KUNIT_EXPECT_TRUE(test, xtcp_ts_newer_syn(&ts, 0xfffffff1));
	KUNIT_EXPECT_TRUE(test, xtcp_ts_newer_syn(&ts, 5));
	KUNIT_EXPECT_FALSE(test, xtcp_ts_newer_syn(&ts, 0xfffffff0));
	KUNIT_EXPECT_FALSE(test, xtcp_ts_newer_syn(&ts, 0x7ffffff0));
}

static struct kunit_case timestamps_test_cases[] = {
	KUNIT_CASE(timestamps_test_clock),
	KUNIT_CASE(timestamps_test_paws),
	KUNIT_CASE(timestamps_test_store),
	KUNIT_CASE(timestamps_test_rtt),
	KUNIT_CASE(timestamps_test_newer_syn),
	{}
};

static struct kunit_suite timestamps_test_suite = {
	.name = "xtcp_timestamps",
	.test_cases = timestamps_test_cases,
};

kunit_test_suite(timestamps_test_suite);
