/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xtcp socket, its life (conn.c: made, ended, freed) and the segment
 * data kept in an skb's control block.
 */
#ifndef _XTCP_SOCK_H
#define _XTCP_SOCK_H

#include <linux/hrtimer.h>
#include <linux/list_nulls.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "xtcp/cong.h"
#include "xtcp/rtt.h"
#include "xtcp/state.h"
#include "xtcp/xtcp.h"

struct xtcp_history;

/*
 * The socket. struct sock comes first, so sk and xtcp_sock convert freely;
 * addresses and ports live in sock_common (sk_rcv_saddr, sk_num, sk_daddr,
 * sk_dport), as for TCP. Sequence variables are RFC 9293 section 3.3.1's.
 */
struct xtcp_sock {
	struct sock sk;

	struct xtcp_tcb tcb;	/* SND.*, RCV.*, ISS: state.h */
	u32 write_seq;		/* end of what the user queued: Send-Q is write_seq - snd_una */
	u32 copied_seq;		/* the next byte the user reads: Recv-Q up to rcv_nxt */
	u32 pushed_seq;		/* write_seq when PSH was last marked (output.c) */
	struct sk_buff_head ooo_queue;	/* after a hole, for reasm.c */

	u16 mss;		/* the most payload one segment carries */
	u16 adv_mss;		/* what our SYN or SYN+ACK announced */
	struct sk_buff *send_head;	/* first unsent skb of sk_write_queue */
	spinlock_t queue_lock;		/* listener: syn_queue, accept_queue, their lengths */
	u32 challenge_count;
	u64 challenge_stamp_ns;		/* RFC 5961 challenge ACK rate limit */
	struct xtcp_net *xn;		/* sock_net()'s xtcp part: xtcp_sk_net() */
	u64 last_oow_ack_ns;		/* last ACK to a dataless segment we dropped */
	u64 cookie_sent_ns;		/* listener: when it last answered a SYN with a cookie */
	u32 oow_ack_count;
	u8 fin_queued:1;	/* the user is done sending: FIN after the data */
	u8 fin_sent:1;
	u8 wscale_ok:1;		/* RFC 7323 window scaling: in use (SYN_SENT: offered) */
	u8 sack_ok:1;		/* RFC 2018 SACK: in use (SYN_SENT: offered) */
	u8 nodelay:1;		/* XTCP_NODELAY: Nagle's algorithm off */
	u8 cork:1;		/* XTCP_CORK */
	u8 orphan_counted:1;	/* closed by the user, in xtcp_orphan_count until CLOSE */
	u8 pingpong:1;		/* interactive: ACKs wait for the reply (ack.c) */
	u8 gso_ok:1;		/* the route's device takes xtcp's GSO packets (xmit.c) */
	u8 quick;		/* ACKs of in-order data still sent at once (ack.c) */
	u64 last_data_rcv_ns;	/* when in-order data last came; 0: never */
	/*
	 * Receive-buffer autotuning (window.c, Linux's rcvq_space): the
	 * receiver's round trip, and what the reader took since time_ns.
	 */
	u32 rcv_rtt_us;
	struct {
		u64 time_ns;	/* 0: not begun */
		u32 seq;	/* copied_seq then */
		u32 space;	/* what it took in the last round trip */
	} rcvq;
	u8 snd_wscale;		/* shift of the peer's windows */
	u8 rcv_wscale;		/* shift of ours */
	u32 total_retrans;	/* over the connection's life */
	u64 bytes_sent;		/* for XTCP_INFO */
	u64 bytes_acked;
	u64 bytes_received;
	u64 segs_in;
	u64 segs_out;
	struct xtcp_cc cc;	/* congestion control, cong.c */
	const struct xtcp_cc_ops *cc_ops;	/* XTCP_CONGESTION, or the namespace's */
	/*
	 * The scoreboard (recovery.c), as Linux's counters, in bytes of
	 * sequence space: SACKed, taken as lost, and lost but sent again; the
	 * write queue's skbs carry the marks (XTCP_SKB_CB()->sacked).
	 */
	u32 sacked_out;
	u32 sacked_segs;	/* segments SACKed: IsLost counts them too */
	u32 lost_out;
	u32 retrans_out;
	u32 resent_queued;	/* skbs in the write queue sent more than once */
	u32 high_sacked;	/* the highest sequence SACKed, while sacked_out */
	u32 reordering;		/* segments of reordering seen, 3 to 300 (tp->reordering) */
	u32 dsacks;		/* DSACKs received (XTCP_INFO) */
	u32 dsack_dups;		/* segments they said came twice (Linux's dsack_dups) */
	u32 reord_seen;		/* times reordering was seen (RACK's reo_wnd) */
	u32 tlps;		/* tail loss probes sent (XTCP_INFO) */
	/* RACK-TLP (RFC 8985, recovery.c): the last sent segment delivered, the probe. */
	struct {
		u64 xmit_ns;		/* when it was last sent; 0: none yet */
		u32 end_seq;
		u32 rtt_us;		/* from that sending to its delivery */
		u64 dsack_round;	/* bytes_acked when the round reo_wnd_mult last
					 * grew in ends (a counter from 0: any ISS)
					 */
		u8 reo_wnd_mult;	/* the reordering window in min_rtt/4 steps */
		u8 reo_wnd_persist;	/* recoveries not undone before it is 1 again */
		u8 tlp_out;		/* a probe is out, for what was sent before tlp_high_seq */
		u8 hold;		/* the ACK being taken showed deeper reordering
					 * than was thought: it resends nothing
					 */
		u32 tlp_high_seq;
	} rack;
	u32 undos;		/* reductions undone (XTCP_INFO) */
	/* The SACK blocks we report (reasm.c), most recent first (RFC 2018 4). */
	struct xtcp_sack_block sack_rep[XTCP_SACK_BLOCKS_MAX];
	u8 num_sacks;
	u8 dsack_pending:1;	/* the next ACK reports dsack_block first (RFC 2883) */
	struct xtcp_sack_block dsack_block;

