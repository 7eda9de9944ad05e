/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of xtcp.ko share. */
#ifndef _XTCP_XTCP_H
#define _XTCP_XTCP_H

#include <linux/hrtimer.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/seq_file_net.h>
#include <net/net_namespace.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <uapi/linux/xtcp.h>

#include "xtcp/segment.h"
#include "xtcp/cong.h"
#include "xtcp/state.h"

/* Module parameters: the address family and IP protocol number in force. */
extern int xtcp_family;
extern int xtcp_ipproto;

#define XTCPF(state)	(1 << (state))

/*
 * A connection's last state changes, each with its time and cause, for
 * /proc/xtcp/history. Allocated apart from the socket so that a TIME_WAIT
 * entry can take it over and stay small.
 */
#define XTCP_HISTORY	16

struct xtcp_history {
	u8 next;		/* where the next entry goes */
	u8 count;
	struct {
		u64 ns;		/* ktime_get_ns() */
		u8 from;
		u8 to;
		const char *event;	/* a string literal */
	} e[XTCP_HISTORY];
};

/*
 * The socket. struct sock comes first, so sk and xtcp_sock convert freely;
 * addresses and ports live in sock_common (sk_rcv_saddr, sk_num, sk_daddr,
 * sk_dport), as for TCP. Sequence variables are RFC 9293 section 3.3.1's.
 */
struct xtcp_sock {
	struct sock sk;

	/* Send sequence space */
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	/* Receive sequence space */
	u32 irs;
	u32 rcv_nxt;
	u32 rcv_wnd;		/* the window last advertised */
	u32 rcv_wup;		/* RCV.NXT when it was: its right edge is rcv_wup + rcv_wnd */
	struct sk_buff_head ooo_queue;	/* after a hole, for reasm.c */

	u16 mss;		/* the most payload one segment carries */
	u16 adv_mss;		/* what our SYN or SYN+ACK announced */
	struct sk_buff *send_head;	/* first unsent skb of sk_write_queue */
	spinlock_t queue_lock;		/* listener: syn_queue and accept_queue */
	unsigned long challenge_stamp;	/* RFC 5961 challenge ACK rate limit */
	u32 challenge_count;
	unsigned long last_oow_ack;	/* last ACK to a dataless segment we dropped */
	u8 fin_queued:1;	/* the user is done sending: FIN after the data */
	u8 fin_sent:1;
	u8 persist:1;		/* rtx_timer is the persist timer */
	u8 wscale_ok:1;		/* RFC 7323 window scaling: in use (SYN_SENT: offered) */
	u8 nodelay:1;		/* XTCP_NODELAY: Nagle's algorithm off */
	u8 cork:1;		/* XTCP_CORK */
	u8 snd_wscale;		/* shift of the peer's windows */
	u8 rcv_wscale;		/* shift of ours */
	u8 retries;		/* retransmissions of the oldest unacked segment */
	u32 total_retrans;	/* over the connection's life */
	u64 bytes_sent;		/* for XTCP_INFO */
	u64 bytes_acked;
	u64 bytes_received;
	u64 segs_in;
	u64 segs_out;
	u8 keepalive_probes;	/* unanswered keepalive probes */
	u8 probes_out;		/* unanswered window probes */
	u8 persist_backoff;	/* window probes since the window last opened */
	u32 max_snd_wnd;	/* the largest window the peer has offered */
	struct xtcp_cc cc;	/* NewReno, cong.c */
	u32 snd_sml;		/* end of the last segment sent smaller than the MSS */
	u32 rtx_seq;		/* after an RTO, [rtx_seq, lost_end) is sent again */
	u32 lost_end;

	/* Per-socket keepalive settings, 0 = the namespace's sysctl. */
	u32 keepalive_time;
	u32 keepalive_intvl;
	u8 keepalive_cnt;

	ktime_t last_rcv;	/* for keepalive: when the peer last spoke */
	struct xtcp_rtt rtt;	/* RFC 6298 SRTT and RTTVAR */
	u32 rto_ms;		/* before backoff */

