// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the receive window (window.c): the window-scale shift a buffer
 * needs (RFC 7323 2.3), the window advertised with and without a shift,
 * never shrinking (RFC 9293 3.8.6.2.2), and receiver SWS avoidance.
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "xtcp/window.h"

static void window_test_wscale(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(0), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(65535), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(65536), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(131071), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(131072), 2);
	/* Half of the default rmem maximum, 6 MiB. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(3145728), 6);
	/* 14 at most, however large the buffer. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(1U << 30), 14);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(U32_MAX), 14);
}

static void window_test_unscaled(struct kunit *test)
{
	u16 wire;

	KUNIT_EXPECT_EQ(test, xtcp_window_choose(1000, 0, 0, &wire), 1000);
	KUNIT_EXPECT_EQ(test, wire, 1000);
	/* Without a shift, 16 bits are the limit. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(106496, 0, 0, &wire), 65535);
	KUNIT_EXPECT_EQ(test, wire, 65535);
	/* A full buffer: zero. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(0, 0, 0, &wire), 0);
	KUNIT_EXPECT_EQ(test, wire, 0);
}

static void window_test_scaled(struct kunit *test)
{
	u16 wire;

	/* Shift 6: 106496 bytes of room are 1664 units of 64. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(106496, 0, 6, &wire), 106496);
	KUNIT_EXPECT_EQ(test, wire, 1664);
	/* Room rounds down: never offer memory we do not have. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(1000, 0, 6, &wire), 960);
	KUNIT_EXPECT_EQ(test, wire, 15);
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(63, 0, 6, &wire), 0);
	KUNIT_EXPECT_EQ(test, wire, 0);
	/* The cap: 65535 units. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(U32_MAX, 0, 14, &wire), 65535U << 14);
	KUNIT_EXPECT_EQ(test, wire, 65535);
}

/* The right edge never moves back: what is left of it rounds up. */
static void window_test_no_shrink(struct kunit *test)
{
	u16 wire;

	KUNIT_EXPECT_EQ(test, xtcp_window_choose(0, 5000, 0, &wire), 5000);
	KUNIT_EXPECT_EQ(test, wire, 5000);
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(100, 5000, 6, &wire), 5056);
	KUNIT_EXPECT_EQ(test, wire, 79);
	/* More room than is left: the room. */
	KUNIT_EXPECT_EQ(test, xtcp_window_choose(8192, 5000, 6, &wire), 8192);
	KUNIT_EXPECT_EQ(test, wire, 128);
}

/* Window updates as Linux's __tcp_cleanup_rbuf(): half the clamp left at most, doubled. */
static void window_test_update_due(struct kunit *test)
{
	/* A closed window reopens once a segment fits. */
	KUNIT_EXPECT_TRUE(test, xtcp_window_update_due(0, 1460, 65535, 1460));
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(0, 1459, 65535, 1460));
	/* Less than double: nothing, however much the room grew. */
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(10000, 19999, 65535, 1460));
	KUNIT_EXPECT_TRUE(test, xtcp_window_update_due(10000, 20000, 65535, 1460));
	/* Right after the handshake: most of the first window is left. */
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(65000, 65535, 65535, 1460));
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(32768, 65535, 65535, 1460));
	KUNIT_EXPECT_TRUE(test, xtcp_window_update_due(32767, 65535, 65535, 1460));
	/* Below a segment, doubling is not enough (receiver SWS avoidance)... */
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(100, 1000, 65535, 1460));
	/* ...unless the buffer holds less than two: then half of it. */
	KUNIT_EXPECT_TRUE(test, xtcp_window_update_due(100, 1000, 2000, 1460));
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(20000, 10000, 65535, 1460));
	/* No overflow at the top of the range. */
	KUNIT_EXPECT_FALSE(test, xtcp_window_update_due(U32_MAX, U32_MAX, U32_MAX, 1460));
}

static struct kunit_case window_test_cases[] = {
	KUNIT_CASE(window_test_wscale),
	KUNIT_CASE(window_test_unscaled),
	KUNIT_CASE(window_test_scaled),
	KUNIT_CASE(window_test_no_shrink),
	KUNIT_CASE(window_test_update_due),
	{}
};

static struct kunit_suite window_test_suite = {
	.name = "xtcp_window",
	.test_cases = window_test_cases,
};

kunit_test_suite(window_test_suite);
