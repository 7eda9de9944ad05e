// SPDX-License-Identifier: GPL-2.0
/*
 * /proc views. Each network namespace has /proc/net/xtcp; /proc/xtcp is a
 * link to /proc/self/net/xtcp, so (like /proc/net) a reader always sees the
 * namespace it lives in.
 *
 * /proc/xtcp/conns: a header line, then one line per socket, request
 * (SYN_RECV) and TIME_WAIT entry: local and remote address:port, state name, send-queue and
 * receive-queue bytes (as ss shows them), snd_una, snd_nxt, rcv_nxt, the
 * peer's and our window, the armed timer and its milliseconds left,
 * retransmissions, uid, inode, and the memory the send and receive
 * queues take (skb truesize, which the buffer limits count).
 *
 * /proc/xtcp/history: each connection's last state changes, oldest first,
 * one per line: local, remote, time (seconds since boot, CLOCK_MONOTONIC),
 * old state, new state, and the cause, which runs to the end of the line.
 *
 * /proc/xtcp/info: struct xtcp_info (XTCP_INFO) of every socket, one line
 * each after a header naming the fields; requests and TIME_WAIT entries
 * are not sockets and are not listed.
 *
 * /proc/xtcp/stats: the namespace's counters, "Name value" per line.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "xtcp/history.h"
#include "xtcp/request.h"
#include "xtcp/sock.h"
#include "xtcp/state.h"
#include "xtcp/table.h"
#include "xtcp/timers.h"
#include "xtcp/timewait.h"

static struct proc_dir_entry *xtcp_proc_link;

/* The endpoints of a socket, request or TIME_WAIT entry, as they start each line. */
struct xtcp_ends {
	__be32 laddr, raddr;
	u16 lport, rport;
};

static void xtcp_ends_of(const struct xtcp_table_entry *t, struct xtcp_ends *e)
{
	if (t->sk) {
		e->laddr = t->sk->sk_rcv_saddr;
		e->raddr = t->sk->sk_daddr;
		e->lport = t->sk->sk_num;
		e->rport = ntohs(t->sk->sk_dport);
	} else if (t->req) {
		e->laddr = t->req->syn.laddr;
		e->raddr = t->req->syn.raddr;
		e->lport = ntohs(t->req->syn.lport);
		e->rport = ntohs(t->req->syn.rport);
	} else {
		e->laddr = t->tw->saddr;
		e->raddr = t->tw->daddr;
		e->lport = ntohs(t->tw->sport);
		e->rport = ntohs(t->tw->dport);
	}
}

static void xtcp_ends_show(struct seq_file *seq, const struct xtcp_ends *e)
{
	seq_printf(seq, "%pI4:%-5u %pI4:%-5u ", &e->laddr, e->lport, &e->raddr, e->rport);
}

#define XTCP_CONNS_FMT "%-11s %7u %7u %10u %10u %10u %5u %5u %-10s %6lld %3u %5u %8lu %8d %8d\n"

/*
 * Send-Q and Recv-Q in bytes, as ss and /proc/net/tcp show them: sent but
 * not acknowledged plus not yet sent; received in order but not yet read.
 * A listener's are its backlog and the connections waiting for accept().
 */
static void xtcp_queues(struct sock *sk, u32 *sendq, u32 *recvq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int state = READ_ONCE(sk->sk_state);

	*sendq = 0;
	*recvq = 0;
	if (state == XTCP_LISTEN) {
		*sendq = READ_ONCE(xs->backlog);
		*recvq = READ_ONCE(xs->accept_queue_len);
	} else if (state != XTCP_CLOSE) {
		s32 unread = READ_ONCE(xs->tcb.rcv_nxt) - READ_ONCE(xs->copied_seq) -
			     sock_flag(sk, SOCK_DONE);	/* the FIN is no byte */
		s32 unacked = READ_ONCE(xs->write_seq) - READ_ONCE(xs->tcb.snd_una);

		*sendq = max(unacked, 0);
		*recvq = max(unread, 0);
	}
}

