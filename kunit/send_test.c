// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the send decision (output.c's xtcp_send_decide): how much of the
 * first unsent segment may go, by the peer's window, the congestion window
 * (RFC 5681), Nagle's algorithm in Minshall's form (RFC 896, RFC 9293
 * 3.7.4), XTCP_CORK and MSG_MORE, and sender SWS avoidance (RFC 9293
 * 3.8.6.2.1); a window probe takes whatever fits.
 */
#include <kunit/test.h>

#include "xtcp/output.h"
#include "xtcp/state.h"

#define UNA	1000u
#define MSS	1000u

struct send_case {
	const char *name;
	u32 len;		/* the segment at send_head; it starts at UNA + in_flight */
	u32 in_flight;
	u32 cwnd;
	u32 snd_wnd;
	u32 max_snd_wnd;
	bool small_unacked;	/* a small segment of ours is not yet acknowledged */
	bool not_last;		/* more is queued behind it */
	bool cork, nodelay, fin_queued;
	enum xtcp_push_how how;
	u32 sends;		/* the bytes that go */
};

static const struct send_case send_cases[] = {
	{ "full segment, open windows", MSS, 0, 10 * MSS, 65535, 65535, .sends = MSS },
	{ "SYN or FIN takes no window", 0, 0, 10 * MSS, 65535, 65535, .sends = 0 },
	/* Nagle: one small segment in flight at most. */
	{ "small, nothing small unacked", 100, 0, 10 * MSS, 65535, 65535, .sends = 100 },
	{ "small while a small one is unacked: held", 100, 100, 10 * MSS, 65535, 65535,
	  .small_unacked = true, .sends = 0 },
	{ "full while a small one is unacked: goes", MSS, 100, 10 * MSS, 65535, 65535,
	  .small_unacked = true, .sends = MSS },
	{ "small, not the last: goes", 100, 100, 10 * MSS, 65535, 65535,
	  .small_unacked = true, .not_last = true, .sends = 100 },
	{ "small, NODELAY", 100, 100, 10 * MSS, 65535, 65535,
	  .small_unacked = true, .nodelay = true, .sends = 100 },
	{ "small after shutdown(SHUT_WR)", 100, 100, 10 * MSS, 65535, 65535,
	  .small_unacked = true, .fin_queued = true, .sends = 100 },
	/* The cork and MSG_MORE hold a partial segment whatever NODELAY says. */
	{ "small, corked", 100, 0, 10 * MSS, 65535, 65535, .cork = true, .sends = 0 },
	{ "small, corked, NODELAY", 100, 0, 10 * MSS, 65535, 65535,
	  .cork = true, .nodelay = true, .sends = 0 },
	{ "full, corked", MSS, 0, 10 * MSS, 65535, 65535, .cork = true, .sends = MSS },
	{ "small, MSG_MORE", 100, 0, 10 * MSS, 65535, 65535, .how = XTCP_PUSH_MORE, .sends = 0 },
	{ "small, corked, pushed now", 100, 0, 10 * MSS, 65535, 65535,
	  .cork = true, .how = XTCP_PUSH_NOW, .sends = 100 },
	/* RFC 5681: the congestion window, unless nothing is in flight. */
	{ "beyond cwnd: held", MSS, 2 * MSS, 2 * MSS, 65535, 65535, .not_last = true, .sends = 0 },
	{ "nothing in flight: cwnd smaller than the segment", MSS, 0, 500, 65535, 65535,
	  .sends = MSS },
	/* The peer's window and sender SWS avoidance. */
	{ "window takes all of it", MSS, 0, 10 * MSS, MSS, 65535, .sends = MSS },
	{ "window shut", MSS, 0, 10 * MSS, 0, 65535, .sends = 0 },
	{ "window room of 500, max 65535: wait", MSS, 0, 10 * MSS, 500, 65535, .sends = 0 },
	{ "window room of 500, max 800: half the max, send a part", MSS, 0, 10 * MSS, 500, 800,
	  .sends = 500 },
	{ "window probe takes 1 byte", MSS, 0, 10 * MSS, 1, 65535, .how = XTCP_PUSH_PROBE,
	  .sends = 1 },
	{ "window probe ignores cwnd and the cork", 100, 2 * MSS, MSS, 65535, 65535,
	  .cork = true, .how = XTCP_PUSH_PROBE, .sends = 100 },
	/* An skb of several segments (GSO routes): whole segments, as tcp_mss_split_point(). */
	{ "several segments, open windows: all", 10 * MSS, 0, 20 * MSS, 65535, 65535,
	  .sends = 10 * MSS },
	{ "several segments, cwnd takes three", 10 * MSS, 2 * MSS, 5 * MSS, 65535, 65535,
	  .sends = 3 * MSS },
	{ "several segments, cwnd room under one: held", 10 * MSS, 2 * MSS, 2 * MSS + 500,
	  65535, 65535, .sends = 0 },
	{ "several segments, the peer's window takes four", 10 * MSS, 0, 20 * MSS, 4 * MSS + 300,
	  65535, .sends = 4 * MSS },
	{ "several and a partial, a small one unacked: the partial waits", 3 * MSS + 100, 100,
	  20 * MSS, 65535, 65535, .small_unacked = true, .sends = 3 * MSS },
	{ "several and a partial, NODELAY: all", 3 * MSS + 100, 100, 20 * MSS, 65535, 65535,
	  .small_unacked = true, .nodelay = true, .sends = 3 * MSS + 100 },
	{ "several and a partial, nothing small unacked: all", 3 * MSS + 100, 0, 20 * MSS,
	  65535, 65535, .sends = 3 * MSS + 100 },
	{ "several and a partial, corked: the whole ones", 3 * MSS + 100, 0, 20 * MSS,
	  65535, 65535, .cork = true, .sends = 3 * MSS },
};

