// SPDX-License-Identifier: GPL-2.0
/* KUnit: segment header build and parse (RFC 9293 section 3.1). */
#include <kunit/test.h>
#include <linux/module.h>

#include "xtcp/segment.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* A 20-byte header with the given data offset (in words) and flags. */
static void segment_raw(u8 *buf, u8 doff, u8 flags)
{
	memset(buf, 0, XTCP_HDR_MIN);
	buf[0] = 0x9c;	/* source port 40000 */
	buf[1] = 0x40;
	buf[2] = 0x13;	/* destination port 5001 */
	buf[3] = 0x89;
	buf[12] = doff << 4;
	buf[13] = flags;
}

static void segment_test_syn_round_trip(struct kunit *test)
{
	struct xtcp_seg out = {
		.src_port = 40000, .dst_port = 5001, .seq = 0xfffffffe,
		.flags = XTCP_FLAG_SYN, .window = 65535, .mss = 1460,
		.wscale = 7,
	};
	struct xtcp_seg in;
	u8 buf[XTCP_HDR_MAX];
	unsigned int len;

	len = xtcp_seg_build(buf, sizeof(buf), &out);
	KUNIT_ASSERT_EQ(test, len, 28u);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, len, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, in.src_port, 40000);
	KUNIT_EXPECT_EQ(test, in.dst_port, 5001);
	KUNIT_EXPECT_EQ(test, in.seq, 0xfffffffeu);
	KUNIT_EXPECT_EQ(test, in.ack, 0u);
	KUNIT_EXPECT_EQ(test, in.flags, XTCP_FLAG_SYN);
	KUNIT_EXPECT_EQ(test, in.window, 65535);
	KUNIT_EXPECT_EQ(test, in.mss, 1460);
	KUNIT_EXPECT_EQ(test, in.wscale, 7);
	KUNIT_EXPECT_EQ(test, in.hdr_len, 28);
	KUNIT_EXPECT_EQ(test, in.payload_len, 0u);
	/* The bytes are TCP's: ports, data offset 7, SYN in byte 13. */
	KUNIT_EXPECT_EQ(test, buf[0], 0x9c);
	KUNIT_EXPECT_EQ(test, buf[3], 0x89);
	KUNIT_EXPECT_EQ(test, buf[12], 7 << 4);
	KUNIT_EXPECT_EQ(test, buf[13], XTCP_FLAG_SYN);
	KUNIT_EXPECT_EQ(test, buf[20], XTCP_OPT_MSS);
}

static void segment_test_ack_with_payload(struct kunit *test)
{
	struct xtcp_seg out = {
		.src_port = 1, .dst_port = 65535, .seq = 1000, .ack = 2000,
		.flags = XTCP_FLAG_ACK | XTCP_FLAG_PSH, .window = 512,
		.wscale = -1,
	};
	struct xtcp_seg in;
	u8 buf[XTCP_HDR_MIN + 5];

	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 20u);
	memcpy(buf + XTCP_HDR_MIN, "hello", 5);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, sizeof(buf), &in), XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, in.ack, 2000u);
	KUNIT_EXPECT_EQ(test, in.mss, 0);
	KUNIT_EXPECT_EQ(test, in.wscale, -1);
	KUNIT_EXPECT_EQ(test, in.payload_len, 5u);
	KUNIT_EXPECT_PTR_EQ(test, in.payload, (const u8 *)buf + XTCP_HDR_MIN);
	KUNIT_EXPECT_MEMEQ(test, in.payload, "hello", 5);
}

static void segment_test_build_too_small(struct kunit *test)
{
	struct xtcp_seg out = { .flags = XTCP_FLAG_SYN, .mss = 536, .wscale = -1 };
	u8 buf[XTCP_HDR_MAX];

	KUNIT_EXPECT_EQ(test, xtcp_seg_build(buf, 23, &out), 0u);
	KUNIT_EXPECT_EQ(test, xtcp_seg_build(buf, 24, &out), 24u);
}