static void xtcp_conns_line(struct seq_file *seq, const struct xtcp_table_entry *t)
{
	struct sock *sk = t->sk;
	struct xtcp_ends e;

	xtcp_ends_of(t, &e);
	xtcp_ends_show(seq, &e);
	if (sk) {
		struct xtcp_sock *xs = xtcp_sk(sk);
		int state = READ_ONCE(sk->sk_state);
		const char *timer;
		u32 sendq, recvq;
		s64 ms;

		xtcp_queues(sk, &sendq, &recvq);
		timer = xtcp_timer_name(xtcp_timer_armed(sk, &ms));
		seq_printf(seq, XTCP_CONNS_FMT, xtcp_state_name(state), sendq, recvq,
			   xs->tcb.snd_una, xs->tcb.snd_nxt, xs->tcb.rcv_nxt, xs->tcb.snd_wnd,
			   xs->tcb.rcv_wnd,
			   timer, ms, xs->total_retrans,
			   from_kuid_munged(seq_user_ns(seq), sk->sk_uid),
			   sock_i_ino(sk),
			   READ_ONCE(sk->sk_wmem_queued), atomic_read(&sk->sk_rmem_alloc));
	} else if (t->req) {
		/* Our SYN,ACK in flight, the listener's owner, no inode: as ss shows a request. */
		const struct xtcp_req *req = t->req;

		seq_printf(seq, XTCP_CONNS_FMT, "SYN_RECV", 0, 0, req->syn.iss, req->syn.iss + 1,
			   req->syn.irs + 1, req->syn.window, req->syn.rcv_wnd,
			   xtcp_timer_name(XTCP_TIMER_RETRANSMIT), xtcp_req_timer_ms_left(req),
			   READ_ONCE(req->retries),
			   from_kuid_munged(seq_user_ns(seq), req->listener->sk_uid), 0UL, 0, 0);
	} else {
		seq_printf(seq, XTCP_CONNS_FMT, "TIME_WAIT", 0, 0, t->tw->snd_nxt, t->tw->snd_nxt,
			   t->tw->rcv_nxt, 0, t->tw->rcv_wnd, xtcp_timer_name(XTCP_TIMER_TIME_WAIT),
			   xtcp_tw_timer_ms_left(t->tw), 0, 0, 0UL, 0, 0);
	}
}

static void xtcp_history_line(struct seq_file *seq, const struct xtcp_ends *e, u64 ns,
			      int from, int to, const char *event)
{
	xtcp_ends_show(seq, e);
	seq_printf(seq, "%llu.%06llu %s %s %s\n", ns / NSEC_PER_SEC,
		   (ns % NSEC_PER_SEC) / NSEC_PER_USEC, xtcp_state_name(from),
		   xtcp_state_name(to), event);
}

static void xtcp_history_lines(struct seq_file *seq, const struct xtcp_table_entry *t)
{
	const struct xtcp_history *h = t->sk ? xtcp_sk(t->sk)->history :
				       t->tw ? t->tw->history : NULL;
	struct xtcp_ends e;
	int i;

	xtcp_ends_of(t, &e);
	/* A request's history is its one state change, kept as its birth time. */
	if (t->req)
		xtcp_history_line(seq, &e, t->req->born_ns, XTCP_CLOSE, XTCP_SYN_RECV, "rcv SYN");
	/* Without net.xtcp.tw_history, TIME_WAIT keeps only how it began. */
	if (t->tw && !h && t->tw->entered.event)
		xtcp_history_line(seq, &e, t->tw->entered.ns, t->tw->entered.from,
				  t->tw->entered.to, t->tw->entered.event);
	if (!h)
		return;
	for (i = 0; i < h->count; i++) {
		int at = (h->next + XTCP_HISTORY - h->count + i) % XTCP_HISTORY;

		xtcp_history_line(seq, &e, h->e[at].ns, h->e[at].from, h->e[at].to,
				  h->e[at].event);
	}
}

/*
 * Both listings walk the tables with table.c's iterator; show_fn prints
 * the header for SEQ_START_TOKEN and an entry's lines otherwise.
 */
static int xtcp_seq_show(struct seq_file *seq, void *v, const char *header,
			 void (*show_fn)(struct seq_file *seq, const struct xtcp_table_entry *t))
{
	struct xtcp_table_entry t;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, header);
		return 0;
	}
	xtcp_table_iter_entry(seq->private, &t);
	show_fn(seq, &t);
	return 0;
}