static void send_case_desc(const struct send_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(send, send_cases, send_case_desc);

static void send_test_decide(struct kunit *test)
{
	const struct send_case *t = test->param_value;
	struct xtcp_tcb tcb = {
		.snd_una = UNA, .snd_nxt = UNA + t->in_flight, .snd_wnd = t->snd_wnd,
		.max_snd_wnd = t->max_snd_wnd,
		/* snd_sml past SND.UNA: a small segment is in flight. */
		.snd_sml = t->small_unacked ? UNA + t->in_flight : UNA,
	};
	struct xtcp_send_cond c = {
		.seq = UNA + t->in_flight, .len = t->len, .last = !t->not_last,
		.fin_queued = t->fin_queued, .cork = t->cork, .nodelay = t->nodelay,
		.mss = MSS, .in_flight = t->in_flight, .cwnd = t->cwnd,
	};

	KUNIT_EXPECT_EQ(test, xtcp_send_decide(&tcb, &c, t->how), t->sends);
}

/* Sequence numbers wrap: the window's room is counted across 2^32. */
static void send_test_wrap(struct kunit *test)
{
	struct xtcp_tcb tcb = {
		.snd_una = 0xffffff00, .snd_nxt = 0xffffff00, .snd_wnd = 1000,
		.max_snd_wnd = 900, .snd_sml = 0xffffff00,
	};
	struct xtcp_send_cond c = {
		.seq = 0xffffff00, .len = MSS, .last = true, .mss = MSS, .cwnd = 10 * MSS,
	};

	KUNIT_EXPECT_EQ(test, xtcp_send_decide(&tcb, &c, XTCP_PUSH_NAGLE), MSS);
	/* 512 past SND.UNA: 488 of the 1000 left, over half the largest window. */
	c.seq = 0x100;
	c.in_flight = 0x200;
	KUNIT_EXPECT_EQ(test, xtcp_send_decide(&tcb, &c, XTCP_PUSH_NAGLE), 488u);
}

/*
 * A GSO packet's size (tcp_tso_autosize()): a millisecond at twice (slow
 * start) or 1.2 times (after) cwnd per SRTT, plus 64 KiB >> (min_rtt /
 * 512 us), 2 segments at least, 64 KiB at most; the figures as Linux
 * computes them for the same cwnd and round trips.
 */
static void send_test_tso_autosize(struct kunit *test)
{
	u32 full = XTCP_GSO_MAX / 1448;

	/* 100 segments over 20 ms: 14.48 MB/s in slow start, 14140 B a ms. */
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 100 * 1448, ~0u, 20000, 20000), 9u);
	/* After slow start 8.688 MB/s, 8484 B. */
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 100 * 1448, 100 * 1448, 20000, 20000), 5u);
	/* A least round trip of 1-1.5 ms adds 16 KiB, under 512 us 64 KiB. */
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 10 * 1448, ~0u, 100000, 1200),
			(u32)(282 + (XTCP_GSO_MAX >> 2)) / 1448);
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 10 * 1448, ~0u, 100000, 511), full);
	/* Before any round trip is measured: 64 KiB, as Linux's unset rate. */
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 10 * 1448, ~0u, 0, 0), full);
	/* Never under 2 segments, whatever the rate. */
	KUNIT_EXPECT_EQ(test, xtcp_tso_autosize(1448, 2 * 1448, 2 * 1448, 1000000, 1000000), 2u);
}

static struct kunit_case send_test_cases[] = {
	KUNIT_CASE_PARAM(send_test_decide, send_gen_params),
	KUNIT_CASE(send_test_wrap),
	KUNIT_CASE(send_test_tso_autosize),
	{}
};

static struct kunit_suite send_test_suite = {
	.name = "xtcp_send",
	.test_cases = send_test_cases,
};

kunit_test_suite(send_test_suite);
