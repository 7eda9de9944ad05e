// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 9293 section 3.10.7, "SEGMENT ARRIVES", as a function from the
 * connection's variables and a segment to a verdict. Nothing here touches a
 * socket, a timer or the clock, so KUnit can drive every (state, segment)
 * pair. Challenge ACKs and RST checks follow RFC 5961.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "xtcp/seq.h"
#include "xtcp/state.h"
#include <uapi/linux/xtcp.h>

static const char * const xtcp_state_names[] = XTCP_STATE_NAMES;
static_assert(ARRAY_SIZE(xtcp_state_names) == XTCP_MAX_STATES);

const char *xtcp_state_name(int state)
{
	if (state <= 0 || state >= XTCP_MAX_STATES)
		return "UNKNOWN";
	return xtcp_state_names[state];
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_name);

static void verdict_rst(struct xtcp_verdict *v, u32 seq, u32 ack, u8 flags)
{
	v->actions |= XTCP_ACT_SEND_RST | XTCP_ACT_DROP;
	v->rst_seq = seq;
	v->rst_ack = ack;
	v->rst_flags = flags;
}

/*
 * 3.10.7.1, CLOSED: a segment for no connection. An incoming RST is
 * dropped; anything else is answered by a RST that the sender will accept:
 * <SEQ=SEG.ACK><CTL=RST> if it carried an ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
void xtcp_reset_reply(const struct xtcp_seg *seg, struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, XTCP_CLOSE);
	v->event = "rcv segment for no connection";
	if (seg->flags & XTCP_FLAG_RST) {
		v->actions = XTCP_ACT_DROP;
		return;
	}
	v->drop = SKB_DROP_REASON_NO_SOCKET;
	if (seg->flags & XTCP_FLAG_ACK)
		verdict_rst(v, seg->ack, 0, XTCP_FLAG_RST);
	else
		verdict_rst(v, 0, seg->seq + xtcp_seg_len(seg),
			    XTCP_FLAG_RST | XTCP_FLAG_ACK);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reset_reply);

/* 3.10.7.2, LISTEN */
static void xtcp_rcv_listen(const struct xtcp_ctx *ctx, const struct xtcp_seg *seg,
			    struct xtcp_verdict *v)
{
	if (seg->flags & XTCP_FLAG_RST) {
		v->actions = XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_RESET;
		v->event = "rcv RST in LISTEN";
		return;
	}
	if (seg->flags & XTCP_FLAG_ACK) {
		/* An ACK for a connection that does not exist yet. */
		verdict_rst(v, seg->ack, 0, XTCP_FLAG_RST);
		v->drop = SKB_DROP_REASON_TCP_FLAGS;
		v->event = "rcv ACK in LISTEN";
		/*
		 * RFC 4987 3.6: while the listener answers SYNs with cookies, the
		 * ACK may bring one back; if it is not one of ours, the RST.
		 */
		if (ctx->cookies && !(seg->flags & XTCP_FLAG_SYN))
			v->actions = XTCP_ACT_COOKIE_ACK;
		return;
	}
	if (seg->flags & XTCP_FLAG_SYN) {
		/* A request is born in SYN_RECV; it answers SYN,ACK. */
		v->actions = XTCP_ACT_NEW_CHILD;
		v->event = "rcv SYN";
		return;
	}
	v->actions = XTCP_ACT_DROP;
	v->drop = SKB_DROP_REASON_TCP_FLAGS;
	v->event = "rcv segment without SYN in LISTEN";
}

/* A segment whose ACK answers no SYN of ours: <SEQ=SEG.ACK><CTL=RST>, unless it is a RST. */
static void syn_sent_reject(const struct xtcp_seg *seg, struct xtcp_verdict *v)
{
	if (seg->flags & XTCP_FLAG_RST)
		v->actions = XTCP_ACT_DROP;
	else
		verdict_rst(v, seg->ack, 0, XTCP_FLAG_RST);
}