	/* Per-socket keepalive settings, 0 = the namespace's sysctl. */
	u32 keepalive_time;
	u32 keepalive_intvl;
	u8 keepalive_cnt;

	struct xtcp_rtt rtt;	/* RFC 6298 SRTT and RTTVAR */

	/* Timers, armed only by timers.c; each purpose is an enum xtcp_timer. */
	struct hrtimer rtx_timer;	/* retransmit, or persist */
	struct hrtimer state_timer;	/* keepalive, or orphaned FIN_WAIT2 */
	struct hrtimer delack_timer;	/* an ACK owed to the peer */
	/* Their purposes are at the end, where they fill what was padding. */
	u64 rtx_due_ns;			/* when its purpose is due, if after the expiry */
	u64 delack_due_ns;		/* (timers.c's lazy stop); 0: at the expiry */
	unsigned long deferred;		/* timer work left for release_sock() */
#define XTCP_DEFER_RTX		0
#define XTCP_DEFER_STATE	1
#define XTCP_DEFER_DELACK	2

	/* Tables: a node is unhashed when the socket is not in that table. */
	struct hlist_nulls_node bind_node;
	struct hlist_nulls_node conn_node;

	/*
	 * Listener: half-open requests (struct xtcp_req, request.c) and
	 * children ready for accept(). A child: its listener until accept().
	 */
	struct sock *parent;
	struct list_head child_node;	/* on the listener's accept_queue */
	struct list_head syn_queue;
	struct list_head accept_queue;
	u32 syn_queue_len;
	u32 accept_queue_len;
	u32 backlog;

