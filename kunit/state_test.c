// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the state machine (RFC 9293 3.10.7) over every state and every
 * kind of segment, the TIME_WAIT decisions (RFC 6191, RFC 5961), the user's
 * CLOSE, keepalive and retransmission backoff with the clock passed in, and
 * ISN properties (RFC 6528).
 */
#include <kunit/test.h>

#include "xtcp/ack.h"
#include "xtcp/state.h"
#include "xtcp/rtt.h"
#include "xtcp/syncookies.h"
#include "xtcp/timeout.h"
#include "xtcp/xtcp.h"

#define ISS	1000u
#define IRS	5000u
#define WND	1000u

/*
 * The connection each state is tested in: our ISS 1000, their ISN 5000;
 * in the states after our FIN, the FIN is at 1001; after theirs, theirs at 5001.
 */
static void fixture(u8 state, struct xtcp_tcb *t, struct xtcp_ctx *c)
{
	memset(t, 0, sizeof(*t));
	memset(c, 0, sizeof(*c));
	c->state = state;
	t->iss = ISS;
	t->snd_una = ISS + 1;
	t->snd_nxt = ISS + 1;
	t->rcv_nxt = IRS + 1;
	t->rcv_wnd = WND;
	t->max_snd_wnd = WND;
	c->rcv_space = WND;
	t->snd_wl1 = IRS + 1;
	t->snd_wl2 = ISS + 1;
	switch (state) {
	case XTCP_SYN_SENT:
		t->snd_una = ISS;
		t->rcv_nxt = 0;
		break;
	case XTCP_SYN_RECV:
		t->snd_una = ISS;
		break;
	case XTCP_FIN_WAIT1:
		c->fin_sent = true;
		t->snd_nxt = ISS + 2;
		break;
	case XTCP_FIN_WAIT2:
		c->fin_sent = true;
		t->snd_una = ISS + 2;
		t->snd_nxt = ISS + 2;
		t->snd_wl2 = ISS + 2;
		break;
	case XTCP_CLOSE_WAIT:
		t->rcv_nxt = IRS + 2;
		t->snd_wl1 = IRS + 2;
		break;
	case XTCP_CLOSING:
	case XTCP_LAST_ACK:
		c->fin_sent = true;
		t->snd_nxt = ISS + 2;
		t->rcv_nxt = IRS + 2;
		t->snd_wl1 = IRS + 2;
		break;
	}
}

#define S	XTCP_FLAG_SYN
#define A	XTCP_FLAG_ACK
#define F	XTCP_FLAG_FIN
#define R	XTCP_FLAG_RST
#define P	XTCP_FLAG_PSH

#define SEND_ACK	XTCP_ACT_SEND_ACK
#define SYNACK		XTCP_ACT_SEND_SYNACK
#define SEND_RST	XTCP_ACT_SEND_RST
#define CHALLENGE	XTCP_ACT_CHALLENGE_ACK
#define DATA		XTCP_ACT_ACCEPT_DATA
#define OOO		XTCP_ACT_QUEUE_OOO
#define DUPACK		XTCP_ACT_DUPACK
#define DELAY_ACK	XTCP_ACT_DELAY_ACK
#define FIN		XTCP_ACT_ACCEPT_FIN
#define ACKED		XTCP_ACT_ACKED
#define WINDOW		XTCP_ACT_WINDOW
#define SYNCED		XTCP_ACT_SYNCHRONIZED
#define RESET		XTCP_ACT_RESET
#define CHILD		XTCP_ACT_NEW_CHILD
#define IRS_SET		XTCP_ACT_SET_IRS
#define DROP		XTCP_ACT_DROP
#define QUICKACK	XTCP_ACT_QUICKACK

struct transition {
	const char *name;
	u8 state;
	u8 flags;
	u32 seq, ack, len;
	u8 next;		/* the state after */
	u32 actions;		/* exactly these */
	int err;		/* with RESET */
	u32 rst_seq;		/* with SEND_RST */
};