static void xtcp_info_line(struct seq_file *seq, const struct xtcp_table_entry *t)
{
	struct xtcp_info i;
	struct xtcp_ends e;

	if (!t->sk)
		return;
	xtcp_get_info(t->sk, &i);
	xtcp_ends_of(t, &e);
	xtcp_ends_show(seq, &e);
	seq_printf(seq, "%-11s %u %u %u %u %u %u %u %u %u %llu %llu %llu %llu %llu %u %u %u %u %u %u %u %u %u %u %u %u %u %u %s %u %u\n",
		   xtcp_state_name(i.state), i.rto_us, i.srtt_us, i.rttvar_us, i.mss,
		   i.snd_wnd, i.rcv_wnd, i.unacked, i.retransmits, i.total_retrans,
		   i.bytes_sent, i.bytes_acked, i.bytes_received, i.segs_in, i.segs_out,
		   i.snd_cwnd, i.snd_ssthresh, i.lost, i.ca_state, i.snd_wscale, i.rcv_wscale,
		   i.ato_us, i.sack, i.sacked, i.retrans, i.reordering, i.dsacks, i.undos,
		   i.tlps, READ_ONCE(xtcp_sk(t->sk)->cc_ops)->name, i.timestamps, i.min_rtt_us);
}

static int xtcp_info_show(struct seq_file *seq, void *v)
{
	return xtcp_seq_show(seq, v,
			     "local remote state rto_us srtt_us rttvar_us mss snd_wnd rcv_wnd unacked retransmits total_retrans bytes_sent bytes_acked bytes_received segs_in segs_out cwnd ssthresh lost ca_state snd_wscale rcv_wscale ato_us sack sacked retrans reordering dsacks undos tlps cc timestamps min_rtt_us\n",
			     xtcp_info_line);
}

static int xtcp_history_show(struct seq_file *seq, void *v)
{
	return xtcp_seq_show(seq, v, "local remote time from to event\n", xtcp_history_lines);
}

static int xtcp_conns_show(struct seq_file *seq, void *v)
{
	return xtcp_seq_show(seq, v,
			     "local remote state send-q recv-q snd_una snd_nxt rcv_nxt snd_wnd rcv_wnd timer timer_ms retrans uid inode send-mem recv-mem\n",
			     xtcp_conns_line);
}

#define XTCP_SEQ_OPS(name)						\
static const struct seq_operations xtcp_##name##_seq_ops = {		\
	.start	= xtcp_table_seq_start,					\
	.next	= xtcp_table_seq_next,					\
	.stop	= xtcp_table_seq_stop,					\
	.show	= xtcp_##name##_show,					\
}

XTCP_SEQ_OPS(conns);
XTCP_SEQ_OPS(history);
XTCP_SEQ_OPS(info);

