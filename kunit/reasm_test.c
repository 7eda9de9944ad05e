// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the out-of-order queue (reasm.c). Each byte of a test segment is
 * (its sequence number & 0xff), so after cuts the bytes show whether the
 * right ones were kept.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "xtcp/reasm.h"
#include "xtcp/sock.h"

static struct sk_buff *seg(struct kunit *test, u32 seq, u32 len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (i = 0; i < len; i++)
		skb_put_u8(skb, (seq + i) & 0xff);
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + len;
	return skb;
}

/* Insert; if the queue refuses, the test still owns the skb and frees it. */
static bool insert(struct sk_buff_head *q, struct sk_buff *skb)
{
	if (xtcp_ooo_insert(q, skb))
		return true;
	kfree_skb(skb);
	return false;
}

/* skb holds exactly [seq, end) with the right bytes. */
static void expect_range(struct kunit *test, struct sk_buff *skb, u32 seq, u32 end)
{
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->seq, seq);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->end_seq, end);
	KUNIT_ASSERT_EQ(test, skb->len, end - seq);
	for (i = 0; i < skb->len; i++)
		if (skb->data[i] != ((seq + i) & 0xff)) {
			KUNIT_FAIL(test, "byte %u of [%u, %u) is %u", i, seq, end, skb->data[i]);
			break;
		}
}

/* Take what continues at rcv_nxt, check it is [seq, end), free it. */
static void expect_next(struct kunit *test, struct sk_buff_head *q, u32 rcv_nxt,
			u32 seq, u32 end)
{
	struct sk_buff *skb = xtcp_ooo_next(q, rcv_nxt);

	expect_range(test, skb, seq, end);
	kfree_skb(skb);
}

static void reasm_test_sorted(struct kunit *test)
{
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 30, 10)));
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 10, 10)));
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 50, 10)));
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 20, 10)));
	/* Nothing continues at 5: a hole before 10. */
	KUNIT_EXPECT_NULL(test, xtcp_ooo_next(&q, 5));
	expect_next(test, &q, 10, 10, 20);
	expect_next(test, &q, 20, 20, 30);
	expect_next(test, &q, 30, 30, 40);
	KUNIT_EXPECT_NULL(test, xtcp_ooo_next(&q, 40));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&q), 1u);
	__skb_queue_purge(&q);
}

static void reasm_test_overlaps(struct kunit *test)
{
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 100, 20)));	/* [100, 120) */
	/* Duplicate, and inside: nothing new. */
	KUNIT_EXPECT_FALSE(test, insert(&q, seg(test, 100, 20)));
	KUNIT_EXPECT_FALSE(test, insert(&q, seg(test, 105, 10)));
	/* Overlapping the head: only [120, 130) is new. */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 110, 20)));
	expect_range(test, skb_peek_tail(&q), 120, 130);
	/* Overlapping a tail: [140, 150) queued, then [135, 145) keeps [135, 140). */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 140, 10)));
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 135, 10)));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&q), 4u);
	/* One segment covering all of them replaces them. */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 90, 70)));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&q), 1u);
	/* RCV.NXT inside it: the data starts at RCV.NXT. */
	expect_next(test, &q, 125, 125, 160);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&q));
}

static void reasm_test_covered_by_rcv_nxt(struct kunit *test)
{
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 10, 10)));
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 25, 5)));
	/* [10, 20) is wholly before 22 and goes; a hole [22, 25) remains. */
	KUNIT_EXPECT_NULL(test, xtcp_ooo_next(&q, 22));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&q), 1u);
	expect_next(test, &q, 25, 25, 30);
}

static void reasm_test_wrap(struct kunit *test)
{
	const u32 top = 0xfffffff6;	/* ten below 2^32 */
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 6, 10)));		/* [6, 16) */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, top, 10)));	/* [top, 0) */
	/* Across the wrap: [2, 8) brings only [2, 6). */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, 2, 6)));
	/* [-2, 4) brings [0, 2): overlaps both sides. */
	KUNIT_EXPECT_TRUE(test, insert(&q, seg(test, (u32)-2, 6)));
	expect_next(test, &q, top, top, 0);
	expect_next(test, &q, 0, 0, 2);
	expect_next(test, &q, 2, 2, 6);
	expect_next(test, &q, 6, 6, 16);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&q));
}

static struct kunit_case reasm_test_cases[] = {
	KUNIT_CASE(reasm_test_sorted),
	KUNIT_CASE(reasm_test_overlaps),
	KUNIT_CASE(reasm_test_covered_by_rcv_nxt),
	KUNIT_CASE(reasm_test_wrap),
	{}
};

static struct kunit_suite reasm_test_suite = {
	.name = "xtcp_reasm",
	.test_cases = reasm_test_cases,
};

kunit_test_suite(reasm_test_suite);