static const struct transition transitions[] = {
	/* CLOSED (3.10.7.1): no TCB, a RST answers anything but a RST. */
	{ "closed_syn", XTCP_CLOSE, S, 7, 0, 0, XTCP_CLOSE, SEND_RST | DROP, 0, 0 },
	{ "closed_ack", XTCP_CLOSE, A, 7, 4242, 0, XTCP_CLOSE, SEND_RST | DROP, 0, 4242 },
	{ "closed_rst", XTCP_CLOSE, R, 7, 0, 0, XTCP_CLOSE, DROP },
	{ "closed_fin_ack", XTCP_CLOSE, F | A, 7, 99, 0, XTCP_CLOSE, SEND_RST | DROP, 0, 99 },

	/* LISTEN (3.10.7.2) */
	{ "listen_syn", XTCP_LISTEN, S, IRS, 0, 0, XTCP_LISTEN, CHILD },
	{ "listen_ack", XTCP_LISTEN, A, IRS, 77, 0, XTCP_LISTEN, SEND_RST | DROP, 0, 77 },
	{ "listen_syn_ack", XTCP_LISTEN, S | A, IRS, 77, 0, XTCP_LISTEN, SEND_RST | DROP, 0, 77 },
	{ "listen_rst", XTCP_LISTEN, R, IRS, 0, 0, XTCP_LISTEN, DROP },
	{ "listen_fin_ack", XTCP_LISTEN, F | A, IRS, 8, 0, XTCP_LISTEN, SEND_RST | DROP, 0, 8 },

	/* SYN-SENT (3.10.7.3) */
	{ "syn_sent_syn_ack", XTCP_SYN_SENT, S | A, IRS, ISS + 1, 0, XTCP_ESTABLISHED,
	  IRS_SET | WINDOW | ACKED | SYNCED | SEND_ACK },
	{ "syn_sent_syn_simultaneous", XTCP_SYN_SENT, S, IRS, 0, 0, XTCP_SYN_RECV,
	  IRS_SET | WINDOW | SYNACK },
	{ "syn_sent_ack_of_iss", XTCP_SYN_SENT, A, IRS, ISS, 0, XTCP_SYN_SENT,
	  SEND_RST | DROP, 0, ISS },
	{ "syn_sent_ack_beyond", XTCP_SYN_SENT, S | A, IRS, ISS + 9, 0, XTCP_SYN_SENT,
	  SEND_RST | DROP, 0, ISS + 9 },
	{ "syn_sent_rst_ack", XTCP_SYN_SENT, R | A, 0, ISS + 1, 0, XTCP_CLOSE, RESET | DROP,
	  ECONNREFUSED },
	{ "syn_sent_rst_bad_ack", XTCP_SYN_SENT, R | A, 0, ISS + 5, 0, XTCP_SYN_SENT, DROP },
	{ "syn_sent_rst_no_ack", XTCP_SYN_SENT, R, 0, 0, 0, XTCP_SYN_SENT, DROP },
	{ "syn_sent_ack_no_syn", XTCP_SYN_SENT, A, IRS, ISS + 1, 0, XTCP_SYN_SENT, DROP },
	{ "syn_sent_fin_ack", XTCP_SYN_SENT, F | A, IRS, ISS + 1, 0, XTCP_SYN_SENT, DROP },

	/* SYN-RECEIVED */
	{ "syn_recv_ack", XTCP_SYN_RECV, A, IRS + 1, ISS + 1, 0, XTCP_ESTABLISHED,
	  SYNCED | ACKED | WINDOW },
	{ "syn_recv_bad_ack", XTCP_SYN_RECV, A, IRS + 1, ISS, 0, XTCP_SYN_RECV,
	  SEND_RST | DROP, 0, ISS },
	{ "syn_recv_syn_again", XTCP_SYN_RECV, S, IRS, 0, 0, XTCP_SYN_RECV, SYNACK | DROP },
	{ "syn_recv_rst", XTCP_SYN_RECV, R, IRS + 1, 0, 0, XTCP_CLOSE, RESET | DROP,
	  ECONNREFUSED },
	{ "syn_recv_data", XTCP_SYN_RECV, A | P, IRS + 1, ISS + 1, 10, XTCP_ESTABLISHED,
	  SYNCED | ACKED | WINDOW | DATA | SEND_ACK },
	{ "syn_recv_fin", XTCP_SYN_RECV, F | A, IRS + 1, ISS + 1, 0, XTCP_CLOSE_WAIT,
	  SYNCED | ACKED | WINDOW | FIN | SEND_ACK },
	{ "syn_recv_no_ack", XTCP_SYN_RECV, F, IRS + 1, 0, 0, XTCP_SYN_RECV, DROP },

	/* ESTABLISHED */
	{ "est_ack", XTCP_ESTABLISHED, A, IRS + 1, ISS + 1, 0, XTCP_ESTABLISHED, WINDOW },
	{ "est_data", XTCP_ESTABLISHED, A | P, IRS + 1, ISS + 1, 10, XTCP_ESTABLISHED,
	  WINDOW | DATA | SEND_ACK },
	{ "est_data_out_of_order", XTCP_ESTABLISHED, A, IRS + 100, ISS + 1, 10,
	  XTCP_ESTABLISHED, WINDOW | OOO | SEND_ACK },
	{ "est_data_old", XTCP_ESTABLISHED, A, IRS - 50, ISS + 1, 10, XTCP_ESTABLISHED,
	  SEND_ACK | QUICKACK | DROP },
	{ "est_data_beyond_window", XTCP_ESTABLISHED, A, IRS + 1 + WND, ISS + 1, 10,
	  XTCP_ESTABLISHED, SEND_ACK | QUICKACK | DROP },
	{ "est_ack_unsent", XTCP_ESTABLISHED, A, IRS + 1, ISS + 50, 0, XTCP_ESTABLISHED,
	  SEND_ACK | DROP },
	{ "est_fin", XTCP_ESTABLISHED, F | A, IRS + 1, ISS + 1, 0, XTCP_CLOSE_WAIT,
	  WINDOW | FIN | SEND_ACK },
	{ "est_data_fin", XTCP_ESTABLISHED, F | A, IRS + 1, ISS + 1, 10, XTCP_CLOSE_WAIT,
	  WINDOW | DATA | FIN | SEND_ACK },
	{ "est_fin_out_of_order", XTCP_ESTABLISHED, F | A, IRS + 5, ISS + 1, 0,
	  XTCP_ESTABLISHED, WINDOW },
	{ "est_rst_exact", XTCP_ESTABLISHED, R, IRS + 1, 0, 0, XTCP_CLOSE, RESET | DROP,
	  ECONNRESET },
	{ "est_rst_in_window", XTCP_ESTABLISHED, R, IRS + 10, 0, 0, XTCP_ESTABLISHED,
	  CHALLENGE | DROP },
	{ "est_rst_outside", XTCP_ESTABLISHED, R, IRS + 5000, 0, 0, XTCP_ESTABLISHED, DROP },
	{ "est_syn", XTCP_ESTABLISHED, S, IRS + 1, 0, 0, XTCP_ESTABLISHED, CHALLENGE | DROP },
	{ "est_syn_outside", XTCP_ESTABLISHED, S, 77, 0, 0, XTCP_ESTABLISHED,
	  CHALLENGE | DROP },
	{ "est_no_ack", XTCP_ESTABLISHED, P, IRS + 1, 0, 5, XTCP_ESTABLISHED, DROP },
	/* RFC 5961 5.2: ACKs from SND.UNA - MAX.SND.WND on are acceptable. */
	{ "est_data_old_ack_in_max_window", XTCP_ESTABLISHED, A, IRS + 1, ISS + 1 - WND, 10,
	  XTCP_ESTABLISHED, DATA | SEND_ACK },
	{ "est_data_ack_below_max_window", XTCP_ESTABLISHED, A, IRS + 1, ISS - WND, 10,
	  XTCP_ESTABLISHED, CHALLENGE | DROP },
	{ "est_data_ack_2e30_below", XTCP_ESTABLISHED, A, IRS + 1, ISS + 1 - (1u << 30), 10,
	  XTCP_ESTABLISHED, CHALLENGE | DROP },

	/* FIN-WAIT-1: our FIN at ISS + 1 */
	{ "fw1_ack_of_fin", XTCP_FIN_WAIT1, A, IRS + 1, ISS + 2, 0, XTCP_FIN_WAIT2,
	  ACKED | WINDOW },
	{ "fw1_ack_not_fin", XTCP_FIN_WAIT1, A, IRS + 1, ISS + 1, 0, XTCP_FIN_WAIT1, WINDOW },
	{ "fw1_fin_ack_of_fin", XTCP_FIN_WAIT1, F | A, IRS + 1, ISS + 2, 0, XTCP_TIME_WAIT,
	  ACKED | WINDOW | FIN | SEND_ACK },
	{ "fw1_fin_simultaneous", XTCP_FIN_WAIT1, F | A, IRS + 1, ISS + 1, 0, XTCP_CLOSING,
	  WINDOW | FIN | SEND_ACK },
	{ "fw1_data", XTCP_FIN_WAIT1, A, IRS + 1, ISS + 1, 10, XTCP_FIN_WAIT1,
	  WINDOW | DATA | SEND_ACK },
	{ "fw1_rst", XTCP_FIN_WAIT1, R, IRS + 1, 0, 0, XTCP_CLOSE, RESET | DROP, ECONNRESET },
	{ "fw1_syn", XTCP_FIN_WAIT1, S, IRS + 1, 0, 0, XTCP_FIN_WAIT1, CHALLENGE | DROP },

	/* FIN-WAIT-2: half-closed, the peer may still send */
	{ "fw2_data", XTCP_FIN_WAIT2, A, IRS + 1, ISS + 2, 10, XTCP_FIN_WAIT2,
	  WINDOW | DATA | SEND_ACK },
	{ "fw2_fin", XTCP_FIN_WAIT2, F | A, IRS + 1, ISS + 2, 0, XTCP_TIME_WAIT,
	  WINDOW | FIN | SEND_ACK },
	{ "fw2_ack", XTCP_FIN_WAIT2, A, IRS + 1, ISS + 2, 0, XTCP_FIN_WAIT2, WINDOW },
	{ "fw2_rst", XTCP_FIN_WAIT2, R, IRS + 1, 0, 0, XTCP_CLOSE, RESET | DROP, ECONNRESET },

	/* CLOSE-WAIT: their FIN is in, at IRS + 1 */
	{ "cw_ack", XTCP_CLOSE_WAIT, A, IRS + 2, ISS + 1, 0, XTCP_CLOSE_WAIT, WINDOW },
	{ "cw_fin_again", XTCP_CLOSE_WAIT, F | A, IRS + 1, ISS + 1, 0, XTCP_CLOSE_WAIT,
	  SEND_ACK | DROP },
	{ "cw_data_after_fin", XTCP_CLOSE_WAIT, A, IRS + 2, ISS + 1, 10, XTCP_CLOSE_WAIT,
	  WINDOW | SEND_ACK | QUICKACK },
	{ "cw_rst", XTCP_CLOSE_WAIT, R, IRS + 2, 0, 0, XTCP_CLOSE, RESET | DROP, ECONNRESET },

	/* CLOSING: both FINs sent, ours unacknowledged */
	{ "closing_ack_of_fin", XTCP_CLOSING, A, IRS + 2, ISS + 2, 0, XTCP_TIME_WAIT,
	  ACKED | WINDOW },
	{ "closing_ack_not_fin", XTCP_CLOSING, A, IRS + 2, ISS + 1, 0, XTCP_CLOSING, WINDOW },
	{ "closing_rst", XTCP_CLOSING, R, IRS + 2, 0, 0, XTCP_CLOSE, RESET | DROP, 0 },

	/* LAST-ACK */
	{ "last_ack_ack_of_fin", XTCP_LAST_ACK, A, IRS + 2, ISS + 2, 0, XTCP_CLOSE,
	  ACKED | WINDOW },
	{ "last_ack_ack_not_fin", XTCP_LAST_ACK, A, IRS + 2, ISS + 1, 0, XTCP_LAST_ACK, WINDOW },
	{ "last_ack_fin_again", XTCP_LAST_ACK, F | A, IRS + 1, ISS + 1, 0, XTCP_LAST_ACK,
	  SEND_ACK | DROP },
	{ "last_ack_rst", XTCP_LAST_ACK, R, IRS + 2, 0, 0, XTCP_CLOSE, RESET | DROP, 0 },
};

