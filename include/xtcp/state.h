/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection state machine as pure functions (RFC 9293 section 3.10):
 * each takes the connection's control block, what else the event is
 * decided under (struct xtcp_ctx, the clock among it) and the event, and
 * returns a verdict saying what to do (new state, what to send, what to
 * deliver, which timer). One interpreter, xtcp_apply() in input.c, carries
 * verdicts out; KUnit calls these directly.
 */
#ifndef _XTCP_STATE_H
#define _XTCP_STATE_H

#include <linux/string.h>
#include <linux/types.h>
#include <net/dropreason.h>

#include "xtcp/segment.h"
#include "xtcp/timestamps.h"
#include "xtcp/timers.h"
#include "xtcp/xtcp.h"

/*
 * The transmission control block (RFC 9293 section 3.3.1): the sequence
 * variables and the timers', kept in the socket (struct xtcp_sock's tcb)
 * and read in place by every decision.
 */
struct xtcp_tcb {
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_snd_wnd;	/* the largest window the peer has offered */
	u32 snd_sml;		/* end of the last segment sent smaller than the MSS */
	u32 rcv_nxt;
	u32 rcv_wnd;		/* the window last advertised */
	u32 rcv_wup;		/* RCV.NXT when it was: its right edge is rcv_wup + rcv_wnd */
	/* The timers' variables (RFC 6298, RFC 9293 3.8.4 and 3.8.6.1). */
	u32 rto_ms;		/* RTO before backoff */
	u8 retries;		/* RTOs of the oldest unacknowledged segment */
	u8 probes_out;		/* window probes unanswered */
	u8 persist_backoff;	/* window probes since the window last opened */
	u8 keepalive_probes;	/* keepalive probes unanswered */
	u64 last_rcv_ns;	/* when the peer last spoke */
	struct xtcp_ts ts;	/* RFC 7323 timestamps: TS.Recent, our clock's offset */
};

/*
 * What else an event is decided under, taken once at its entry point
 * (a segment's arrival, a timer's expiry, a system call): the clock, the
 * state, and what the socket's queues and settings say now.
 */
struct xtcp_ctx {
	u64 now_ns;		/* xtcp_clock_ns() */
	u8 state;
	bool fin_sent;		/* our FIN is sent: it is at snd_nxt - 1 */
	bool rcv_closed;	/* the user closed: nobody will read new data */
	bool ooo_empty;		/* no hole after RCV.NXT */
	bool delack;		/* delayed ACKs allowed (net.xtcp.delayed_ack_ms) */
	bool quickack;		/* but not now: quick-ACK mode (ack.c) */
	u32 rcv_space;		/* RCV.WND for acceptance: what fits after RCV.NXT now */
	bool rmem_full;		/* twice the receive buffer held: rcv_space is 0 */
	u32 rcv_mss;		/* a full-sized segment from the peer */
	bool held;		/* unsent data waits (for the peer's window, or a cork) */
	bool orphan;		/* the user closed the socket (SOCK_DEAD) */
	bool keepalive;		/* SO_KEEPALIVE */
	bool cookies;		/* LISTEN: SYN cookies sent in the last 2 minutes, or always */
};

/* What a verdict asks for; several may be set. */
enum {
	XTCP_ACT_SEND_ACK	= 1 << 0,	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	XTCP_ACT_SEND_SYNACK	= 1 << 1,	/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
	XTCP_ACT_SEND_RST	= 1 << 2,	/* <SEQ=rst_seq><ACK=rst_ack><CTL=rst_flags> */
	XTCP_ACT_CHALLENGE_ACK	= 1 << 3,	/* RFC 5961: an ACK, rate limited */
	XTCP_ACT_ACCEPT_DATA	= 1 << 4,	/* payload[data_off, +data_len) is next in order */
	XTCP_ACT_ACCEPT_FIN	= 1 << 5,	/* the peer is done sending: EOF */
	XTCP_ACT_ACKED		= 1 << 6,	/* SND.UNA moves to ack */
	XTCP_ACT_WINDOW		= 1 << 7,	/* SND.WND, WL1, WL2 from the segment */
	XTCP_ACT_SYNCHRONIZED	= 1 << 8,	/* handshake done: wake connect() or accept() */
	XTCP_ACT_RESET		= 1 << 9,	/* the connection is reset: err to the user */
	XTCP_ACT_NEW_CHILD	= 1 << 10,	/* LISTEN took a SYN: a request in SYN_RECV */
	XTCP_ACT_SET_IRS	= 1 << 11,	/* IRS = seq, RCV.NXT = seq + 1 */
	XTCP_ACT_DROP		= 1 << 12,	/* nothing of the segment is kept */
	XTCP_ACT_QUEUE_OOO	= 1 << 13,	/* payload[data_off, +data_len) is after a hole */
	XTCP_ACT_DUPACK		= 1 << 14,	/* a duplicate ACK (RFC 5681 section 2) */
	XTCP_ACT_DELAY_ACK	= 1 << 15,	/* SEND_ACK, but within delayed_ack_ms */
	/* User calls */
	XTCP_ACT_QUEUE_FIN	= 1 << 16,	/* the FIN goes after the queued data */
	XTCP_ACT_ABORT		= 1 << 17,	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> */
	/* Timer expiries */
	XTCP_ACT_RETRANSMIT	= 1 << 18,	/* RTO: resend from SND.UNA (RFC 6298 5.4) */
	XTCP_ACT_WINDOW_PROBE	= 1 << 19,	/* persist: probe the closed window */
	XTCP_ACT_KEEPALIVE_PROBE = 1 << 20,	/* <SEQ=SND.NXT-1><CTL=ACK> (3.8.4) */
	XTCP_ACT_SEND_SYN	= 1 << 21,	/* <SEQ=ISS><CTL=SYN> */
	XTCP_ACT_SYNACK_SENT	= 1 << 22,	/* a child: its SYN,ACK went (request, cookie) */
	XTCP_ACT_COOKIE_ACK	= 1 << 23,	/* LISTEN: an ACK that may complete a cookie */
	XTCP_ACT_QUICKACK	= 1 << 24,	/* data the peer need not have sent: quick ACKs */
	XTCP_ACT_RACK_TIMEOUT	= 1 << 25,	/* RACK's reordering window passed (RFC 8985 6.3) */
	XTCP_ACT_LOSS_PROBE	= 1 << 26,	/* a tail loss probe (RFC 8985 7.3) */
};