	u8 prev_state;
	u8 rtx_purpose;			/* what rtx_timer was last armed for */
	u8 state_purpose;
	u8 delack_purpose;		/* XTCP_TIMER_OFF: stopped, maybe still queued */
	struct xtcp_history *history;	/* may be NULL: allocation failed */
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/*
 * The socket's namespace's xtcp part, kept in the socket: net_generic()
 * takes an RCU read section each time, and the sysctls and counters are
 * read many times a segment (Linux TCP's are in struct net itself). The
 * socket holds its namespace, so the pointer lives as long as it does.
 */
static inline struct xtcp_net *xtcp_sk_net(const struct sock *sk)
{
	return xtcp_sk(sk)->xn;
}

static inline void xtcp_sk_inc(const struct sock *sk, enum xtcp_mib field)
{
	xtcp_net_add(xtcp_sk_net(sk), field, 1);
}

static inline void xtcp_sk_add(const struct sock *sk, enum xtcp_mib field, long n)
{
	xtcp_net_add(xtcp_sk_net(sk), field, n);
}

/*
 * What input.c keeps of a segment while it waits in a socket's backlog:
 * the header's fields and its parsed options. SACK blocks stay where they
 * are in the header (sack_off from the transport header), as Linux keeps
 * them; xtcp_seg_of() reads them back. Held to skb->cb's 48 bytes by a
 * BUILD_BUG_ON in xtcp_v4_rcv().
 */
struct xtcp_skb_cb {
	u32 seq;
	u32 end_seq;		/* seq + SYN + FIN + payload */
	u32 ack;
	u16 window;
	u16 mss;
	u8 flags;
	s8 wscale;
	/* Write queue only: the scoreboard's marks, XTCP_SKB_SACKED... */
	u8 sacked;
	u8 sack_ok:1;		/* the options of struct xtcp_seg */
	u8 ts_ok:1;
	u8 sack_blocks;
	u8 sack_off;
	u32 ts_val;
	u32 ts_ecr;
	u64 sent_ns;
};

#define XTCP_SKB_CB(skb) ((struct xtcp_skb_cb *)&((skb)->cb[0]))

/*
 * The segments a write-queue skb makes on the wire (Linux's
 * tcp_skb_pcount()): where the route takes GSO packets an skb holds up to
 * 64 KiB, sent as one; a SYN or FIN alone is one.
 */
static inline u32 xtcp_skb_pcount(const struct sk_buff *skb, u16 mss)
{
	return mss && skb->len > mss ? DIV_ROUND_UP(skb->len, mss) : 1;
}

/* The MSS as a divisor: never 0, as before the handshake sets it. */
static inline u32 xtcp_mss(const struct xtcp_sock *xs)
{
	return max_t(u32, xs->mss, 1);
}

/* A sent skb's marks (recovery.c), as Linux's TCPCB_SACKED_ACKED etc. */
#define XTCP_SKB_SACKED		0x01	/* the peer holds it (RFC 2018) */
#define XTCP_SKB_LOST		0x02	/* taken as lost: to be sent again */
#define XTCP_SKB_RETRANS	0x04	/* lost, and sent again since */
#define XTCP_SKB_EVER_RETRANS	0x08	/* sent more than once: no RTT sample (Karn) */

/*
 * The buffer xtcp uses: SO_SNDBUF/SO_RCVBUF are the socket core's, so the
 * namespace's limits (net.xtcp.wmem, net.xtcp.rmem) apply where they are
 * used, here.
 */
static inline int xtcp_mem_limit(int val, const int *mem)
{
	return min(max(val, READ_ONCE(mem[XTCP_MEM_MIN])), READ_ONCE(mem[XTCP_MEM_MAX]));
}

static inline int xtcp_sndbuf(const struct sock *sk)
{
	return xtcp_mem_limit(READ_ONCE(sk->sk_sndbuf), xtcp_sk_net(sk)->wmem);
}

static inline int xtcp_rcvbuf(const struct sock *sk)
{
	return xtcp_mem_limit(READ_ONCE(sk->sk_rcvbuf), xtcp_sk_net(sk)->rmem);
}

/* The states in which the user's data may be sent (RFC 9293 3.10.2). */
static inline bool xtcp_can_send(const struct sock *sk)
{
	return (1 << sk->sk_state) & (XTCPF(XTCP_ESTABLISHED) | XTCPF(XTCP_CLOSE_WAIT));
}

/* conn.c: a socket's life. */
extern struct proto xtcp_prot;
void xtcp_init_sock(struct sock *sk, gfp_t gfp);
void xtcp_done(struct sock *sk, int err, const char *why);

/* socket.c: the address family. */
extern struct net_proto_family xtcp_family_ops;
extern const struct proto_ops xtcp_stream_ops;

/* info.c: XTCP_INFO. */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);

#endif /* _XTCP_SOCK_H */