/* 3.10.7.3, SYN-SENT */
static void xtcp_rcv_syn_sent(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
			      const struct xtcp_seg *seg, struct xtcp_verdict *v)
{
	bool has_ack = seg->flags & XTCP_FLAG_ACK;

	/* First: an ACK must acknowledge our SYN and nothing beyond it. */
	if (has_ack && (xtcp_seq_before_eq(seg->ack, tcb->iss) ||
			xtcp_seq_after(seg->ack, tcb->snd_nxt))) {
		v->event = "rcv unacceptable ACK in SYN_SENT";
		v->drop = SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
		syn_sent_reject(seg, v);
		return;
	}
	/*
	 * An echo of no TSval our SYNs carried (between the first one's and
	 * now): not an answer to them (Linux's PAWSActiveRejected).
	 */
	if (has_ack && tcb->ts.ok && seg->ts_ok && seg->ts_ecr &&
	    seg->ts_ecr - tcb->ts.syn_tsval > xtcp_ts_now(ctx->now_ns, tcb->ts.offset) -
					      tcb->ts.syn_tsval) {
		v->event = "rcv SYN,ACK echoing no SYN of ours";
		v->drop = SKB_DROP_REASON_TCP_RFC7323_PAWS;
		v->mib = XTCP_MIB_PAWS_REJECTS;
		syn_sent_reject(seg, v);
		return;
	}
	/* Second: a RST is believed only with an acceptable ACK (RFC 5961 3.2). */
	if (seg->flags & XTCP_FLAG_RST) {
		if (has_ack) {
			v->state = XTCP_CLOSE;
			v->actions = XTCP_ACT_RESET | XTCP_ACT_DROP;
			v->drop = SKB_DROP_REASON_TCP_RESET;
			v->err = ECONNREFUSED;
			v->event = "rcv RST in SYN_SENT";
		} else {
			v->actions = XTCP_ACT_DROP;
			v->drop = SKB_DROP_REASON_TCP_RESET;
			v->event = "rcv RST without ACK in SYN_SENT";
		}
		return;
	}
	/* Fourth: a SYN. */
	if (!(seg->flags & XTCP_FLAG_SYN)) {
		v->actions = XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_FLAGS;
		v->event = "rcv segment without SYN in SYN_SENT";
		return;
	}
	v->actions = XTCP_ACT_SET_IRS | XTCP_ACT_WINDOW;
	if (has_ack) {
		/* Our SYN is acknowledged: ESTABLISHED, and ACK theirs. */
		v->state = XTCP_ESTABLISHED;
		v->ack = seg->ack;
		v->actions |= XTCP_ACT_ACKED | XTCP_ACT_SYNCHRONIZED | XTCP_ACT_SEND_ACK;
		v->event = "rcv SYN+ACK";
		if (seg->payload_len) {
			v->actions |= XTCP_ACT_ACCEPT_DATA;
			v->data_off = 0;
			v->data_len = min(seg->payload_len, ctx->rcv_space);
		}
	} else {
		/* Simultaneous open: both sent SYN. Answer SYN,ACK. */
		v->state = XTCP_SYN_RECV;
		v->actions |= XTCP_ACT_SEND_SYNACK;
		v->event = "rcv SYN (simultaneous open)";
	}
}

/*
 * 3.10.7.4, first check: is the segment in the receive window? Returns
 * false if not. Otherwise trims what lies before RCV.NXT or past the window
 * into v->data_off/data_len and says whether a FIN still fits.
 */
static bool xtcp_seq_acceptable(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
				const struct xtcp_seg *seg, struct xtcp_verdict *v,
				bool *fin_fits)
{
	u32 len = xtcp_seg_len(seg);
	u32 wnd_end = tcb->rcv_nxt + ctx->rcv_space;
	u32 seq = seg->seq, end, skip;

	if (len == 0) {
		if (ctx->rcv_space == 0)
			return seq == tcb->rcv_nxt;
		return xtcp_seq_in_window(seq, tcb->rcv_nxt, wnd_end);
	}
	if (ctx->rcv_space == 0) {
		/* Nothing fits, but a zero-window probe's ACK must still be seen. */
		return false;
	}
	end = seq + len - 1;
	if (!xtcp_seq_in_window(seq, tcb->rcv_nxt, wnd_end) &&
	    !xtcp_seq_in_window(end, tcb->rcv_nxt, wnd_end))
		return false;

	/* Payload starts after a SYN's one number. */
	if (seg->flags & XTCP_FLAG_SYN)
		seq++;
	skip = xtcp_seq_before(seq, tcb->rcv_nxt) ? tcb->rcv_nxt - seq : 0;
	if (skip >= seg->payload_len) {
		v->data_off = seg->payload_len;
		v->data_len = 0;
	} else {
		v->data_off = skip;
		v->data_len = min(seg->payload_len - skip, wnd_end - (seq + skip));
	}
	/* The FIN is at seq + payload_len; it counts only if all data before it fits. */
	*fin_fits = (seg->flags & XTCP_FLAG_FIN) &&
		    v->data_off + v->data_len == seg->payload_len &&
		    xtcp_seq_in_window(seq + seg->payload_len, tcb->rcv_nxt, wnd_end + 1);
	return true;
}