static void transition_desc(const struct transition *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->name);
}

KUNIT_ARRAY_PARAM(transition, transitions, transition_desc);

static void state_test_transition(struct kunit *test)
{
	const struct transition *t = test->param_value;
	struct xtcp_seg seg = {
		.seq = t->seq, .ack = t->ack, .flags = t->flags, .payload_len = t->len,
		.window = 512, .wscale = -1,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(t->state, &tcb, &ctx);
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_STREQ(test, xtcp_state_name(v.state), xtcp_state_name(t->next));
	KUNIT_EXPECT_EQ_MSG(test, v.actions, t->actions, "actions %#x, want %#x (%s)",
			    v.actions, t->actions, v.event);
	KUNIT_EXPECT_NOT_NULL(test, v.event);
	if (t->actions & RESET)
		KUNIT_EXPECT_EQ(test, v.err, t->err);
	if (t->actions & SEND_RST)
		KUNIT_EXPECT_EQ(test, v.rst_seq, t->rst_seq);
	if (t->actions & (DATA | OOO)) {
		KUNIT_EXPECT_EQ(test, v.data_off, 0u);
		KUNIT_EXPECT_EQ(test, v.data_len, t->len);
	}
	if (t->actions & ACKED)
		KUNIT_EXPECT_EQ(test, v.ack, t->ack);
}

/* Every state against every kind of segment: a verdict, never a crash. */
static void state_test_all_pairs(struct kunit *test)
{
	static const u8 flag_sets[] = { 0, S, S | A, A, F | A, R, R | A, A | P, F, P };
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;
	int state, i, n = 0;

	for (state = XTCP_ESTABLISHED; state < XTCP_MAX_STATES; state++) {
		if (state == XTCP_TIME_WAIT)
			continue;	/* its own object: xtcp_tw_decide() */
		for (i = 0; i < ARRAY_SIZE(flag_sets); i++) {
			struct xtcp_seg seg = {
				.seq = IRS + 1, .ack = ISS + 1, .flags = flag_sets[i],
				.payload_len = (flag_sets[i] & (S | R)) ? 0 : 3,
				.wscale = -1,
			};

			fixture(state, &tcb, &ctx);
			xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
			KUNIT_EXPECT_LT(test, (int)v.state, (int)XTCP_MAX_STATES);
			KUNIT_EXPECT_NOT_NULL(test, v.event);
			KUNIT_EXPECT_NE(test, v.actions, 0u);
			/* A drop never delivers, and a reset always names its state. */
			if (v.actions & DROP)
				KUNIT_EXPECT_FALSE(test, v.actions & (DATA | FIN));
			if (v.actions & RESET)
				KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
			n++;
		}
	}
	KUNIT_EXPECT_EQ(test, n, 10 * 10);
}

/* Overlapping data: only what is new is delivered; a wrapped window works. */
static void state_test_trim(struct kunit *test)
{
	struct xtcp_seg seg = { .flags = A, .ack = ISS + 1, .wscale = -1 };
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	seg.seq = IRS + 1 - 4;
	seg.payload_len = 10;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & DATA);
	KUNIT_EXPECT_EQ(test, v.data_off, 4u);
	KUNIT_EXPECT_EQ(test, v.data_len, 6u);

	/* Only the window's worth of a long segment is taken. */
	seg.seq = IRS + 1;
	seg.payload_len = WND + 500;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.data_len, WND);

	/* Across 2^32. */
	tcb.rcv_nxt = 0xfffffffa;
	tcb.snd_wl1 = 0xfffffffa;
	seg.seq = 0xfffffffa;
	seg.payload_len = 12;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & DATA);
	KUNIT_EXPECT_EQ(test, v.data_len, 12u);

	/* A zero window takes no data but still sees the ACK. */
	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	ctx.rcv_space = 0;
	seg.seq = IRS + 1;
	seg.payload_len = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_FALSE(test, v.actions & DROP);
	seg.payload_len = 5;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)(SEND_ACK | QUICKACK | DROP));
}

static void state_test_reset_reply(struct kunit *test)
{
	struct xtcp_seg seg = { .flags = S, .seq = 100, .payload_len = 5, .wscale = -1 };
	struct xtcp_verdict v;

	/* No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN counts one. */
	xtcp_reset_reply(&seg, &v);
	KUNIT_EXPECT_EQ(test, v.rst_seq, 0u);
	KUNIT_EXPECT_EQ(test, v.rst_ack, 106u);
	KUNIT_EXPECT_EQ(test, v.rst_flags, (u8)(R | A));
	/* With ACK: <SEQ=SEG.ACK><CTL=RST>. */
	seg.flags = A;
	seg.ack = 777;
	xtcp_reset_reply(&seg, &v);
	KUNIT_EXPECT_EQ(test, v.rst_seq, 777u);
	KUNIT_EXPECT_EQ(test, v.rst_flags, (u8)R);
}