struct xtcp_verdict {
	u8 state;		/* the state after the event */
	u32 actions;
	u32 ack;		/* with ACKED: the new SND.UNA */
	u32 data_off;		/* with ACCEPT_DATA or QUEUE_OOO */
	u32 data_len;
	u32 rst_seq;		/* with SEND_RST */
	u32 rst_ack;
	u8 rst_flags;
	int err;		/* with RESET: ECONNREFUSED or ECONNRESET */
	enum skb_drop_reason drop;	/* why the segment is refused; 0: it is used */
	u8 timer;		/* enum xtcp_timer to arm before the actions; OFF: none */
	u64 timer_ns;		/* its expiry, from now */
	u8 mib;			/* a counter to bump; XTCP_MIB_MAX: none */
	const char *event;	/* what happened, in the protocol's words */
};

static inline void xtcp_verdict_init(struct xtcp_verdict *v, u8 state)
{
	memset(v, 0, sizeof(*v));
	v->state = state;
	v->mib = XTCP_MIB_MAX;
}

/* The sequence space a segment occupies: SYN and FIN count one each. */
static inline u32 xtcp_seg_len(const struct xtcp_seg *seg)
{
	return seg->payload_len + !!(seg->flags & XTCP_FLAG_SYN) +
	       !!(seg->flags & XTCP_FLAG_FIN);
}

const char *xtcp_state_name(int state);
void xtcp_reset_reply(const struct xtcp_seg *seg, struct xtcp_verdict *v);
void xtcp_segment_arrives(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
			  const struct xtcp_seg *seg, struct xtcp_verdict *v);

/* TIME_WAIT (RFC 9293 3.10.7.4, RFC 6191, RFC 5961). */
enum xtcp_tw_action {
	XTCP_TW_DROP,		/* nothing to do */
	XTCP_TW_ACK,		/* re-acknowledge, restart 2*MSL if it was the FIN */
	XTCP_TW_CHALLENGE,	/* a challenge ACK */
	XTCP_TW_KILL,		/* an exact RST: the entry ends */
	XTCP_TW_NEW_SYN,	/* a new incarnation: end the entry, give the SYN to a listener */
};

enum xtcp_tw_action xtcp_tw_decide(u32 rcv_nxt, u32 rcv_wnd, const struct xtcp_ts *ts,
				   u64 now_ns, const struct xtcp_seg *seg, bool *restart);

/* User calls (RFC 9293 3.10.1 OPEN, 3.10.4 CLOSE, and shutdown(SHUT_WR)). */
int xtcp_open_decide(const struct xtcp_ctx *ctx, bool active, struct xtcp_verdict *v);
void xtcp_child_decide(const struct xtcp_ctx *ctx, struct xtcp_verdict *v);
void xtcp_abort_decide(const struct xtcp_ctx *ctx, const char *why, struct xtcp_verdict *v);
bool xtcp_close_sends_fin(int state);
int xtcp_state_after_close(int state);
void xtcp_close_decide(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx, bool unread,
		       bool linger_abort, bool orphans_full, struct xtcp_verdict *v);
void xtcp_shutdown_decide(const struct xtcp_ctx *ctx, bool send_shutdown, bool rcv_shutdown,
			  struct xtcp_verdict *v);

/* A rate limit: at most burst events per interval_ns; true if this one may go. */
bool xtcp_ratelimit(u64 now_ns, u64 *stamp_ns, u32 *count, u64 interval_ns, u32 burst);

#endif /* _XTCP_STATE_H */