	/* Timers, armed only by timers.c */
	struct hrtimer rtx_timer;	/* retransmission, or persist */
	struct hrtimer state_timer;	/* keepalive, orphaned FIN_WAIT_2 */
	struct hrtimer delack_timer;	/* an ACK owed to the peer */
	unsigned long deferred;		/* timer work left for release_sock() */
#define XTCP_DEFER_RTX		0
#define XTCP_DEFER_STATE	1
#define XTCP_DEFER_DELACK	2

	/* Tables: a node is unhashed when the socket is not in that table. */
	struct hlist_node bind_node;
	struct hlist_node conn_node;

	/* Listener: half-open children, and children ready for accept(). */
	struct sock *parent;
	struct list_head child_node;
	struct list_head syn_queue;
	struct list_head accept_queue;
	u32 syn_queue_len;
	u32 accept_queue_len;
	u32 backlog;

	u8 prev_state;
	struct xtcp_history *history;	/* may be NULL: allocation failed */
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* What input.c keeps of a segment while it waits in a socket's backlog. */
struct xtcp_skb_cb {
	u32 seq;
	u32 end_seq;		/* seq + SYN + FIN + payload */
	u32 ack;
	u16 window;
	u16 mss;
	u8 flags;
	s8 wscale;
	/* Write queue only: for RTT measurement (RFC 6298, Karn's rule). */
	u8 retransmitted;
	u64 sent_ns;
};

#define XTCP_SKB_CB(skb) ((struct xtcp_skb_cb *)&((skb)->cb[0]))

/* Counters in the spirit of TCP's MIB (RFC 4022), per network namespace. */
enum xtcp_mib {
	XTCP_MIB_ACTIVE_OPENS,		/* connect() sent a SYN */
	XTCP_MIB_PASSIVE_OPENS,		/* a listener took a SYN */
	XTCP_MIB_ATTEMPT_FAILS,		/* SYN_SENT/SYN_RECV ended in CLOSE */
	XTCP_MIB_ESTAB_RESETS,		/* ESTABLISHED/CLOSE_WAIT ended by RST */
	XTCP_MIB_IN_SEGS,
	XTCP_MIB_OUT_SEGS,
	XTCP_MIB_RETRANS_SEGS,
	XTCP_MIB_IN_ERR_SHORT,		/* dropped: the verdicts of segment.h */
	XTCP_MIB_IN_ERR_DOFF,
	XTCP_MIB_IN_ERR_OPTION,
	XTCP_MIB_IN_ERR_FLAGS,
	XTCP_MIB_IN_ERR_CSUM,
	XTCP_MIB_OUT_RSTS,
	XTCP_MIB_IN_RSTS,
	XTCP_MIB_CHALLENGE_ACKS,
	XTCP_MIB_LISTEN_DROPS,		/* SYN refused: backlog full */
	XTCP_MIB_TIME_WAIT,		/* TIME_WAIT entries made */
	XTCP_MIB_TIME_WAIT_RECYCLED,	/* ended early by a new SYN (RFC 6191) */
	XTCP_MIB_KEEPALIVE_DROPS,
	XTCP_MIB_TIMEOUTS,		/* connections dropped after the retry limit */
	XTCP_MIB_OOO_QUEUED,		/* segments held for reassembly */
	XTCP_MIB_OOO_DROPS,		/* out of order, no receive memory left */
	XTCP_MIB_FAST_RETRANS,		/* retransmissions on three duplicate ACKs */
	XTCP_MIB_BACKLOG_DROPS,		/* the user held the socket and its backlog was full */
	XTCP_MIB_OOW_ACKS_SKIPPED,	/* ACKs not sent: xtcp_ack_allowed() */
	XTCP_MIB_DELAYED_ACKS,		/* ACKs the delayed-ACK timer sent */
	XTCP_MIB_MAX
};

extern const char * const xtcp_mib_names[XTCP_MIB_MAX];

struct xtcp_net *xtcp_net(const struct net *net);

/* Per network namespace tunables (sysctls) and state. */
struct xtcp_net {
	struct proc_dir_entry *proc_dir;	/* /proc/net/xtcp */
	struct ctl_table_header *sysctl;
	int msl_ms;			/* TIME_WAIT lasts 2 * msl */
	int fin_timeout_ms;		/* orphaned FIN_WAIT_2 */
	int syn_retries;
	int synack_retries;
	int retries2;			/* data and FIN retransmissions */
	int keepalive_time_s;
	int keepalive_intvl_s;
	int keepalive_probes;
	int max_syn_backlog;
	int rto_min_ms;
	int rto_max_ms;
	int window_scaling;		/* offer and accept RFC 7323 window scaling */
	int delayed_ack_ms;		/* 0: every segment is ACKed at once */
	int wmem[3];			/* send buffer: min, default, max */
	int rmem[3];			/* receive buffer: min, default, max */
	atomic_long_t mib[XTCP_MIB_MAX];
};

enum { XTCP_MEM_MIN, XTCP_MEM_DEFAULT, XTCP_MEM_MAX };

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
	return xtcp_mem_limit(READ_ONCE(sk->sk_sndbuf), xtcp_net(sock_net(sk))->wmem);
}

