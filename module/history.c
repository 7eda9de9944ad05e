// SPDX-License-Identifier: GPL-2.0
/*
 * State changes (RFC 9293 3.3.2): every one goes through xtcp_set_state(),
 * which counts it, traces it, and records it in the connection's history
 * for /proc/xtcp/history; loss recovery's episodes go there too.
 */
#include "xtcp/history.h"
#include "xtcp/sock.h"
#include "xtcp/timers.h"
#include "xtcp/trace.h"

void xtcp_history_add(struct xtcp_history *h, int from, int to, const char *why, u64 ns)
{
	if (!h)
		return;
	h->e[h->next].ns = ns;
	h->e[h->next].from = from;
	h->e[h->next].to = to;
	h->e[h->next].event = why;
	h->next = (h->next + 1) % XTCP_HISTORY;
	if (h->count < XTCP_HISTORY)
		h->count++;
}

/* The newest entry, or NULL. */
const struct xtcp_history_entry *xtcp_history_last(const struct xtcp_history *h)
{
	if (!h || !h->count)
		return NULL;
	return &h->e[(h->next + XTCP_HISTORY - 1) % XTCP_HISTORY];
}

/*
 * A loss recovery episode began or ended, or a reduction was undone: in
 * the history beside the state changes (the state stays; why says what
 * happened) and in the xtcp_recovery tracepoint.
 */
void xtcp_recovery_event(struct sock *sk, const char *why)
{
	trace_xtcp_recovery(sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			    ntohs(sk->sk_dport), sk->sk_state, sk->sk_state, why);
	xtcp_history_add(xtcp_sk(sk)->history, sk->sk_state, sk->sk_state, why,
			 xtcp_clock_ns());
}

/*
 * Every state change goes through here, with its cause in the protocol's
 * words, at now_ns (the event's time: no clock read of its own).
 */
void xtcp_set_state(struct sock *sk, int state, const char *why, u64 now_ns)
{
	int old = sk->sk_state;

	/* Counted as Linux's tcp_set_state() counts (RFC 4022 semantics). */
	if (state == XTCP_CLOSE) {
		if (old == XTCP_ESTABLISHED || old == XTCP_CLOSE_WAIT)
			xtcp_sk_inc(sk, XTCP_MIB_ESTAB_RESETS);
		else if (old == XTCP_SYN_SENT || old == XTCP_SYN_RECV)
			xtcp_sk_inc(sk, XTCP_MIB_ATTEMPT_FAILS);
	}
	trace_xtcp_set_state(sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			     ntohs(sk->sk_dport), old, state, why);
	xtcp_history_add(xtcp_sk(sk)->history, old, state, why, now_ns);
	xtcp_sk(sk)->prev_state = old;
	WRITE_ONCE(sk->sk_state, state);
}
