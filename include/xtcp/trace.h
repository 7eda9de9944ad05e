/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp's tracepoints, under tracefs events/xtcp/: a connection's state
 * changes, its retransmissions, and the RSTs it sends. Addresses are kept
 * as bytes and states as numbers (the format prints names), so the records
 * read the same on every kernel xtcp builds for.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/tracepoint.h>
#include <net/sock.h>
#include <uapi/linux/xtcp.h>

/*
 * A state's number and name for __print_symbolic, the name spelled by the
 * uapi enum itself (a state missing from the enum does not compile); the
 * tracepoints test checks every name against /proc/xtcp/history's.
 */
#define XTCP_STATE_SYM(name)	{ XTCP_##name, #name }

#define xtcp_show_state(state)						\
	__print_symbolic(state, XTCP_STATE_SYM(ESTABLISHED), XTCP_STATE_SYM(SYN_SENT),	\
			 XTCP_STATE_SYM(SYN_RECV), XTCP_STATE_SYM(FIN_WAIT1),		\
			 XTCP_STATE_SYM(FIN_WAIT2), XTCP_STATE_SYM(TIME_WAIT),		\
			 XTCP_STATE_SYM(CLOSE), XTCP_STATE_SYM(CLOSE_WAIT),		\
			 XTCP_STATE_SYM(LAST_ACK), XTCP_STATE_SYM(LISTEN),		\
			 XTCP_STATE_SYM(CLOSING))

/*
 * A connection and two of its states, with a cause in the words of
 * /proc/xtcp/history. skaddr is the socket, or the TIME_WAIT entry.
 */
DECLARE_EVENT_CLASS(xtcp_conn,
		    TP_PROTO(const void *skaddr, __be32 saddr, u16 sport, __be32 daddr,
			     u16 dport, int oldstate, int newstate, const char *why),
		    TP_ARGS(skaddr, saddr, sport, daddr, dport, oldstate, newstate, why),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __array(__u8, saddr, 4)
				     __array(__u8, daddr, 4)
				     __field(__u16, sport)
				     __field(__u16, dport)
				     __field(int, oldstate)
				     __field(int, newstate)
				     __array(char, why, 48)),
		    TP_fast_assign(__entry->skaddr = skaddr;
				   memcpy(__entry->saddr, &saddr, 4);
				   memcpy(__entry->daddr, &daddr, 4);
				   __entry->sport = sport;
				   __entry->dport = dport;
				   __entry->oldstate = oldstate;
				   __entry->newstate = newstate;
				   strscpy(__entry->why, why, sizeof(__entry->why));),
		    TP_printk("sk=%p %pI4:%u -> %pI4:%u %s -> %s (%s)", __entry->skaddr,
			      __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
			      xtcp_show_state(__entry->oldstate),
			      xtcp_show_state(__entry->newstate), __entry->why)
);

/*
 * A connection changed state (RFC 9293 3.3.2), the end of TIME_WAIT
 * (TIME_WAIT -> CLOSE) included.
 */
DEFINE_EVENT(xtcp_conn, xtcp_set_state,
	     TP_PROTO(const void *skaddr, __be32 saddr, u16 sport, __be32 daddr, u16 dport,
		      int oldstate, int newstate, const char *why),
	     TP_ARGS(skaddr, saddr, sport, daddr, dport, oldstate, newstate, why)
);

/* The oldest unacknowledged segment was sent again (RTO, or a SYN+ACK for a repeated SYN). */
DEFINE_EVENT(xtcp_conn, xtcp_retransmit,
	     TP_PROTO(const void *skaddr, __be32 saddr, u16 sport, __be32 daddr, u16 dport,
		      int oldstate, int newstate, const char *why),
	     TP_ARGS(skaddr, saddr, sport, daddr, dport, oldstate, newstate, why)
);

/*
 * Loss recovery began (fast retransmit, SACK recovery, an RTO) or ended,
 * or a reduction was undone; the state is the same on both sides.
 */
DEFINE_EVENT(xtcp_conn, xtcp_recovery,
	     TP_PROTO(const void *skaddr, __be32 saddr, u16 sport, __be32 daddr, u16 dport,
		      int oldstate, int newstate, const char *why),
	     TP_ARGS(skaddr, saddr, sport, daddr, dport, oldstate, newstate, why)
);

/* A RST went out: from a socket, or answering a segment for none. */
TRACE_EVENT(xtcp_send_reset,
	    TP_PROTO(__be32 saddr, u16 sport, __be32 daddr, u16 dport, u32 seq, u32 ack),
	    TP_ARGS(saddr, sport, daddr, dport, seq, ack),
	    TP_STRUCT__entry(__array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u32, seq)
			     __field(__u32, ack)),
	    TP_fast_assign(memcpy(__entry->saddr, &saddr, 4);
			   memcpy(__entry->daddr, &daddr, 4);
			   __entry->sport = sport;
			   __entry->dport = dport;
			   __entry->seq = seq;
			   __entry->ack = ack;),
	    TP_printk("%pI4:%u -> %pI4:%u seq=%u ack=%u", __entry->saddr, __entry->sport,
		      __entry->daddr, __entry->dport, __entry->seq, __entry->ack)
);

#endif /* _XTCP_TRACE_H */

/* Found through the module's include path, as xtcp/trace.h. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH xtcp
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
