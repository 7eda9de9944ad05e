/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a timer's expiry does (timeout.c): decided, as a segment is, by a
 * pure function from the TCB, the context and the settings in force, into
 * a verdict that xtcp_apply() carries out (RFC 6298 5.4-5.7; RFC 9293
 * 3.8.3, 3.8.4, 3.8.6.1, 3.8.6.3).
 */
#ifndef _XTCP_TIMEOUT_H
#define _XTCP_TIMEOUT_H

#include "xtcp/state.h"
#include "xtcp/timers.h"

/* The retry limits (RFC 9293 3.8.3's R2, as Linux's sysctls). */
struct xtcp_retry_limits {
	u32 syn_retries;	/* SYN_SENT */
	u32 synack_retries;	/* SYN_RECV */
	u32 retries2;		/* everything after the handshake, window probes too */
};

enum xtcp_timeout_action {
	XTCP_TIMEOUT_NOTHING,	/* nothing is due: a stale expiry */
	XTCP_TIMEOUT_SEND,	/* retransmit (or probe), then arm again, backed off */
	XTCP_TIMEOUT_GIVE_UP,	/* the retry limit is reached: ETIMEDOUT */
};

enum xtcp_timeout_action xtcp_rtx_decide(int state, bool in_flight, unsigned int retries,
					 const struct xtcp_retry_limits *lim);
enum xtcp_timeout_action xtcp_persist_decide(bool held, unsigned int probes_out,
					     const struct xtcp_retry_limits *lim);

enum xtcp_state_timer_action {
	XTCP_STATE_TIMER_NOTHING,
	XTCP_STATE_TIMER_FIN_WAIT2,	/* the orphan's FIN never came: RST, delete */
	XTCP_STATE_TIMER_KEEPALIVE,	/* xtcp_keepalive_decide() says what */
};

enum xtcp_state_timer_action xtcp_state_timer_decide(int state, bool orphan, bool keepalive);

enum xtcp_keepalive_action {
	XTCP_KA_WAIT,		/* not yet: check again at *next_ns */
	XTCP_KA_PROBE,		/* send a probe, check again at *next_ns */
	XTCP_KA_DROP,		/* probes unanswered: ETIMEDOUT */
};

enum xtcp_keepalive_action
xtcp_keepalive_decide(u64 now_ns, u64 last_rcv_ns, u32 idle_s, u32 intvl_s,
		      unsigned int probes_sent, unsigned int probes_max,
		      u64 *next_ns);

/* The settings a timer's expiry is decided under (sysctls or socket options). */
struct xtcp_timer_cfg {
	struct xtcp_retry_limits lim;
	u32 rto_max_ms;
	u32 keepalive_idle_s;	/* XTCP_KEEPIDLE, or net.xtcp.keepalive_time */
	u32 keepalive_intvl_s;
	u32 keepalive_probes;
};

void xtcp_timer_expires(const struct xtcp_tcb *tcb, const struct xtcp_ctx *ctx,
			enum xtcp_timer which, const struct xtcp_timer_cfg *cfg,
			struct xtcp_verdict *v);

#endif /* _XTCP_TIMEOUT_H */