static void segment_test_short_and_offset(struct kunit *test)
{
	struct xtcp_seg in;
	u8 buf[XTCP_HDR_MAX];

	segment_raw(buf, 5, XTCP_FLAG_ACK);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 19, &in), XTCP_SEG_SHORT);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 0, &in), XTCP_SEG_SHORT);
	segment_raw(buf, 4, XTCP_FLAG_ACK);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 20, &in), XTCP_SEG_BAD_DOFF);
	segment_raw(buf, 0, XTCP_FLAG_ACK);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 20, &in), XTCP_SEG_BAD_DOFF);
	/* Data offset 6 claims 24 bytes of header in a 20-byte segment. */
	segment_raw(buf, 6, XTCP_FLAG_ACK);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 20, &in), XTCP_SEG_BAD_DOFF);
	/* Data offset 15 is the most there is: 40 bytes of options. */
	segment_raw(buf, 15, XTCP_FLAG_ACK);
	memset(buf + XTCP_HDR_MIN, XTCP_OPT_NOP, 40);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, 60, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, in.hdr_len, 60);
}

struct flags_case {
	const char *name;
	u8 flags;
	enum xtcp_seg_verdict verdict;
};

static const struct flags_case flags_cases[] = {
	{ "syn", XTCP_FLAG_SYN, XTCP_SEG_OK },
	{ "syn_ack", XTCP_FLAG_SYN | XTCP_FLAG_ACK, XTCP_SEG_OK },
	{ "ack", XTCP_FLAG_ACK, XTCP_SEG_OK },
	{ "fin_ack", XTCP_FLAG_FIN | XTCP_FLAG_ACK, XTCP_SEG_OK },
	{ "rst", XTCP_FLAG_RST, XTCP_SEG_OK },
	{ "rst_ack", XTCP_FLAG_RST | XTCP_FLAG_ACK, XTCP_SEG_OK },
	{ "syn_fin", XTCP_FLAG_SYN | XTCP_FLAG_FIN, XTCP_SEG_BAD_FLAGS },
	{ "syn_rst", XTCP_FLAG_SYN | XTCP_FLAG_RST, XTCP_SEG_BAD_FLAGS },
	{ "syn_fin_rst_ack", 0x17, XTCP_SEG_BAD_FLAGS },
	{ "fin_no_ack", XTCP_FLAG_FIN, XTCP_SEG_BAD_FLAGS },
	{ "psh_no_ack", XTCP_FLAG_PSH, XTCP_SEG_BAD_FLAGS },
	{ "none", 0, XTCP_SEG_BAD_FLAGS },
};