/*
 * In-order data: acknowledge now, or within the delayed-ACK time (RFC 9293
 * 3.8.6.3, RFC 5681 4.2): at once if it makes more than one full-sized
 * segment unacknowledged (so every second one is ACKed), if it fills a
 * hole, which the sender is waiting to hear about, or in quick-ACK mode
 * (ack.c: the start of a connection, as Linux).
 */
static u32 xtcp_data_ack(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx, u32 len)
{
	if (ctx->delack && !ctx->quickack && ctx->ooo_empty &&
	    tcb->rcv_nxt + len - tcb->rcv_wup <= ctx->rcv_mss)
		return XTCP_ACT_DELAY_ACK;
	return XTCP_ACT_SEND_ACK;
}

/*
 * Linux's tcp_disordered_ack(): a pure duplicate ACK that changes nothing,
 * overtaken by a later segment by no more than an RTO. PAWS lets it pass
 * (its old TSval proves nothing wrapped), so it still counts as a
 * duplicate for fast retransmit.
 */
static bool xtcp_disordered_ack(const struct xtcp_tcb *tcb, const struct xtcp_seg *seg)
{
	return (seg->flags & XTCP_FLAG_ACK) && !xtcp_seg_len(seg) &&
	       seg->seq == tcb->rcv_nxt && seg->ack == tcb->snd_una &&
	       seg->window == tcb->snd_wnd &&
	       (s32)(tcb->ts.recent - seg->ts_val) <= (s32)tcb->rto_ms;
}

