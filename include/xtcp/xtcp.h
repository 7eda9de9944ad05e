/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every file of xtcp.ko shares: the numbers in force, state bitmasks,
 * the per-namespace tunables and counters. A concern's own declarations are
 * in the header beside it (sock.h, output.h, timers.h, ...).
 */
#ifndef _XTCP_XTCP_H
#define _XTCP_XTCP_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/xtcp.h>

/* Module parameters: the address family and IP protocol number in force. */
extern int xtcp_family;
extern int xtcp_ipproto;

#define XTCPF(state)	(1 << (state))

/* RFC 9293 3.7.1: the MSS to assume when the peer's SYN names none. */
#define XTCP_MSS_DEFAULT	536

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
	XTCP_MIB_LISTEN_DROPS,		/* SYN or handshake's ACK refused: queue full, no memory */
	XTCP_MIB_TIME_WAIT,		/* TIME_WAIT entries made */
	XTCP_MIB_TIME_WAIT_RECYCLED,	/* ended early by a new SYN (RFC 6191) */
	XTCP_MIB_KEEPALIVE_DROPS,
	XTCP_MIB_TIMEOUTS,		/* connections dropped after the retry limit */
	XTCP_MIB_OOO_QUEUED,		/* segments held for reassembly */
	XTCP_MIB_OOO_DROPS,		/* out of order, no receive memory left */
	XTCP_MIB_FAST_RETRANS,		/* segments resent in fast recovery */
	XTCP_MIB_BACKLOG_DROPS,		/* the user held the socket and its backlog was full */
	XTCP_MIB_OOW_ACKS_SKIPPED,	/* ACKs not sent: xtcp_ack_allowed() */
	XTCP_MIB_DELAYED_ACKS,		/* ACKs the delayed-ACK timer sent */
	XTCP_MIB_IN_DROPS,		/* segments dropped, for any reason (drop reasons) */
	XTCP_MIB_RCVQ_DROPS,		/* data refused: twice rcvbuf held, or no memory */
	XTCP_MIB_CHALLENGE_ACKS_SKIPPED,	/* over challenge_ack_limit this second */
	XTCP_MIB_TW_ACKS_SKIPPED,	/* TIME_WAIT's ACKs to dataless segments, rate limited */
	XTCP_MIB_TW_OVERFLOW,		/* closed without TIME_WAIT: max_tw_buckets */
	XTCP_MIB_ORPHAN_ABORTS,		/* reset at close(): max_orphans orphans already */
	XTCP_MIB_SYNCOOKIES_SENT,	/* SYN+ACKs with a cookie: the SYN queue was full */
	XTCP_MIB_SYNCOOKIES_RECV,	/* ACKs with a good cookie: a connection made of one */
	XTCP_MIB_SYNCOOKIES_FAILED,	/* ACKs to a listener sending cookies, with a bad one */
	XTCP_MIB_MEM_PRESSURES,		/* the namespace's memory passed mem's pressure mark */
	XTCP_MIB_LISTEN_OVERFLOWS,	/* a handshake's ACK found the accept queue full */
	XTCP_MIB_SACK_BLOCKS_SENT,	/* SACK blocks in segments we sent (RFC 2018) */
	XTCP_MIB_SACK_BLOCKS_RECV,	/* SACK blocks taken from the peer */
	XTCP_MIB_SACK_DISCARDS,		/* SACK blocks ignored: empty, old, past SND.NXT */
	XTCP_MIB_SACK_RECOVERIES,	/* loss recoveries started by SACK (RFC 6675) */
	XTCP_MIB_DSACKS_SENT,		/* DSACK blocks sent: data received twice (RFC 2883) */
	XTCP_MIB_DSACKS_RECV,		/* DSACK blocks received */
	XTCP_MIB_DSACK_UNDOS,		/* reductions undone: every resend DSACKed (RFC 3708) */
	XTCP_MIB_RACK_LOSSES,		/* segments RACK took as lost by time (RFC 8985) */
	XTCP_MIB_TLPS,			/* tail loss probes sent (RFC 8985 7) */
	XTCP_MIB_PAWS_REJECTS,		/* segments with an old TSval dropped (RFC 7323 5) */
	XTCP_MIB_EIFEL_UNDOS,		/* undone: TSecr older than the resend (RFC 3522) */
	XTCP_MIB_OUT_GSO,		/* GSO packets sent: several segments in one */
	XTCP_MIB_MAX
};