static void flags_desc(const struct flags_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(flags, flags_cases, flags_desc);

static void segment_test_flags(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct xtcp_seg in;
	u8 buf[XTCP_HDR_MIN];

	segment_raw(buf, 5, c->flags);
	KUNIT_EXPECT_EQ(test, xtcp_seg_parse(buf, sizeof(buf), &in), c->verdict);
}

struct option_case {
	const char *name;
	u8 flags;
	u8 opt[8];		/* the 8 option bytes of a 28-byte header */
	enum xtcp_seg_verdict verdict;
	u16 mss;
	s8 wscale;
};

static const struct option_case option_cases[] = {
	{ "mss", XTCP_FLAG_SYN, { 2, 4, 0x05, 0xb4, 1, 1, 1, 1 }, XTCP_SEG_OK, 1460, -1 },
	{ "unknown_kind_skipped", XTCP_FLAG_SYN, { 99, 4, 0, 0, 2, 4, 0x02, 0x18 },
	  XTCP_SEG_OK, 536, -1 },
	{ "eol_ends_list", XTCP_FLAG_SYN, { 0, 2, 4, 0x05, 0xb4, 0, 0, 0 },
	  XTCP_SEG_OK, 0, -1 },
	{ "wscale_clamped_to_14", XTCP_FLAG_SYN, { 1, 3, 3, 15, 1, 1, 1, 1 },
	  XTCP_SEG_OK, 0, 14 },
	{ "mss_ignored_without_syn", XTCP_FLAG_ACK, { 2, 4, 0x05, 0xb4, 1, 1, 1, 1 },
	  XTCP_SEG_OK, 0, -1 },
	{ "length_zero", XTCP_FLAG_SYN, { 99, 0, 1, 1, 1, 1, 1, 1 }, XTCP_SEG_BAD_OPTION },
	{ "length_one", XTCP_FLAG_SYN, { 99, 1, 1, 1, 1, 1, 1, 1 }, XTCP_SEG_BAD_OPTION },
	{ "runs_past_header", XTCP_FLAG_SYN, { 1, 1, 1, 1, 1, 99, 4, 0 },
	  XTCP_SEG_BAD_OPTION },
	{ "kind_without_length", XTCP_FLAG_SYN, { 1, 1, 1, 1, 1, 1, 1, 99 },
	  XTCP_SEG_BAD_OPTION },
	{ "mss_wrong_length", XTCP_FLAG_SYN, { 2, 3, 5, 1, 1, 1, 1, 1 },
	  XTCP_SEG_BAD_OPTION },
	{ "wscale_wrong_length", XTCP_FLAG_SYN, { 3, 4, 7, 0, 1, 1, 1, 1 },
	  XTCP_SEG_BAD_OPTION },
};

static void option_desc(const struct option_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(option, option_cases, option_desc);

static void segment_test_options(struct kunit *test)
{
	const struct option_case *c = test->param_value;
	struct xtcp_seg in;
	u8 buf[28];

	segment_raw(buf, 7, c->flags);
	memcpy(buf + XTCP_HDR_MIN, c->opt, sizeof(c->opt));
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, sizeof(buf), &in), c->verdict);
	if (c->verdict != XTCP_SEG_OK)
		return;
	KUNIT_EXPECT_EQ(test, in.mss, c->mss);
	KUNIT_EXPECT_EQ(test, in.wscale, c->wscale);
	KUNIT_EXPECT_EQ(test, in.payload_len, 0u);
}

/*
 * A SYN from 10.0.0.1:40000 to 10.0.0.2:5001 with MSS 1460, window scale 7
 * and the payload "xtcp". Its checksums were computed outside the kernel
 * (RFC 1071, in Python): 0xe05d with TCP's protocol number, 0xdf66 with 253.
 */
static const u8 vector_syn[] = {
	0x9c, 0x40, 0x13, 0x89, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
	0x01, 0x03, 0x03, 0x07, 'x', 't', 'c', 'p',
};

static void segment_test_checksum(struct kunit *test)
{
	__be32 saddr = htonl(0x0a000001), daddr = htonl(0x0a000002);
	u8 buf[sizeof(vector_syn)];
	struct xtcp_seg out = {
		.src_port = 40000, .dst_port = 5001, .seq = 0x01020304,
		.flags = XTCP_FLAG_SYN, .window = 65535, .mss = 1460,
		.wscale = 7,
	};
	__sum16 sum;

	/* xtcp_seg_build() writes the same bytes as the vector. */
	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 28u);
	memcpy(buf + 28, "xtcp", 4);
	KUNIT_EXPECT_MEMEQ(test, buf, vector_syn, sizeof(buf));

	sum = xtcp_seg_checksum(saddr, daddr, buf, sizeof(buf), IPPROTO_TCP);
	memcpy(buf + 16, &sum, 2);
	KUNIT_EXPECT_EQ(test, buf[16], 0xe0);
	KUNIT_EXPECT_EQ(test, buf[17], 0x5d);

	memset(buf + 16, 0, 2);
	sum = xtcp_seg_checksum(saddr, daddr, buf, sizeof(buf), 253);
	memcpy(buf + 16, &sum, 2);
	KUNIT_EXPECT_EQ(test, buf[16], 0xdf);
	KUNIT_EXPECT_EQ(test, buf[17], 0x66);

	/* A segment carrying its right checksum sums to zero... */
	KUNIT_EXPECT_EQ(test, (__force u16)xtcp_seg_checksum(saddr, daddr, buf,
							     sizeof(buf), 253), 0);
	/* ...and one flipped bit, or another protocol number, does not. */
	buf[30] ^= 0x01;
	KUNIT_EXPECT_NE(test, (__force u16)xtcp_seg_checksum(saddr, daddr, buf,
							     sizeof(buf), 253), 0);
	buf[30] ^= 0x01;
	KUNIT_EXPECT_NE(test, (__force u16)xtcp_seg_checksum(saddr, daddr, buf,
							     sizeof(buf), 254), 0);
}