static void state_test_time_wait(struct kunit *test)
{
	static const struct xtcp_ts no_ts;
	u32 rcv_nxt = IRS + 2;	/* after their FIN */
	struct xtcp_seg seg = { .wscale = -1 };
	bool restart;

	/* Their FIN again: ACK it and restart 2*MSL. */
	seg.flags = F | A;
	seg.seq = IRS + 1;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_ACK);
	KUNIT_EXPECT_TRUE(test, restart);
	/* An exact RST ends it; an inexact one in window is challenged. */
	seg.flags = R;
	seg.seq = rcv_nxt;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_KILL);
	seg.seq = rcv_nxt + 10;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_CHALLENGE);
	seg.seq = rcv_nxt + 5 * WND;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_DROP);
	/* RFC 6191: a SYN above what the old connection used is a new incarnation. */
	seg.flags = S;
	seg.seq = rcv_nxt + 100000;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_NEW_SYN);
	seg.seq = rcv_nxt - 100;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_CHALLENGE);
	/* A plain ACK in window is dropped; an old one is re-ACKed. */
	seg.flags = A;
	seg.seq = rcv_nxt;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_DROP);
	KUNIT_EXPECT_FALSE(test, restart);
	seg.seq = rcv_nxt - 50;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &no_ts, 0, &seg, &restart),
			XTCP_TW_ACK);
	KUNIT_EXPECT_FALSE(test, restart);
}

/*
 * RFC 6191 with timestamps: a SYN whose TSval is newer than the old
 * incarnation's last reopens even below RCV.NXT; PAWS (RFC 7323 5.3)
 * re-ACKs an old TSval, and a RST with one is ignored.
 */
static void state_test_time_wait_timestamps(struct kunit *test)
{
	const struct xtcp_ts ts = { .ok = 1, .recent = 0xfffffff0, .recent_s = 100 };
	u64 now_ns = 101 * NSEC_PER_SEC;
	u32 rcv_nxt = IRS + 2;
	struct xtcp_seg seg = { .wscale = -1, .ts_ok = 1 };
	bool restart;

	seg.flags = S;
	seg.seq = rcv_nxt - 100;
	seg.ts_val = 0x10;	/* newer, across 2^32 */
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_NEW_SYN);
	seg.ts_val = 0xffffff00;	/* older */
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_CHALLENGE);
	/* Newer by sequence alone still reopens, if PAWS passes (Linux's rule). */
	seg.seq = rcv_nxt + 100000;
	seg.ts_val = 0xfffffff0;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_NEW_SYN);
	seg.ts_val = 0xffff0000;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_CHALLENGE);
	/* Their FIN again with an old TSval: re-ACKed, 2*MSL not restarted. */
	seg.flags = F | A;
	seg.seq = IRS + 1;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_ACK);
	KUNIT_EXPECT_FALSE(test, restart);
	seg.ts_val = 0xfffffff5;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_ACK);
	KUNIT_EXPECT_TRUE(test, restart);
	/* An exact RST with an old TSval is ignored; with a good one it ends the entry. */
	seg.flags = R;
	seg.seq = rcv_nxt;
	seg.ts_val = 0xffff0000;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_DROP);
	seg.ts_val = 0xfffffff0;
	KUNIT_EXPECT_EQ(test, xtcp_tw_decide(rcv_nxt, WND, &ts, now_ns, &seg, &restart),
			XTCP_TW_KILL);
}

/*
 * PAWS (RFC 7323 5.3) in a synchronized state: a segment whose TSval is
 * older than TS.Recent is dropped (drop reason TCP_RFC7323_PAWS, counted
 * PawsRejects) and answered with an ACK; a RST is judged by its sequence
 * number alone; a reordered pure duplicate ACK passes (tcp_disordered_ack);
 * without timestamps on either side nothing is checked.
 */
static void state_test_paws(struct kunit *test)
{
	struct xtcp_seg seg = {
		.flags = A, .seq = IRS + 1, .ack = ISS + 1, .wscale = -1, .payload_len = 10,
		.ts_ok = 1, .ts_val = 0x7ffffff0,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	ctx.now_ns = 200 * NSEC_PER_SEC;
	tcb.rto_ms = 200;
	tcb.ts = (struct xtcp_ts){ .ok = 1, .recent = 0x80000010, .recent_s = 150 };
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)(SEND_ACK | DROP));
	KUNIT_EXPECT_EQ(test, v.drop, SKB_DROP_REASON_TCP_RFC7323_PAWS);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_PAWS_REJECTS);
	/* One tick behind passes (Linux's PAWS window); so does any newer one. */
	seg.ts_val = 0x8000000f;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & XTCP_ACT_ACCEPT_DATA);
	seg.ts_val = 0x10;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & XTCP_ACT_ACCEPT_DATA);
	/* TS.Recent kept over 24 days ago says nothing (5.5). */
	seg.ts_val = 0x7ffffff0;
	ctx.now_ns = (150ull + XTCP_PAWS_IDLE_S) * NSEC_PER_SEC;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & XTCP_ACT_ACCEPT_DATA);
	ctx.now_ns = 200 * NSEC_PER_SEC;
	/* Timestamps not agreed, or none on the segment: not checked. */
	tcb.ts.ok = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & XTCP_ACT_ACCEPT_DATA);
	tcb.ts.ok = 1;
	seg.ts_ok = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & XTCP_ACT_ACCEPT_DATA);
	seg.ts_ok = 1;
	/* An exact RST with an old TSval still resets (as Linux). */
	seg.flags = R;
	seg.payload_len = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & RESET);
	/* A pure duplicate ACK overtaken by a later segment: not a PAWS drop. */
	seg.flags = A;
	tcb.snd_nxt = ISS + 101;
	seg.ts_val = 0x80000010 - 100;	/* 100 ms behind, within the RTO */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & DUPACK);
	seg.ts_val = 0x80000010 - 300;	/* beyond it */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.drop, SKB_DROP_REASON_TCP_RFC7323_PAWS);
}

/*
 * SYN_SENT (Linux's PAWSActiveRejected): a SYN,ACK whose TSecr echoes no
 * TSval our SYNs could have carried (before the first, or after now) is
 * answered with a RST, as an unacceptable ACK is; without timestamps on
 * either side, or with no echo, nothing is checked.
 */
