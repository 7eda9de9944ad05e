/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State changes: every one goes through xtcp_set_state(), which records it
 * in the connection's history (/proc/xtcp/history) and the xtcp_set_state
 * tracepoint, with its cause in the protocol's words.
 */
#ifndef _XTCP_HISTORY_H
#define _XTCP_HISTORY_H

#include <linux/types.h>

struct sock;

/*
 * A connection's last state changes, each with its time and cause.
 * Allocated apart from the socket so that a TIME_WAIT entry takes it over
 * only when net.xtcp.tw_history asks, and stays small otherwise.
 */
#define XTCP_HISTORY	16

struct xtcp_history_entry {
	u64 ns;			/* ktime_get_ns() */
	u8 from;
	u8 to;
	const char *event;	/* a string literal; NULL: none */
};

struct xtcp_history {
	u8 next;		/* where the next entry goes */
	u8 count;
	struct xtcp_history_entry e[XTCP_HISTORY];
};

const struct xtcp_history_entry *xtcp_history_last(const struct xtcp_history *h);

void xtcp_history_add(struct xtcp_history *h, int from, int to, const char *why, u64 ns);
void xtcp_set_state(struct sock *sk, int state, const char *why, u64 now_ns);
void xtcp_recovery_event(struct sock *sk, const char *why);

#endif /* _XTCP_HISTORY_H */