/*
 * SACK-permitted and timestamps on a SYN (Linux's layout: mss, sackOK,
 * TS val ecr, nop, wscale), SACK blocks on an ACK, and each of them with a
 * wrong length ignored rather than refused, as Linux ignores them.
 */
static void segment_test_sack_timestamps(struct kunit *test)
{
	static const u8 syn_opts[] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK-permitted */
		8, 10, 0, 0, 0x30, 0x39, 0, 0, 0, 0,	/* TS val 12345 ecr 0 */
		1, 3, 3, 7,			/* NOP, wscale 7 */
	};
	static const u8 ack_opts[] = {
		1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0x30, 0x39,	/* TS val 9 ecr 12345 */
		1, 1, 5, 18,				/* SACK, two blocks */
		0x10, 0, 0, 0, 0x10, 0, 0x10, 0,	/* [0x10000000, 0x10001000) */
		0xff, 0xff, 0xf0, 0, 0, 0, 0x10, 0,	/* [0xfffff000, 0x1000): across 2^32 */
	};
	static const u8 bad_opts[] = {
		4, 3, 0,			/* SACK-permitted of length 3 */
		5, 9, 0, 0, 0, 0, 0, 0, 0,	/* SACK of length 9 */
		8, 6, 0, 0, 0, 1,		/* timestamps of length 6 */
		0, 0, 0, 0, 0, 0,
	};
	u8 buf[XTCP_HDR_MAX];
	struct xtcp_seg seg;

	segment_raw(buf, 5 + sizeof(syn_opts) / 4, XTCP_FLAG_SYN);
	memcpy(buf + XTCP_HDR_MIN, syn_opts, sizeof(syn_opts));
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, XTCP_HDR_MIN + sizeof(syn_opts), &seg),
			XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, seg.mss, 1460);
	KUNIT_EXPECT_TRUE(test, seg.sack_ok);
	KUNIT_EXPECT_TRUE(test, seg.ts_ok);
	KUNIT_EXPECT_EQ(test, seg.ts_val, 12345u);
	KUNIT_EXPECT_EQ(test, seg.ts_ecr, 0u);
	KUNIT_EXPECT_EQ(test, seg.wscale, 7);
	KUNIT_EXPECT_EQ(test, seg.sack_blocks, 0);

	segment_raw(buf, 5 + sizeof(ack_opts) / 4, XTCP_FLAG_ACK);
	memcpy(buf + XTCP_HDR_MIN, ack_opts, sizeof(ack_opts));
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, XTCP_HDR_MIN + sizeof(ack_opts), &seg),
			XTCP_SEG_OK);
	KUNIT_EXPECT_FALSE(test, seg.sack_ok);
	KUNIT_EXPECT_TRUE(test, seg.ts_ok);
	KUNIT_EXPECT_EQ(test, seg.ts_val, 9u);
	KUNIT_EXPECT_EQ(test, seg.ts_ecr, 12345u);
	KUNIT_ASSERT_EQ(test, seg.sack_blocks, 2);
	KUNIT_EXPECT_EQ(test, seg.sack[0].start, 0x10000000u);
	KUNIT_EXPECT_EQ(test, seg.sack[0].end, 0x10001000u);
	KUNIT_EXPECT_EQ(test, seg.sack[1].start, 0xfffff000u);
	KUNIT_EXPECT_EQ(test, seg.sack[1].end, 0x1000u);
	/* Where the blocks are in the header, for the skb's control block. */
	KUNIT_EXPECT_EQ(test, seg.sack_off, XTCP_HDR_MIN + 16);
	KUNIT_EXPECT_EQ(test, xtcp_be32(buf + seg.sack_off + 8), 0xfffff000u);

	segment_raw(buf, 5 + sizeof(bad_opts) / 4, XTCP_FLAG_SYN);
	memcpy(buf + XTCP_HDR_MIN, bad_opts, sizeof(bad_opts));
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, XTCP_HDR_MIN + sizeof(bad_opts), &seg),
			XTCP_SEG_OK);
	KUNIT_EXPECT_FALSE(test, seg.sack_ok);
	KUNIT_EXPECT_FALSE(test, seg.ts_ok);
	KUNIT_EXPECT_EQ(test, seg.sack_blocks, 0);
}