static inline int xtcp_rcvbuf(const struct sock *sk)
{
	return xtcp_mem_limit(READ_ONCE(sk->sk_rcvbuf), xtcp_net(sock_net(sk))->rmem);
}

static inline void xtcp_inc(const struct net *net, enum xtcp_mib field)
{
	atomic_long_inc(&xtcp_net(net)->mib[field]);
}

/* socket.c */
void xtcp_set_state(struct sock *sk, int state, const char *why);
void xtcp_history_add(struct xtcp_history *h, int from, int to, const char *why);

/* socket.c: the address family and the socket calls. */
extern struct proto xtcp_prot;
extern struct net_proto_family xtcp_family_ops;
struct sock *xtcp_child_create(struct sock *listener, struct sk_buff *skb);
void xtcp_child_established(struct sock *child);
void xtcp_done(struct sock *sk, int err, const char *why);
int xtcp_queue_rcv(struct sock *sk, struct sk_buff *skb);

/* table.c: bind, connection and TIME_WAIT tables. */
int xtcp_table_init(void);
void xtcp_table_exit(void);
int xtcp_bind_port(struct sock *sk, u16 port, bool reuse);
void xtcp_unbind(struct sock *sk);
void xtcp_hash_conn(struct sock *sk);
void xtcp_unhash_conn(struct sock *sk);
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, __be16 dport);
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr, __be16 dport);
struct xtcp_tw *xtcp_tw_lookup(struct net *net, __be32 saddr, __be16 sport,
			       __be32 daddr, __be16 dport);
int xtcp_pick_ephemeral(struct sock *sk);

/* A /proc reader's place in the tables, kept between reads (seq->private). */
struct xtcp_table_iter {
	struct seq_net_private p;	/* first: seq_file_net() reads it */
	struct seq_file *seq;
	struct hlist_node *node;	/* valid only between start and stop */
	int bucket;
	int list;
	int offset;			/* matches before node in its list */
	loff_t last_pos;
};

void *xtcp_table_seq_start(struct seq_file *seq, loff_t *pos);
void *xtcp_table_seq_next(struct seq_file *seq, void *v, loff_t *pos);
void xtcp_table_seq_stop(struct seq_file *seq, void *v);
void xtcp_table_iter_entry(const struct xtcp_table_iter *it, struct sock **sk,
			   struct xtcp_tw **tw);

/* timewait.c: the small TIME_WAIT object. */
struct xtcp_tw {
	struct hlist_node node;
	struct hlist_node port_node;
	refcount_t refcnt;
	possible_net_t net;
	__be32 saddr;		/* local */
	__be32 daddr;		/* remote */
	__be16 sport;
	__be16 dport;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 rcv_wnd;
	u8 rcv_wscale;		/* our window's shift (RFC 7323) */
	u8 dead;		/* out of the table: never armed again */
	u8 reuse;		/* the socket had SO_REUSEADDR */
	struct xtcp_history *history;	/* taken over from the socket */
	spinlock_t lock;	/* dead and arming the timer */
	struct hrtimer timer;
	struct rcu_head rcu;
};

int xtcp_tw_init(void);
void xtcp_tw_exit(void);
void xtcp_time_wait(struct sock *sk);
bool xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb);
void xtcp_tw_put(struct xtcp_tw *tw);
void xtcp_tw_kill(struct xtcp_tw *tw, const char *why);
enum hrtimer_restart xtcp_tw_expire(struct hrtimer *timer);
void xtcp_tw_hash(struct xtcp_tw *tw);
bool xtcp_tw_unhash(struct xtcp_tw *tw);
void xtcp_tw_flush(struct net *net);
void xtcp_tw_restart(struct xtcp_tw *tw);