extern const char * const xtcp_mib_names[XTCP_MIB_MAX];

/* The counters, one set per CPU (as Linux's SNMP MIBs): summed when read. */
struct xtcp_mib_cpu {
	unsigned long v[XTCP_MIB_MAX];
};

/* Per network namespace tunables (sysctls) and state. */
struct xtcp_cc_ops;

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
	int sack;			/* offer and accept RFC 2018 SACK */
	int dsack;			/* report data received twice (RFC 2883) */
	int timestamps;			/* RFC 7323 timestamps: 1 with a random offset, 2 without */
	int recovery;			/* 1: RACK's loss detection (tcp_recovery) */
	int early_retrans;		/* 3, 4: tail loss probes (tcp_early_retrans) */
	const struct xtcp_cc_ops *cc_default;	/* net.xtcp.congestion_control */
	int delayed_ack_ms;		/* 0: every segment is ACKed at once */
	int wmem[3];			/* send buffer: min, default, max */
	int rmem[3];			/* receive buffer: min, default, max */
	int challenge_ack_limit;	/* per second, this namespace; INT_MAX: none */
	int max_tw_buckets;		/* TIME_WAIT entries, this namespace */
	int tw_history;			/* TIME_WAIT entries keep the whole history */
	int max_orphans;		/* orphans (all namespaces) before close() resets */
	int syncookies;			/* 0 never, 1 when the SYN queue is full, 2 always */
	int mem[3];			/* pages: low, pressure, high (mem.c) */
	atomic_long_t mem_allocated;	/* bytes in all xtcp sockets' queues here */
	u8 mem_under_pressure;
	u32 challenge_second;		/* the second challenge_left counts down in */
	u32 challenge_left;
	atomic_t tw_count;		/* TIME_WAIT entries in the table */
	spinlock_t tw_lock;		/* tw_queue, tw_timer, and each entry's dead */
	struct list_head tw_queue;	/* TIME_WAIT entries, the first to expire first */
	struct hrtimer tw_timer;	/* for tw_queue's first entry */
	struct xtcp_mib_cpu __percpu *mib;
};

enum { XTCP_MEM_MIN, XTCP_MEM_DEFAULT, XTCP_MEM_MAX };

/* Inline: it is read for a sysctl or a counter several times a segment. */
extern unsigned int xtcp_net_id;

static inline struct xtcp_net *xtcp_net(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

/* Sockets closed by the user and not yet CLOSED, in every namespace. */
extern atomic_t xtcp_orphan_count;

/* A counter of xn's; xtcp_inc(net, ...), or xtcp_sk_inc(sk, ...) where a socket is at hand. */
static inline void xtcp_net_add(struct xtcp_net *xn, enum xtcp_mib field, long n)
{
	if (n)
		this_cpu_add(xn->mib->v[field], n);
}

static inline void xtcp_inc(const struct net *net, enum xtcp_mib field)
{
	xtcp_net_add(xtcp_net(net), field, 1);
}

static inline void xtcp_add(const struct net *net, enum xtcp_mib field, long n)
{
	xtcp_net_add(xtcp_net(net), field, n);
}

unsigned long xtcp_mib_read(const struct xtcp_net *xn, enum xtcp_mib field);

/* main.c's parts, each set up per namespace or once. */
int xtcp_proc_init_net(struct net *net);	/* proc.c */
void xtcp_proc_exit_net(struct net *net);
int xtcp_proc_init(void);
void xtcp_proc_exit(void);
int xtcp_sysctl_init_net(struct net *net);	/* sysctl.c */
void xtcp_sysctl_exit_net(struct net *net);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, u64 now_ns);	/* isn.c */
void xtcp_isn_init(void);

#endif /* _XTCP_XTCP_H */