static void state_test_syn_sent_echo(struct kunit *test)
{
	struct xtcp_seg seg = {
		.flags = S | A, .seq = IRS, .ack = ISS + 1, .wscale = -1,
		.ts_ok = 1, .ts_val = 77,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_SYN_SENT, &tcb, &ctx);
	ctx.now_ns = 5000 * NSEC_PER_MSEC;	/* our TSval now: 5000 + offset */
	tcb.ts = (struct xtcp_ts){ .ok = 1, .offset = 0xfffff000, .syn_tsval = 0xfffff000 + 4000 };
	/* Our SYN's, or one sent since: an answer. */
	seg.ts_ecr = 0xfffff000 + 4000;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
	seg.ts_ecr = 0xfffff000 + 5000;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
	/* Before our first SYN, or from the future: a RST, counted. */
	seg.ts_ecr = 0xfffff000 + 3999;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)(SEND_RST | DROP));
	KUNIT_EXPECT_EQ(test, v.rst_seq, ISS + 1);
	KUNIT_EXPECT_EQ(test, v.drop, SKB_DROP_REASON_TCP_RFC7323_PAWS);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_PAWS_REJECTS);
	seg.ts_ecr = 0xfffff000 + 5001;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)(SEND_RST | DROP));
	/* A RST with such an echo is dropped, not answered. */
	seg.flags = R | A;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)DROP);
	/* No echo, or timestamps not offered: not checked. */
	seg.flags = S | A;
	seg.ts_ecr = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
	seg.ts_ecr = 1;
	tcb.ts.ok = 0;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
}

static void state_test_user_close(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_ESTABLISHED), XTCP_FIN_WAIT1);
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_SYN_RECV), XTCP_FIN_WAIT1);
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_CLOSE_WAIT), XTCP_LAST_ACK);
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_LISTEN), XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_SYN_SENT), XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, xtcp_state_after_close(XTCP_FIN_WAIT2), XTCP_FIN_WAIT2);
	KUNIT_EXPECT_TRUE(test, xtcp_close_sends_fin(XTCP_CLOSE_WAIT));
	KUNIT_EXPECT_FALSE(test, xtcp_close_sends_fin(XTCP_SYN_SENT));
	KUNIT_EXPECT_FALSE(test, xtcp_close_sends_fin(XTCP_LAST_ACK));
}

static void state_test_close_decide(struct kunit *test)
{
	static const struct {
		u8 state, after;
		u32 actions;
	} cases[] = {
		{ XTCP_ESTABLISHED, XTCP_FIN_WAIT1, XTCP_ACT_QUEUE_FIN },
		{ XTCP_SYN_RECV, XTCP_FIN_WAIT1, XTCP_ACT_QUEUE_FIN },
		{ XTCP_CLOSE_WAIT, XTCP_LAST_ACK, XTCP_ACT_QUEUE_FIN },
		{ XTCP_LISTEN, XTCP_CLOSE, 0 },
		{ XTCP_SYN_SENT, XTCP_CLOSE, 0 },
		{ XTCP_FIN_WAIT1, XTCP_FIN_WAIT1, 0 },
		{ XTCP_FIN_WAIT2, XTCP_FIN_WAIT2, 0 },
		{ XTCP_CLOSING, XTCP_CLOSING, 0 },
		{ XTCP_LAST_ACK, XTCP_LAST_ACK, 0 },
		{ XTCP_CLOSE, XTCP_CLOSE, 0 },
	};
	struct xtcp_verdict v;
	struct xtcp_tcb t;
	struct xtcp_ctx ctx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fixture(cases[i].state, &t, &ctx);
		xtcp_close_decide(&t, &ctx, false, false, false, &v);
		KUNIT_EXPECT_EQ_MSG(test, v.state, cases[i].after, "close in %s",
				    xtcp_state_name(cases[i].state));
		KUNIT_EXPECT_EQ_MSG(test, v.actions, cases[i].actions, "close in %s",
				    xtcp_state_name(cases[i].state));
		KUNIT_EXPECT_STREQ(test, v.event, "user close");
	}
	/* RFC 2525 2.17: unread data, or SO_LINGER {1, 0}, aborts with a RST. */
	fixture(XTCP_ESTABLISHED, &t, &ctx);
	xtcp_close_decide(&t, &ctx, true, false, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_ABORT);
	KUNIT_EXPECT_STREQ(test, v.event, "user abort");
	fixture(XTCP_FIN_WAIT2, &t, &ctx);
	xtcp_close_decide(&t, &ctx, false, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_ABORT);
	/* SYN_SENT has nothing the peer knows of to reset; LISTEN just closes. */
	fixture(XTCP_SYN_SENT, &t, &ctx);
	xtcp_close_decide(&t, &ctx, true, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	fixture(XTCP_LISTEN, &t, &ctx);
	xtcp_close_decide(&t, &ctx, true, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_STREQ(test, v.event, "user close");
	/* max_orphans reached: what would be left to close is reset instead. */
	fixture(XTCP_CLOSE_WAIT, &t, &ctx);
	xtcp_close_decide(&t, &ctx, false, false, true, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_ABORT);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_ORPHAN_ABORTS);
	KUNIT_EXPECT_STREQ(test, v.event, "too many orphans");
	fixture(XTCP_SYN_SENT, &t, &ctx);
	xtcp_close_decide(&t, &ctx, false, false, true, &v);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	KUNIT_EXPECT_STREQ(test, v.event, "user close");
}

/* 3.10.1 OPEN: connect from CLOSED sends the SYN; listen from CLOSED or LISTEN. */
static void state_test_open_decide(struct kunit *test)
{
	struct xtcp_verdict v;
	struct xtcp_tcb t;
	struct xtcp_ctx ctx;
	int state;

	fixture(XTCP_CLOSE, &t, &ctx);
	KUNIT_EXPECT_EQ(test, xtcp_open_decide(&ctx, true, &v), 0);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_SEND_SYN);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_ACTIVE_OPENS);
	KUNIT_EXPECT_STREQ(test, v.event, "user connect");
	KUNIT_EXPECT_EQ(test, xtcp_open_decide(&ctx, false, &v), 0);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_LISTEN);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	KUNIT_EXPECT_STREQ(test, v.event, "user listen");
	/* 3.10.7.2: a listener's child starts in SYN-RECEIVED, its SYN,ACK sent. */
	xtcp_child_decide(&ctx, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_SYNACK_SENT);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_PASSIVE_OPENS);
	for (state = XTCP_ESTABLISHED; state < XTCP_MAX_STATES; state++) {
		if (state == XTCP_CLOSE)
			continue;
		fixture(state, &t, &ctx);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_open_decide(&ctx, true, &v), -EISCONN,
				    "connect in %s", xtcp_state_name(state));
		KUNIT_EXPECT_EQ_MSG(test, xtcp_open_decide(&ctx, false, &v),
				    state == XTCP_LISTEN ? 0 : -EINVAL,
				    "listen in %s", xtcp_state_name(state));
	}
}

/* 3.10.5 ABORT: RST to a peer that knows the connection, CLOSE in any case. */
static void state_test_abort_decide(struct kunit *test)
{
	struct xtcp_verdict v;
	struct xtcp_tcb t;
	struct xtcp_ctx ctx;
	int state;

	for (state = XTCP_ESTABLISHED; state < XTCP_MAX_STATES; state++) {
		bool peer_knows = state != XTCP_SYN_SENT && state != XTCP_LISTEN &&
				  state != XTCP_CLOSE;

		fixture(state, &t, &ctx);
		xtcp_abort_decide(&ctx, "listener closed", &v);
		KUNIT_EXPECT_EQ_MSG(test, v.state, XTCP_CLOSE, "abort in %s",
				    xtcp_state_name(state));
		KUNIT_EXPECT_EQ_MSG(test, v.actions, peer_knows ? XTCP_ACT_ABORT : 0,
				    "abort in %s", xtcp_state_name(state));
		KUNIT_EXPECT_STREQ(test, v.event, "listener closed");
	}
}