/* The SYN's options in Linux's layout without timestamps: mss, nop, nop, sackOK, nop, wscale. */
static void segment_test_build_sack_layout(struct kunit *test)
{
	static const u8 syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7 };
	static const u8 ack_opts[] = { 1, 1, 5, 18, 0, 0, 0x10, 0, 0, 0, 0x20, 0,
				       0, 0, 0x30, 0, 0, 0, 0x40, 0 };
	struct xtcp_seg out = {
		.flags = XTCP_FLAG_SYN, .mss = 1460, .sack_ok = 1, .wscale = 7,
	}, in;
	u8 buf[XTCP_HDR_MAX];

	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 32u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + XTCP_HDR_MIN, syn_opts, sizeof(syn_opts)), 0);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, 32, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_TRUE(test, in.sack_ok);
	KUNIT_EXPECT_EQ(test, in.wscale, 7);

	/* An ACK's SACK blocks: nop, nop, SACK, 2 + 8n, the edges. */
	memset(&out, 0, sizeof(out));
	out.flags = XTCP_FLAG_ACK;
	out.wscale = -1;
	out.sack_blocks = 2;
	out.sack[0].start = 0x1000;
	out.sack[0].end = 0x2000;
	out.sack[1].start = 0x3000;
	out.sack[1].end = 0x4000;
	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 40u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + XTCP_HDR_MIN, ack_opts, sizeof(ack_opts)), 0);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, 40, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, in.sack_blocks, 2);
	KUNIT_EXPECT_EQ(test, in.sack[1].end, 0x4000u);
	/* Four blocks fill 36 of the 40 option bytes; a fifth is never built. */
	out.sack_blocks = 4;
	KUNIT_EXPECT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 56u);
	out.sack_blocks = 5;
	KUNIT_EXPECT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 20u);
}

/*
 * Linux's layout with timestamps (tcp_options_write()): a SYN's mss,
 * sackOK, TS, nop, wscale (sackOK where the NOPs would be); without SACK,
 * nop, nop, TS; an ACK's TS then at most three SACK blocks (40 bytes).
 */