/* 3.10.7.4, synchronized states (and SYN-RECEIVED) */
static void xtcp_rcv_synchronized(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
				  const struct xtcp_seg *seg, struct xtcp_verdict *v)
{
	u8 state = ctx->state;
	bool fin_fits = false, fin_acked;
	u32 data_seq;

	/* A retransmitted SYN while we wait for the final ACK: repeat SYN,ACK. */
	if (state == XTCP_SYN_RECV && (seg->flags & XTCP_FLAG_SYN) &&
	    !(seg->flags & (XTCP_FLAG_ACK | XTCP_FLAG_RST)) &&
	    seg->seq + 1 == tcb->rcv_nxt) {
		v->actions = XTCP_ACT_SEND_SYNACK | XTCP_ACT_DROP;
		v->event = "rcv SYN again";
		return;
	}

	/*
	 * RFC 7323 5.3 R1, before all else as in Linux: a TSval older than
	 * TS.Recent is a duplicate from long ago (a sequence number wrapped)
	 * and gets an ACK. A RST is judged by its sequence number alone.
	 */
	if (tcb->ts.ok && seg->ts_ok && !(seg->flags & XTCP_FLAG_RST) &&
	    !xtcp_paws_ok(&tcb->ts, seg->ts_val, ctx->now_ns) && !xtcp_disordered_ack(tcb, seg)) {
		v->actions = XTCP_ACT_SEND_ACK | XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_RFC7323_PAWS;
		v->mib = XTCP_MIB_PAWS_REJECTS;
		v->event = "rcv segment failing PAWS";
		return;
	}

	/*
	 * Fourth, moved first by RFC 5961 4.2: a SYN in a synchronized state
	 * gets a challenge ACK, whatever its sequence number.
	 */
	if (seg->flags & XTCP_FLAG_SYN) {
		v->actions = XTCP_ACT_CHALLENGE_ACK | XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_INVALID_SYN;
		v->event = "rcv SYN in synchronized state";
		return;
	}

	/* First: sequence number. */
	if (!xtcp_seq_acceptable(tcb, ctx, seg, v, &fin_fits)) {
		if (seg->flags & XTCP_FLAG_RST) {
			/* RFC 5961 3.2: a RST outside the window is ignored. */
			v->actions = XTCP_ACT_DROP;
			v->drop = SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
			v->event = "rcv RST outside window";
		} else {
			v->actions = XTCP_ACT_SEND_ACK | XTCP_ACT_DROP;
			if (seg->payload_len)
				v->actions |= XTCP_ACT_QUICKACK;
			v->drop = SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
			v->event = "rcv segment outside window";
		}
		return;
	}

	/* Second: RST. Only an exact match resets (RFC 5961 3.2). */
	if (seg->flags & XTCP_FLAG_RST) {
		if (seg->seq != tcb->rcv_nxt) {
			v->actions = XTCP_ACT_CHALLENGE_ACK | XTCP_ACT_DROP;
			v->drop = SKB_DROP_REASON_TCP_RESET;
			v->event = "rcv RST in window, not exact";
			return;
		}
		v->state = XTCP_CLOSE;
		v->actions = XTCP_ACT_RESET | XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_RESET;
		v->event = "rcv RST";
		if (state == XTCP_SYN_RECV)
			v->err = ECONNREFUSED;
		else if (state == XTCP_ESTABLISHED || state == XTCP_FIN_WAIT1 ||
			 state == XTCP_FIN_WAIT2 || state == XTCP_CLOSE_WAIT)
			v->err = ECONNRESET;
		else
			v->err = 0;	/* CLOSING, LAST_ACK: the user has closed */
		return;
	}

	/* Fifth: ACK. */
	if (!(seg->flags & XTCP_FLAG_ACK)) {
		v->actions = XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_FLAGS;
		v->event = "rcv segment without ACK";
		return;
	}
	if (state == XTCP_SYN_RECV) {
		if (!xtcp_seq_after(seg->ack, tcb->snd_una) ||
		    xtcp_seq_after(seg->ack, tcb->snd_nxt)) {
			verdict_rst(v, seg->ack, 0, XTCP_FLAG_RST);
			v->drop = SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
			v->event = "rcv unacceptable ACK in SYN_RECV";
			return;
		}
		state = XTCP_ESTABLISHED;
		v->actions |= XTCP_ACT_SYNCHRONIZED;
		v->event = "rcv ACK of SYN";
	}
	if (xtcp_seq_after(seg->ack, tcb->snd_nxt)) {
		/* It acknowledges something not yet sent. */
		v->actions = XTCP_ACT_SEND_ACK | XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_ACK_UNSENT_DATA;
		v->event = "rcv ACK of unsent data";
		return;
	}
	/*
	 * RFC 5961 5.2: an ACK below SND.UNA - MAX.SND.WND is no ACK the peer
	 * could send: a blind injection. Challenge it and take nothing of the
	 * segment, as Linux's tcp_ack() does.
	 */
	if (xtcp_seq_before(seg->ack, tcb->snd_una - tcb->max_snd_wnd)) {
		v->actions = XTCP_ACT_CHALLENGE_ACK | XTCP_ACT_DROP;
		v->drop = SKB_DROP_REASON_TCP_TOO_OLD_ACK;
		v->event = "rcv ACK below the peer's window";
		return;
	}
	if (xtcp_seq_after(seg->ack, tcb->snd_una)) {
		v->actions |= XTCP_ACT_ACKED;
		v->ack = seg->ack;
	} else if (seg->ack == tcb->snd_una && tcb->snd_una != tcb->snd_nxt &&
		   !seg->payload_len && !(seg->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN)) &&
		   seg->window == tcb->snd_wnd) {
		/* RFC 5681 section 2: data outstanding, nothing new, same window. */
		v->actions |= XTCP_ACT_DUPACK;
	}
	/* Window update, unless the segment is older than the last one used. */
	if (xtcp_seq_before(tcb->snd_wl1, seg->seq) ||
	    (tcb->snd_wl1 == seg->seq && xtcp_seq_before_eq(tcb->snd_wl2, seg->ack)))
		v->actions |= XTCP_ACT_WINDOW;

	fin_acked = ctx->fin_sent && seg->ack == tcb->snd_nxt;
	switch (state) {
	case XTCP_FIN_WAIT1:
		if (fin_acked) {
			state = XTCP_FIN_WAIT2;
			v->event = "rcv ACK of FIN";
		}
		break;
	case XTCP_CLOSING:
		if (fin_acked) {
			v->state = XTCP_TIME_WAIT;
			v->event = "rcv ACK of FIN";
			return;
		}
		break;
	case XTCP_LAST_ACK:
		if (fin_acked) {
			v->state = XTCP_CLOSE;
			v->event = "rcv ACK of FIN";
			return;
		}
		break;
	}

	/* Seventh: text. */
	data_seq = seg->seq + v->data_off;
	if (v->data_len && ctx->rcv_closed &&
	    (state == XTCP_FIN_WAIT1 || state == XTCP_FIN_WAIT2)) {
		/* As Linux: the user closed, nobody will read it: abort (RFC 2525 2.17). */
		xtcp_verdict_init(v, XTCP_CLOSE);
		verdict_rst(v, tcb->snd_nxt, 0, XTCP_FLAG_RST);
		v->drop = SKB_DROP_REASON_TCP_CLOSE;
		v->actions |= XTCP_ACT_RESET;
		v->event = "rcv data after close";
		return;
	}
	if (v->data_len && (state == XTCP_ESTABLISHED || state == XTCP_FIN_WAIT1 ||
			    state == XTCP_FIN_WAIT2)) {
		if (data_seq == tcb->rcv_nxt) {
			v->actions |= XTCP_ACT_ACCEPT_DATA | xtcp_data_ack(tcb, ctx, v->data_len);
			if (!v->event)
				v->event = "rcv data";
		} else {
			/*
			 * After a hole: held for reassembly, and a duplicate
			 * ACK at once (RFC 5681 4.2) says what is missing. A
			 * FIN is taken only in order; the peer sends it again.
			 */
			v->actions |= XTCP_ACT_QUEUE_OOO | XTCP_ACT_SEND_ACK;
			if (!v->event)
				v->event = "rcv data out of order";
			fin_fits = false;
		}
	} else {
		/* Data we will not take. */
		if (seg->payload_len && xtcp_seq_after(seg->seq + seg->payload_len, tcb->rcv_nxt))
			v->actions |= XTCP_ACT_SEND_ACK | XTCP_ACT_QUICKACK;
		v->data_len = 0;
		if (data_seq != tcb->rcv_nxt)
			fin_fits = false;
	}

	/* Eighth: FIN, if it is the next thing in sequence. */
	if (fin_fits && (seg->flags & XTCP_FLAG_FIN)) {
		v->actions |= XTCP_ACT_SEND_ACK;
		switch (state) {
		case XTCP_ESTABLISHED:
			v->actions |= XTCP_ACT_ACCEPT_FIN;
			state = XTCP_CLOSE_WAIT;
			v->event = "rcv FIN";
			break;
		case XTCP_FIN_WAIT1:
			v->actions |= XTCP_ACT_ACCEPT_FIN;
			state = fin_acked ? XTCP_TIME_WAIT : XTCP_CLOSING;
			v->event = fin_acked ? "rcv FIN+ACK" : "rcv FIN (simultaneous close)";
			break;
		case XTCP_FIN_WAIT2:
			v->actions |= XTCP_ACT_ACCEPT_FIN;
			state = XTCP_TIME_WAIT;
			v->event = "rcv FIN";
			break;
		default:
			/* CLOSE_WAIT, CLOSING, LAST_ACK: a retransmitted FIN, re-ACK it. */
			v->event = "rcv FIN again";
			break;
		}
	}
	v->state = state;
	if (!v->event)
		v->event = "rcv ACK";
}