static void state_test_shutdown_decide(struct kunit *test)
{
	struct xtcp_verdict v;
	struct xtcp_tcb t;
	struct xtcp_ctx ctx;

	fixture(XTCP_ESTABLISHED, &t, &ctx);
	xtcp_shutdown_decide(&ctx, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_FIN_WAIT1);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_QUEUE_FIN);
	/* SHUT_RD alone sends nothing. */
	xtcp_shutdown_decide(&ctx, false, true, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	fixture(XTCP_CLOSE_WAIT, &t, &ctx);
	xtcp_shutdown_decide(&ctx, true, true, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_LAST_ACK);
	fixture(XTCP_FIN_WAIT2, &t, &ctx);
	xtcp_shutdown_decide(&ctx, true, true, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	fixture(XTCP_LISTEN, &t, &ctx);
	xtcp_shutdown_decide(&ctx, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_LISTEN);
	xtcp_shutdown_decide(&ctx, false, true, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	fixture(XTCP_SYN_SENT, &t, &ctx);
	xtcp_shutdown_decide(&ctx, true, false, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_STREQ(test, v.event, "user shutdown");
}

static void state_test_timer_decisions(struct kunit *test)
{
	const struct xtcp_retry_limits lim = {
		.syn_retries = 6, .synack_retries = 5, .retries2 = 15,
	};

	/* Each state's own limit (RFC 9293 3.8.3 R2). */
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_SYN_SENT, true, 5, &lim), XTCP_TIMEOUT_SEND);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_SYN_SENT, true, 6, &lim),
			XTCP_TIMEOUT_GIVE_UP);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_SYN_RECV, true, 4, &lim), XTCP_TIMEOUT_SEND);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_SYN_RECV, true, 5, &lim),
			XTCP_TIMEOUT_GIVE_UP);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_ESTABLISHED, true, 14, &lim),
			XTCP_TIMEOUT_SEND);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_LAST_ACK, true, 15, &lim),
			XTCP_TIMEOUT_GIVE_UP);
	/* Nothing in flight, or no connection: a stale expiry. */
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_ESTABLISHED, false, 20, &lim),
			XTCP_TIMEOUT_NOTHING);
	KUNIT_EXPECT_EQ(test, xtcp_rtx_decide(XTCP_CLOSE, true, 0, &lim), XTCP_TIMEOUT_NOTHING);
	/* Window probes: retries2 unanswered in a row give up. */
	KUNIT_EXPECT_EQ(test, xtcp_persist_decide(true, 14, &lim), XTCP_TIMEOUT_SEND);
	KUNIT_EXPECT_EQ(test, xtcp_persist_decide(true, 15, &lim), XTCP_TIMEOUT_GIVE_UP);
	KUNIT_EXPECT_EQ(test, xtcp_persist_decide(false, 15, &lim), XTCP_TIMEOUT_NOTHING);
	/* The state timer: an orphan's FIN_WAIT2, or keepalive where it runs. */
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_FIN_WAIT2, true, true),
			XTCP_STATE_TIMER_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_FIN_WAIT2, false, true),
			XTCP_STATE_TIMER_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_CLOSE_WAIT, false, true),
			XTCP_STATE_TIMER_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_ESTABLISHED, false, false),
			XTCP_STATE_TIMER_NOTHING);
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_LAST_ACK, false, true),
			XTCP_STATE_TIMER_NOTHING);
	KUNIT_EXPECT_EQ(test, xtcp_state_timer_decide(XTCP_SYN_SENT, false, true),
			XTCP_STATE_TIMER_NOTHING);
}

/*
 * Each timer's expiry as a verdict: what to send, which timer to arm again
 * and when, what to count, and when to give up (ETIMEDOUT).
 */
static void state_test_timer_expires(struct kunit *test)
{
	const struct xtcp_timer_cfg cfg = {
		.lim = { .syn_retries = 6, .synack_retries = 5, .retries2 = 15 },
		.rto_max_ms = 120000, .keepalive_idle_s = 7200, .keepalive_intvl_s = 75,
		.keepalive_probes = 9,
	};
	const u64 now = 100ULL * NSEC_PER_SEC;
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	/* RFC 6298 5.4-5.6: resend, and arm again at twice the RTO. */
	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	ctx.now_ns = now;
	tcb.rto_ms = 1000;
	tcb.snd_nxt = ISS + 101;
	tcb.retries = 2;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_RETRANSMIT, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, v.timer, XTCP_TIMER_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, v.timer_ns, 8000ULL * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_MAX);
	/* The limit: CLOSE with ETIMEDOUT, counted, nothing armed. */
	tcb.retries = 15;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_RETRANSMIT, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_RESET);
	KUNIT_EXPECT_EQ(test, v.err, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_TIMEOUTS);
	KUNIT_EXPECT_EQ(test, v.timer, XTCP_TIMER_OFF);
	/* Nothing in flight: a stale expiry does nothing. */
	tcb.snd_nxt = tcb.snd_una;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_RETRANSMIT, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	KUNIT_EXPECT_EQ(test, v.timer, XTCP_TIMER_OFF);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_ESTABLISHED);

	/* 3.8.6.1: probe a closed window, backing off; retries2 probes give up. */
	ctx.held = true;
	tcb.persist_backoff = 3;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_PERSIST, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_WINDOW_PROBE);
	KUNIT_EXPECT_EQ(test, v.timer, XTCP_TIMER_PERSIST);
	KUNIT_EXPECT_EQ(test, v.timer_ns, 16000ULL * NSEC_PER_MSEC);
	tcb.probes_out = 15;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_PERSIST, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.err, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_TIMEOUTS);
	ctx.held = false;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_PERSIST, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, 0);

	/* 3.8.4: idle for 7200 s, probe every 75 s, nine probes, then RST. */
	ctx.keepalive = true;
	tcb.last_rcv_ns = now - 7000ULL * NSEC_PER_SEC;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_KEEPALIVE, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
	KUNIT_EXPECT_EQ(test, v.timer, XTCP_TIMER_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, v.timer_ns, 200ULL * NSEC_PER_SEC);
	tcb.last_rcv_ns = now - 7200ULL * NSEC_PER_SEC;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_KEEPALIVE, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_KEEPALIVE_PROBE);
	KUNIT_EXPECT_EQ(test, v.timer_ns, 75ULL * NSEC_PER_SEC);
	tcb.keepalive_probes = 9;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_KEEPALIVE, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_ABORT | XTCP_ACT_RESET);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.err, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_KEEPALIVE_DROPS);

	/* The orphan's FIN_WAIT2: RST and delete, no error to anyone. */
	fixture(XTCP_FIN_WAIT2, &tcb, &ctx);
	ctx.orphan = true;
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_FIN_WAIT2, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_ABORT);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.err, 0);

	/* 3.8.6.3: the delayed ACK, counted; none once our side is closed. */
	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_DELACK, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, XTCP_ACT_SEND_ACK);
	KUNIT_EXPECT_EQ(test, v.mib, XTCP_MIB_DELAYED_ACKS);
	fixture(XTCP_LAST_ACK, &tcb, &ctx);
	xtcp_timer_expires(&tcb, &ctx, XTCP_TIMER_DELACK, &cfg, &v);
	KUNIT_EXPECT_EQ(test, v.actions, 0);
}