static void segment_test_build_timestamps_layout(struct kunit *test)
{
	static const u8 syn_opts[] = { 2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78,
				       0, 0, 0, 0, 1, 3, 3, 7 };
	static const u8 nosack_opts[] = { 2, 4, 0xff, 0xd7, 1, 1, 8, 10, 0x12, 0x34, 0x56,
					  0x78, 0, 0, 0, 0, 1, 3, 3, 7 };
	static const u8 ack_opts[] = { 1, 1, 8, 10, 0, 0, 0, 9, 0x12, 0x34, 0x56, 0x78,
				       1, 1, 5, 26 };
	struct xtcp_seg out = {
		.flags = XTCP_FLAG_SYN, .mss = 65495, .sack_ok = 1, .wscale = 7,
		.ts_ok = 1, .ts_val = 0x12345678,
	}, in;
	u8 buf[XTCP_HDR_MAX];
	unsigned int b;

	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 40u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + XTCP_HDR_MIN, syn_opts, sizeof(syn_opts)), 0);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, 40, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_TRUE(test, in.sack_ok);
	KUNIT_EXPECT_TRUE(test, in.ts_ok);
	KUNIT_EXPECT_EQ(test, in.ts_val, 0x12345678u);
	KUNIT_EXPECT_EQ(test, in.ts_ecr, 0u);
	KUNIT_EXPECT_EQ(test, in.mss, 65495);
	KUNIT_EXPECT_EQ(test, in.wscale, 7);

	out.sack_ok = 0;
	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 40u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + XTCP_HDR_MIN, nosack_opts, sizeof(nosack_opts)), 0);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, 40, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_FALSE(test, in.sack_ok);
	KUNIT_EXPECT_TRUE(test, in.ts_ok);

	memset(&out, 0, sizeof(out));
	out.flags = XTCP_FLAG_ACK;
	out.wscale = -1;
	out.ts_ok = 1;
	out.ts_val = 9;
	out.ts_ecr = 0x12345678;
	out.sack_blocks = 3;
	for (b = 0; b < 3; b++) {
		out.sack[b].start = 0x1000 * (2 * b + 1);
		out.sack[b].end = 0x1000 * (2 * b + 2);
	}
	KUNIT_ASSERT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 60u);
	KUNIT_EXPECT_EQ(test, memcmp(buf + XTCP_HDR_MIN, ack_opts, sizeof(ack_opts)), 0);
	KUNIT_ASSERT_EQ(test, xtcp_seg_parse(buf, 60, &in), XTCP_SEG_OK);
	KUNIT_EXPECT_EQ(test, in.ts_val, 9u);
	KUNIT_EXPECT_EQ(test, in.ts_ecr, 0x12345678u);
	KUNIT_ASSERT_EQ(test, in.sack_blocks, 3);
	KUNIT_EXPECT_EQ(test, in.sack[2].end, 0x6000u);
	/* A fourth block does not fit beside the timestamps. */
	out.sack_blocks = 4;
	KUNIT_EXPECT_EQ(test, xtcp_seg_build(buf, sizeof(buf), &out), 32u);
}

static void segment_test_verdict_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, xtcp_seg_verdict_name(XTCP_SEG_OK), "ok");
	KUNIT_EXPECT_STREQ(test, xtcp_seg_verdict_name(XTCP_SEG_BAD_CSUM), "bad_csum");
	KUNIT_EXPECT_STREQ(test, xtcp_seg_verdict_name(XTCP_SEG_VERDICTS), "unknown");
}

static struct kunit_case segment_test_cases[] = {
	KUNIT_CASE(segment_test_syn_round_trip),
	KUNIT_CASE(segment_test_ack_with_payload),
	KUNIT_CASE(segment_test_build_too_small),
	KUNIT_CASE(segment_test_short_and_offset),
	KUNIT_CASE_PARAM(segment_test_flags, flags_gen_params),
	KUNIT_CASE_PARAM(segment_test_options, option_gen_params),
	KUNIT_CASE(segment_test_checksum),
	KUNIT_CASE(segment_test_sack_timestamps),
	KUNIT_CASE(segment_test_build_sack_layout),
	KUNIT_CASE(segment_test_build_timestamps_layout),
	KUNIT_CASE(segment_test_verdict_names),
	{}
};

static struct kunit_suite segment_test_suite = {
	.name = "xtcp_segment",
	.test_cases = segment_test_cases,
};

kunit_test_suite(segment_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xtcp");