/* output.c: segments out. */
#define XTCP_MAX_HEADER	(MAX_HEADER + sizeof(struct iphdr) + XTCP_HDR_MAX)
int xtcp_send_control(struct sock *sk, u8 flags);
int xtcp_queue_syn(struct sock *sk, u8 flags);
/*
 * How a push treats the last, partial segment: Nagle's algorithm and
 * XTCP_CORK may hold it (NAGLE), MSG_MORE holds it too (MORE), XTCP_NODELAY
 * being set flushes it whatever the cork (NOW). PROBE: the persist timer's
 * send, which takes whatever fits.
 */
enum xtcp_push_how { XTCP_PUSH_NAGLE, XTCP_PUSH_MORE, XTCP_PUSH_NOW, XTCP_PUSH_PROBE };
void __xtcp_push(struct sock *sk, enum xtcp_push_how how);

static inline void xtcp_push(struct sock *sk)
{
	__xtcp_push(sk, XTCP_PUSH_NAGLE);
}

void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb);
int xtcp_append_tail(struct sock *sk, struct iov_iter *from, size_t len);
void xtcp_retransmit(struct sock *sk);
void xtcp_retransmit_timeout(struct sock *sk);
u32 xtcp_lost_bytes(const struct xtcp_sock *xs);
void xtcp_window_probe(struct sock *sk);

/* reasm.c */
bool xtcp_ooo_insert(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *xtcp_ooo_next(struct sk_buff_head *q, u32 rcv_nxt);
void xtcp_send_probe(struct sock *sk);
void xtcp_clean_acked(struct sock *sk);
void xtcp_send_reset_reply(struct net *net, struct sk_buff *skb);
void xtcp_send_rst_to(struct net *net, const struct sk_buff *skb,
		      const struct xtcp_verdict *v);
void xtcp_send_raw(struct net *net, __be32 saddr, __be32 daddr,
		   const struct xtcp_seg *seg);
u32 xtcp_rcv_window(const struct sock *sk);
void xtcp_wscale_offer(struct sock *sk);
void xtcp_wscale_agree(struct sock *sk, int peer_wscale);
u32 xtcp_rcv_wnd_left(const struct xtcp_sock *xs);
u16 xtcp_route_mss(struct net *net, __be32 saddr, __be32 daddr);

/* input.c: segments in. */
extern const struct net_protocol xtcp_net_protocol;
int xtcp_rcv_sk(struct sock *sk, struct sk_buff *skb);
void xtcp_seg_of(const struct sk_buff *skb, struct xtcp_seg *seg);

/* timers.c: the only place timers are armed. */
void xtcp_timers_init(struct sock *sk);
void xtcp_timers_stop(struct sock *sk);
void xtcp_timer_rtx_arm(struct sock *sk);
void xtcp_timer_rtx_start(struct sock *sk);
void xtcp_timer_persist_arm(struct sock *sk);
void xtcp_rtt_update(struct sock *sk, u32 r_us);
void xtcp_timer_rtx_stop(struct sock *sk);
void xtcp_timer_keepalive_reset(struct sock *sk);
void xtcp_timer_fin_wait2(struct sock *sk);
void xtcp_timer_state_stop(struct sock *sk);
void xtcp_timer_delack_arm(struct sock *sk);
void xtcp_timer_ack_sent(struct sock *sk);
void xtcp_timers_stop_sync(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
void xtcp_tw_timer_init(struct xtcp_tw *tw);
void xtcp_tw_timer_arm(struct xtcp_tw *tw);
bool xtcp_tw_timer_stop_sync(struct xtcp_tw *tw);

/* isn.c */
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u64 now_ns);
void xtcp_isn_init(void);

/* info.c: XTCP_INFO. */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);

/* proc.c: /proc/net/xtcp in each namespace, /proc/xtcp pointing to it. */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);
int xtcp_proc_init(void);
void xtcp_proc_exit(void);

/* sysctl.c */
int xtcp_sysctl_init_net(struct net *net);
void xtcp_sysctl_exit_net(struct net *net);

#endif /* _XTCP_XTCP_H */
