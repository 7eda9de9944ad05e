// SPDX-License-Identifier: GPL-2.0
/* KUnit: 32-bit sequence-number arithmetic across wraparound (RFC 9293 3.4). */
#include <kunit/test.h>

#include "xtcp/seq.h"

struct seq_order_case {
	const char *name;
	u32 a, b;
	bool before;	/* a comes before b */
};

static const struct seq_order_case seq_order_cases[] = {
	{ "small_before_large", 1, 2, true },
	{ "large_after_small", 2, 1, false },
	{ "equal", 7, 7, false },
	{ "wrap_max_before_zero", 0xffffffff, 0, true },
	{ "wrap_zero_after_max", 0, 0xffffffff, false },
	{ "wrap_across_16", 0xfffffff0, 0x10, true },
	{ "far_below_half", 0, 0x7fffffff, true },
	{ "just_past_half", 0, 0x80000001, false },
};

static void seq_order_desc(const struct seq_order_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(seq_order, seq_order_cases, seq_order_desc);

static void seq_test_order(struct kunit *test)
{
	const struct seq_order_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xtcp_seq_before(c->a, c->b), c->before);
	KUNIT_EXPECT_EQ(test, xtcp_seq_after(c->b, c->a), c->before);
	/* before_eq and after_eq agree with before plus equality. */
	KUNIT_EXPECT_EQ(test, xtcp_seq_before_eq(c->a, c->b),
			c->before || c->a == c->b);
	KUNIT_EXPECT_EQ(test, xtcp_seq_after_eq(c->b, c->a),
			c->before || c->a == c->b);
}

static void seq_test_in_window(struct kunit *test)
{
	/* [start, end) is half-open. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_in_window(100, 100, 200));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_in_window(199, 100, 200));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_in_window(200, 100, 200));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_in_window(99, 100, 200));
	/* A window that wraps past 2^32. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_in_window(0xfffffff0, 0xffffff00, 0x100));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_in_window(0, 0xffffff00, 0x100));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_in_window(0xff, 0xffffff00, 0x100));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_in_window(0x100, 0xffffff00, 0x100));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_in_window(0xfffffeff, 0xffffff00, 0x100));
	/* An empty window holds nothing, not even its own edge. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_in_window(5, 5, 5));
}

static struct kunit_case seq_test_cases[] = {
	KUNIT_CASE_PARAM(seq_test_order, seq_order_gen_params),
	KUNIT_CASE(seq_test_in_window),
	{}
};

static struct kunit_suite seq_test_suite = {
	.name = "xtcp_seq",
	.test_cases = seq_test_cases,
};

kunit_test_suite(seq_test_suite);