void xtcp_segment_arrives(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
			  const struct xtcp_seg *seg, struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	switch (ctx->state) {
	case XTCP_LISTEN:
		xtcp_rcv_listen(ctx, seg, v);
		break;
	case XTCP_SYN_SENT:
		xtcp_rcv_syn_sent(tcb, ctx, seg, v);
		break;
	case XTCP_SYN_RECV:
	case XTCP_ESTABLISHED:
	case XTCP_FIN_WAIT1:
	case XTCP_FIN_WAIT2:
	case XTCP_CLOSE_WAIT:
	case XTCP_CLOSING:
	case XTCP_LAST_ACK:
		xtcp_rcv_synchronized(tcb, ctx, seg, v);
		break;
	default:
		/* CLOSE (and TIME_WAIT, which has its own object): no TCB. */
		xtcp_reset_reply(seg, v);
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_segment_arrives);

/*
 * TIME_WAIT: the only thing that should arrive is a retransmission of the
 * peer's FIN; acknowledge it and restart the 2*MSL timer. An exact RST ends
 * the entry (RFC 9293; RFC 5961 challenges an inexact one). A SYN starts a
 * new incarnation if its sequence number is beyond what the old connection
 * used, or, with timestamps, its TSval is newer than the last one seen
 * (RFC 6191, as Linux's tcp_timewait_state_process()); any other SYN is
 * challenged. A segment failing PAWS (ts, RFC 7323 5.3) is acknowledged if
 * it is not a RST, and changes nothing.
 */
enum xtcp_tw_action xtcp_tw_decide(u32 rcv_nxt, u32 rcv_wnd, const struct xtcp_ts *ts,
				   u64 now_ns, const struct xtcp_seg *seg, bool *restart)
{
	bool ts_both = ts->ok && seg->ts_ok;
	bool paws_reject = ts_both && !xtcp_paws_ok(ts, seg->ts_val, now_ns);

	*restart = false;
	if (seg->flags & XTCP_FLAG_RST) {
		if (paws_reject)
			return XTCP_TW_DROP;
		if (seg->seq == rcv_nxt)
			return XTCP_TW_KILL;
		if (xtcp_seq_in_window(seg->seq, rcv_nxt, rcv_nxt + rcv_wnd))
			return XTCP_TW_CHALLENGE;
		return XTCP_TW_DROP;
	}
	if (seg->flags & XTCP_FLAG_SYN) {
		if (!(seg->flags & XTCP_FLAG_ACK) && !paws_reject &&
		    (xtcp_seq_after(seg->seq, rcv_nxt) ||
		     (ts_both && xtcp_ts_newer_syn(ts, seg->ts_val))))
			return XTCP_TW_NEW_SYN;
		return XTCP_TW_CHALLENGE;
	}
	if (!(seg->flags & XTCP_FLAG_ACK))
		return XTCP_TW_DROP;
	if (paws_reject)
		return XTCP_TW_ACK;
	if ((seg->flags & XTCP_FLAG_FIN) &&
	    seg->seq + seg->payload_len + 1 == rcv_nxt) {
		*restart = true;	/* our ACK of their FIN was lost */
		return XTCP_TW_ACK;
	}
	/* Anything else old or out of window gets an ACK; in-window is dropped. */
	if (!xtcp_seq_in_window(seg->seq, rcv_nxt, rcv_nxt + rcv_wnd))
		return XTCP_TW_ACK;
	return XTCP_TW_DROP;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_decide);

/* 3.10.4 CLOSE: the states whose close sends a FIN (after queued data). */
bool xtcp_close_sends_fin(int state)
{
	return state == XTCP_SYN_RECV || state == XTCP_ESTABLISHED ||
	       state == XTCP_CLOSE_WAIT;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_close_sends_fin);

int xtcp_state_after_close(int state)
{
	switch (state) {
	case XTCP_SYN_RECV:
	case XTCP_ESTABLISHED:
		return XTCP_FIN_WAIT1;
	case XTCP_CLOSE_WAIT:
		return XTCP_LAST_ACK;
	case XTCP_LISTEN:
	case XTCP_SYN_SENT:
	case XTCP_CLOSE:
		return XTCP_CLOSE;
	default:
		return state;	/* already closing */
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_after_close);

/*
 * 3.10.1 OPEN. Active (connect): from CLOSED, with the ISS chosen, send
 * <SEQ=ISS><CTL=SYN> and enter SYN-SENT; otherwise the connection exists
 * (-EISCONN, as Linux). Passive (listen): CLOSED or LISTEN (a new backlog)
 * enter LISTEN; otherwise -EINVAL.
 */
int xtcp_open_decide(const struct xtcp_ctx *ctx, bool active, struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	if (active) {
		if (ctx->state != XTCP_CLOSE)
			return -EISCONN;
		v->state = XTCP_SYN_SENT;
		v->actions = XTCP_ACT_SEND_SYN;
		v->mib = XTCP_MIB_ACTIVE_OPENS;
		v->event = "user connect";
		return 0;
	}
	if (ctx->state != XTCP_CLOSE && ctx->state != XTCP_LISTEN)
		return -EINVAL;
	v->state = XTCP_LISTEN;
	v->event = "user listen";
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_open_decide);

/*
 * 3.10.7.2: a listener's child is in SYN-RECEIVED with its <SEQ=ISS>
 * <ACK=RCV.NXT><CTL=SYN,ACK> sent, by the request it was (request.c) or
 * as a SYN cookie (RFC 4987 3.6); the ACK that completes it comes next.
 * Counted as Linux counts PassiveOpens: when the socket is made.
 */
void xtcp_child_decide(const struct xtcp_ctx *ctx, struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	v->state = XTCP_SYN_RECV;
	v->actions = XTCP_ACT_SYNACK_SENT;
	v->mib = XTCP_MIB_PASSIVE_OPENS;
	v->event = "rcv ACK of SYN cookie";
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_child_decide);

/*
 * 3.10.5 ABORT: the TCB is deleted, and a peer that knows the connection
 * (not in SYN-SENT or LISTEN) gets <SEQ=SND.NXT><CTL=RST,ACK>, as Linux's
 * tcp_close() does for unread data. (3.10.5 sends none in CLOSING and
 * LAST-ACK, nor does Linux's SO_LINGER {1, 0}; xtcp always has.) why names
 * the caller's reason: the user's abortive close, a closing listener's child.
 */
void xtcp_abort_decide(const struct xtcp_ctx *ctx, const char *why, struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	v->event = why;
	if (ctx->state == XTCP_CLOSE)
		return;
	v->state = XTCP_CLOSE;
	if (ctx->state != XTCP_SYN_SENT && ctx->state != XTCP_LISTEN)
		v->actions = XTCP_ACT_ABORT;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_abort_decide);

/*
 * 3.10.4 CLOSE, as Linux's tcp_close(): unread data or SO_LINGER {1, 0}
 * abort with a RST (RFC 2525 2.17; a SYN_SENT connection has nothing to
 * reset); SYN_RECV, ESTABLISHED and CLOSE_WAIT queue a FIN after the data;
 * LISTEN and SYN_SENT delete the TCB; the closing states go on, unless
 * max_orphans orphans live already (orphans_full): then the connection is
 * reset instead of left to finish (Linux's tcp_check_oom()).
 */
void xtcp_close_decide(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx, bool unread,
		       bool linger_abort, bool orphans_full, struct xtcp_verdict *v)
{
	if ((unread || linger_abort) && ctx->state != XTCP_CLOSE && ctx->state != XTCP_LISTEN) {
		xtcp_abort_decide(ctx, "user abort", v);
		return;
	}
	if (orphans_full && xtcp_state_after_close(ctx->state) != XTCP_CLOSE) {
		xtcp_abort_decide(ctx, "too many orphans", v);
		v->mib = XTCP_MIB_ORPHAN_ABORTS;
		return;
	}
	xtcp_verdict_init(v, ctx->state);
	v->event = "user close";
	if (xtcp_close_sends_fin(ctx->state)) {
		v->state = xtcp_state_after_close(ctx->state);
		v->actions = XTCP_ACT_QUEUE_FIN;
	} else if (ctx->state == XTCP_LISTEN || ctx->state == XTCP_SYN_SENT) {
		v->state = XTCP_CLOSE;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_close_decide);

/*
 * shutdown(): SHUT_WR queues the FIN where close would (the half-close:
 * we keep receiving); a listener shut for reading, or a SYN_SENT
 * connection, is deleted.
 */
void xtcp_shutdown_decide(const struct xtcp_ctx *ctx, bool send_shutdown, bool rcv_shutdown,
			  struct xtcp_verdict *v)
{
	xtcp_verdict_init(v, ctx->state);
	v->event = "user shutdown";
	switch (ctx->state) {
	case XTCP_CLOSE:
		break;
	case XTCP_LISTEN:
		if (rcv_shutdown)
			v->state = XTCP_CLOSE;
		break;
	case XTCP_SYN_SENT:
		v->state = XTCP_CLOSE;
		break;
	default:
		if (send_shutdown && xtcp_close_sends_fin(ctx->state)) {
			v->state = xtcp_state_after_close(ctx->state);
			v->actions = XTCP_ACT_QUEUE_FIN;
		}
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_shutdown_decide);

/*
 * At most burst events each interval_ns, the window starting with the
 * first event after the last one ended: RFC 5961 section 7's challenge
 * ACKs, Linux's tcp_invalid_ratelimit for ACKs to dropped segments.
 */
bool xtcp_ratelimit(u64 now_ns, u64 *stamp_ns, u32 *count, u64 interval_ns, u32 burst)
{
	if (!*stamp_ns || now_ns - *stamp_ns >= interval_ns) {
		*stamp_ns = now_ns;
		*count = 0;
	}
	if (*count >= burst)
		return false;
	(*count)++;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_ratelimit);