static void state_test_ratelimit(struct kunit *test)
{
	u64 stamp = 0, t = 5 * NSEC_PER_SEC;
	u32 count = 0;
	int i, allowed = 0;

	/* RFC 5961 7: ten challenge ACKs a second. */
	for (i = 0; i < 15; i++)
		allowed += xtcp_ratelimit(t + i, &stamp, &count, NSEC_PER_SEC, 10);
	KUNIT_EXPECT_EQ(test, allowed, 10);
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(t + NSEC_PER_SEC - 1, &stamp, &count,
						NSEC_PER_SEC, 10));
	KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(t + NSEC_PER_SEC, &stamp, &count,
					       NSEC_PER_SEC, 10));
	/* One ACK per 500 ms to dropped dataless segments. */
	stamp = 0;
	count = 0;
	KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(t, &stamp, &count, NSEC_PER_SEC / 2, 1));
	KUNIT_EXPECT_FALSE(test, xtcp_ratelimit(t + 499999999, &stamp, &count,
						NSEC_PER_SEC / 2, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_ratelimit(t + 500000000, &stamp, &count,
					       NSEC_PER_SEC / 2, 1));
}

static void state_test_backoff(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff_ms(1000, 0, 120000), 1000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff_ms(1000, 1, 120000), 2000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff_ms(1000, 6, 120000), 64000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff_ms(1000, 7, 120000), 120000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff_ms(1000, 40, 120000), 120000u);
}

/* RFC 6298: the estimator's arithmetic, step by step, and the RTO's bounds. */
static void state_test_rtt_estimator(struct kunit *test)
{
	struct xtcp_rtt rtt = {};

	/* 2.1: 1 s before any measurement, within the bounds. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 120000), 1000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 500), 500u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 3000, 120000), 3000u);

	/* 2.2: the first R gives SRTT = R, RTTVAR = R/2, RTO = R + 4 * R/2. */
	xtcp_rtt_sample(&rtt, 100000);
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 100000u);
	KUNIT_EXPECT_EQ(test, rtt.rttvar_us, 50000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 120000), 300u);

	/* 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R. */
	xtcp_rtt_sample(&rtt, 200000);
	KUNIT_EXPECT_EQ(test, rtt.rttvar_us, 62500u);	/* 37500 + 100000 / 4 */
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 112500u);	/* 87500 + 25000 */
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 120000), 363u);	/* 112.5 + 250 */

	/* Steady samples shrink RTTVAR; the minimum (Linux's 200 ms) holds. */
	for (int i = 0; i < 100; i++)
		xtcp_rtt_sample(&rtt, 1000);
	KUNIT_EXPECT_LT(test, rtt.srtt_us, 1100u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 120000), 200u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 1, 120000),
			DIV_ROUND_UP(rtt.srtt_us + max(1u, 4 * rtt.rttvar_us), 1000));

	/* 2.5: a huge RTT is capped by the maximum; a 0 us sample counts as 1 us. */
	xtcp_rtt_sample(&rtt, 4000000000u);
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 200, 120000), 120000u);
	rtt = (struct xtcp_rtt){};
	xtcp_rtt_sample(&rtt, 0);
	KUNIT_EXPECT_EQ(test, rtt.srtt_us, 1u);
	/* A minimum above the maximum: the maximum wins. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_ms(&rtt, 5000, 1000), 1000u);
}

/* Keepalive with the clock passed in: idle 10 s, every 2 s, 3 probes. */
static void state_test_keepalive(struct kunit *test)
{
	u64 s = NSEC_PER_SEC, last = 100 * s, next = 0;

	KUNIT_EXPECT_EQ(test, xtcp_keepalive_decide(last + 3 * s, last, 10, 2, 0, 3, &next),
			XTCP_KA_WAIT);
	KUNIT_EXPECT_EQ(test, next, last + 10 * s);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_decide(last + 10 * s, last, 10, 2, 0, 3, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, next, last + 12 * s);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_decide(last + 14 * s, last, 10, 2, 2, 3, &next),
			XTCP_KA_PROBE);
	KUNIT_EXPECT_EQ(test, xtcp_keepalive_decide(last + 16 * s, last, 10, 2, 3, 3, &next),
			XTCP_KA_DROP);
}

/* RFC 6528: a keyed hash per 4-tuple, plus a clock ticking every 4 us. */
static void state_test_isn(struct kunit *test)
{
	__be32 a = htonl(0x0a000001), b = htonl(0x0a000002);
	u64 t = 123456789000ULL;
	u32 x = xtcp_isn(a, b, htons(1000), htons(2000), t);

	KUNIT_EXPECT_EQ(test, xtcp_isn(a, b, htons(1000), htons(2000), t), x);
	KUNIT_EXPECT_NE(test, xtcp_isn(a, b, htons(1001), htons(2000), t), x);
	KUNIT_EXPECT_NE(test, xtcp_isn(b, a, htons(2000), htons(1000), t), x);
	/* One second later the same tuple's ISN has moved on by 10^9 / 4096. */
	KUNIT_EXPECT_EQ(test, xtcp_isn(a, b, htons(1000), htons(2000), t + NSEC_PER_SEC) - x,
			(u32)((t + NSEC_PER_SEC) >> 12) - (u32)(t >> 12));
}

/* RFC 5681 section 2: which ACKs are duplicates. */
static void state_test_dupack(struct kunit *test)
{
	struct xtcp_seg seg = {
		.flags = A, .seq = IRS + 1, .ack = ISS + 1, .window = 512, .wscale = -1,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	tcb.snd_nxt = ISS + 101;	/* 100 bytes outstanding */
	tcb.snd_wnd = 512;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & DUPACK);
	KUNIT_EXPECT_FALSE(test, v.actions & ACKED);

	seg.window = 600;	/* a window update is not a duplicate */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_FALSE(test, v.actions & DUPACK);
	seg.window = 512;

	seg.payload_len = 10;	/* nor is data */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_FALSE(test, v.actions & DUPACK);
	seg.payload_len = 0;

	seg.ack = ISS + 50;	/* new data acknowledged */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (ACKED | DUPACK), (u32)ACKED);
	seg.ack = ISS + 1;

	tcb.snd_nxt = ISS + 1;	/* nothing outstanding */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_FALSE(test, v.actions & DUPACK);
}

/*
 * Delayed ACK (RFC 5681 4.2): in-order data waits for its ACK while at most
 * one full-sized segment is unacknowledged; the second, data filling a
 * hole, a FIN, or delayed_ack_ms = 0 are ACKed at once.
 */