const char * const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVE_OPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVE_OPENS]	= "PassiveOpens",
	[XTCP_MIB_LISTEN_OVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_ATTEMPT_FAILS]	= "AttemptFails",
	[XTCP_MIB_ESTAB_RESETS]		= "EstabResets",
	[XTCP_MIB_IN_SEGS]		= "InSegs",
	[XTCP_MIB_OUT_SEGS]		= "OutSegs",
	[XTCP_MIB_RETRANS_SEGS]		= "RetransSegs",
	[XTCP_MIB_IN_ERR_SHORT]		= "InErrShort",
	[XTCP_MIB_IN_ERR_DOFF]		= "InErrDataOffset",
	[XTCP_MIB_IN_ERR_OPTION]	= "InErrOption",
	[XTCP_MIB_IN_ERR_FLAGS]		= "InErrFlags",
	[XTCP_MIB_IN_ERR_CSUM]		= "InErrChecksum",
	[XTCP_MIB_OUT_RSTS]		= "OutRsts",
	[XTCP_MIB_IN_RSTS]		= "InRsts",
	[XTCP_MIB_CHALLENGE_ACKS]	= "ChallengeACKs",
	[XTCP_MIB_LISTEN_DROPS]		= "ListenDrops",
	[XTCP_MIB_TIME_WAIT]		= "TimeWaits",
	[XTCP_MIB_TIME_WAIT_RECYCLED]	= "TimeWaitRecycled",
	[XTCP_MIB_KEEPALIVE_DROPS]	= "KeepaliveDrops",
	[XTCP_MIB_TIMEOUTS]		= "Timeouts",
	[XTCP_MIB_OOO_QUEUED]		= "OfoQueued",
	[XTCP_MIB_OOO_DROPS]		= "OfoDrops",
	[XTCP_MIB_FAST_RETRANS]		= "FastRetransmits",
	[XTCP_MIB_BACKLOG_DROPS]	= "BacklogDrops",
	[XTCP_MIB_OOW_ACKS_SKIPPED]	= "OutOfWindowACKsSkipped",
	[XTCP_MIB_DELAYED_ACKS]		= "DelayedACKs",
	[XTCP_MIB_IN_DROPS]		= "InDrops",
	[XTCP_MIB_RCVQ_DROPS]		= "RcvQDrops",
	[XTCP_MIB_CHALLENGE_ACKS_SKIPPED] = "ChallengeACKsSkipped",
	[XTCP_MIB_TW_ACKS_SKIPPED]	= "TimeWaitACKsSkipped",
	[XTCP_MIB_TW_OVERFLOW]		= "TimeWaitOverflow",
	[XTCP_MIB_ORPHAN_ABORTS]	= "OrphanAborts",
	[XTCP_MIB_SYNCOOKIES_SENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIES_RECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIES_FAILED]	= "SyncookiesFailed",
	[XTCP_MIB_MEM_PRESSURES]	= "MemoryPressures",
	[XTCP_MIB_SACK_BLOCKS_SENT]	= "SackBlocksSent",
	[XTCP_MIB_SACK_BLOCKS_RECV]	= "SackBlocksReceived",
	[XTCP_MIB_SACK_DISCARDS]	= "SackDiscards",
	[XTCP_MIB_SACK_RECOVERIES]	= "SackRecoveries",
	[XTCP_MIB_DSACKS_SENT]		= "DsacksSent",
	[XTCP_MIB_DSACKS_RECV]		= "DsacksReceived",
	[XTCP_MIB_DSACK_UNDOS]		= "DsackUndos",
	[XTCP_MIB_RACK_LOSSES]		= "RackLosses",
	[XTCP_MIB_TLPS]			= "LossProbes",
	[XTCP_MIB_PAWS_REJECTS]		= "PawsRejects",
	[XTCP_MIB_EIFEL_UNDOS]		= "EifelUndos",
	[XTCP_MIB_OUT_GSO]		= "OutGsoPackets",
};

/* /proc/xtcp/stats: one "Name value" line per counter. */
static int xtcp_stats_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_net(seq_file_single_net(seq));
	int i;

	for (i = 0; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, "%s %lu\n", xtcp_mib_names[i], xtcp_mib_read(xn, i));
	return 0;
}

int xtcp_proc_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_net(net);

	xn->proc_dir = proc_net_mkdir(net, "xtcp", net->proc_net);
	if (!xn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net("conns", 0444, xn->proc_dir, &xtcp_conns_seq_ops,
			     sizeof(struct xtcp_table_iter)) ||
	    !proc_create_net("history", 0444, xn->proc_dir, &xtcp_history_seq_ops,
			     sizeof(struct xtcp_table_iter)) ||
	    !proc_create_net("info", 0444, xn->proc_dir, &xtcp_info_seq_ops,
			     sizeof(struct xtcp_table_iter)) ||
	    !proc_create_net_single("stats", 0444, xn->proc_dir, xtcp_stats_show, NULL)) {
		remove_proc_subtree("xtcp", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_subtree("xtcp", net->proc_net);
}

int xtcp_proc_init(void)
{
	xtcp_proc_link = proc_symlink("xtcp", NULL, "self/net/xtcp");
	if (!xtcp_proc_link)
		return -ENOMEM;
	return 0;
}

void xtcp_proc_exit(void)
{
	proc_remove(xtcp_proc_link);
}