static void state_test_delayed_ack(struct kunit *test)
{
	struct xtcp_seg seg = {
		.flags = A | P, .seq = IRS + 1, .ack = ISS + 1, .window = 512,
		.payload_len = 100, .wscale = -1,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_ESTABLISHED, &tcb, &ctx);
	ctx.delack = true;
	ctx.ooo_empty = true;
	ctx.rcv_mss = 100;
	tcb.rcv_wup = tcb.rcv_nxt;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (DATA | SEND_ACK | DELAY_ACK), (u32)(DATA | DELAY_ACK));

	/* The second full-sized segment since the last ACK: now. */
	tcb.rcv_nxt += 100;
	seg.seq += 100;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (DATA | SEND_ACK | DELAY_ACK), (u32)(DATA | SEND_ACK));

	/* Two small ones add up to less than a segment: both may wait. */
	tcb.rcv_wup = tcb.rcv_nxt - 40;
	seg.payload_len = 60;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & DELAY_ACK);
	KUNIT_EXPECT_FALSE(test, v.actions & SEND_ACK);
	tcb.rcv_wup = tcb.rcv_nxt;

	ctx.ooo_empty = false;	/* it fills (part of) a hole */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (SEND_ACK | DELAY_ACK), (u32)SEND_ACK);
	ctx.ooo_empty = true;

	seg.flags |= F;		/* a FIN is ACKed at once */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_TRUE(test, v.actions & FIN);
	KUNIT_EXPECT_TRUE(test, v.actions & SEND_ACK);
	seg.flags &= ~F;

	ctx.quickack = true;	/* quick-ACK mode (ack.c): at once */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (SEND_ACK | DELAY_ACK), (u32)SEND_ACK);
	ctx.quickack = false;

	ctx.delack = false;	/* delayed_ack_ms = 0 */
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.actions & (SEND_ACK | DELAY_ACK), (u32)SEND_ACK);
}

/* Quick ACKs as tcp_incr_quickack(): half a window of segments, 2 to 16. */
static void state_test_quickacks(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_quickacks(65535, 536), 16);
	KUNIT_EXPECT_EQ(test, xtcp_quickacks(8000, 1000), 4);
	KUNIT_EXPECT_EQ(test, xtcp_quickacks(65535, 65483), 2);	/* loopback's MSS */
	KUNIT_EXPECT_EQ(test, xtcp_quickacks(0, 1000), 2);
	KUNIT_EXPECT_EQ(test, xtcp_quickacks(65535, 0), 16);
}

/* Data for a connection its user has closed: RST and CLOSE, as Linux. */
static void state_test_abort_on_data(struct kunit *test)
{
	struct xtcp_seg seg = {
		.flags = A, .seq = IRS + 1, .ack = ISS + 2, .payload_len = 10, .wscale = -1,
	};
	struct xtcp_verdict v;
	struct xtcp_tcb tcb;
	struct xtcp_ctx ctx;

	fixture(XTCP_FIN_WAIT2, &tcb, &ctx);
	ctx.rcv_closed = true;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_CLOSE);
	KUNIT_EXPECT_EQ(test, v.actions, (u32)(SEND_RST | DROP | RESET));
	KUNIT_EXPECT_EQ(test, v.rst_seq, tcb.snd_nxt);
	/* Still open for reading (half-close): the data is taken. */
	ctx.rcv_closed = false;
	xtcp_segment_arrives(&tcb, &ctx, &seg, &v);
	KUNIT_EXPECT_EQ(test, v.state, XTCP_FIN_WAIT2);
	KUNIT_EXPECT_TRUE(test, v.actions & DATA);
}

/*
 * SYN cookies (RFC 4987 3.6): a cookie gives back the MSS (Linux's table)
 * and the window shift it was made with, for two minutes; not for another
 * 4-tuple or ISN, not one bit off, not three minutes later.
 */
static void state_test_syncookie(struct kunit *test)
{
	__be32 a = htonl(0x0a000001), b = htonl(0x0a000002);
	__be16 pa = htons(80), pb = htons(40000);
	struct xtcp_cookie_data in = { .mss = 1000, .wscale = 7 }, out;
	u64 now = 1000 * 60 * NSEC_PER_SEC + 5;
	u32 c = xtcp_cookie_make(a, b, pa, pb, 123456, &in, now);

	KUNIT_ASSERT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 123456, c, now, &out), 0);
	KUNIT_EXPECT_EQ(test, out.mss, 536);
	KUNIT_EXPECT_EQ(test, out.wscale, 7);
	now += 119 * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 123456, c, now, &out), 0);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 123456, c, now + 61 * NSEC_PER_SEC,
						&out), -EINVAL);
	now -= 119 * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 124456, c, now, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(a, b, pa, htons(40001), 123456, c, now, &out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 123456, c ^ 0x100000, now, &out),
			-EINVAL);
	in = (struct xtcp_cookie_data){ .mss = 65000, .wscale = -1 };
	c = xtcp_cookie_make(a, b, pa, pb, 0xffffffff, &in, now);
	KUNIT_ASSERT_EQ(test, xtcp_cookie_check(a, b, pa, pb, 0xffffffff, c, now, &out), 0);
	KUNIT_EXPECT_EQ(test, out.mss, 1460);
	KUNIT_EXPECT_EQ(test, out.wscale, -1);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(100), 536);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(1440), 1440);
}

static struct kunit_case state_test_cases[] = {
	KUNIT_CASE_PARAM(state_test_transition, transition_gen_params),
	KUNIT_CASE(state_test_all_pairs),
	KUNIT_CASE(state_test_trim),
	KUNIT_CASE(state_test_dupack),
	KUNIT_CASE(state_test_abort_on_data),
	KUNIT_CASE(state_test_delayed_ack),
	KUNIT_CASE(state_test_quickacks),
	KUNIT_CASE(state_test_reset_reply),
	KUNIT_CASE(state_test_time_wait),
	KUNIT_CASE(state_test_time_wait_timestamps),
	KUNIT_CASE(state_test_paws),
	KUNIT_CASE(state_test_syn_sent_echo),
	KUNIT_CASE(state_test_user_close),
	KUNIT_CASE(state_test_open_decide),
	KUNIT_CASE(state_test_close_decide),
	KUNIT_CASE(state_test_abort_decide),
	KUNIT_CASE(state_test_shutdown_decide),
	KUNIT_CASE(state_test_timer_decisions),
	KUNIT_CASE(state_test_timer_expires),
	KUNIT_CASE(state_test_ratelimit),
	KUNIT_CASE(state_test_backoff),
	KUNIT_CASE(state_test_rtt_estimator),
	KUNIT_CASE(state_test_keepalive),
	KUNIT_CASE(state_test_isn),
	KUNIT_CASE(state_test_syncookie),
	{}
};

static struct kunit_suite state_test_suite = {
	.name = "xtcp_state",
	.test_cases = state_test_cases,
};

kunit_test_suite(state_test_suite);
